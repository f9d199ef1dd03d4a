"""A file over its limit is refused with its real size and the limit, both right: a 16 MB photo against the 15 MB
limit reads "Berkas 16,0 MB melebihi batas maksimal 15 MB" (it read "15,0 MB": only the limit plus one byte is
read from the upload, and that was what the message measured). Every upload kind, through its page and through
its operation; the limits of media and documents are set to 15 MB here so one 16 MB file serves every kind."""
from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace

import pytest

from portal import photos, storage
from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import Piece
from portal.submissions import knowledge, operations
from portal.timeutil import now_utc
from tests.builders_submissions import complete_fields, jpeg, pdf_document

MB = 1024 * 1024
LIMIT = 15 * MB
SIXTEEN = 16 * MB
MESSAGE = "Berkas 16,0 MB melebihi batas maksimal 15 MB"


def _sixteen_mb(head: bytes) -> bytes:
    """A file of exactly 16 MB that starts like a real one (the size is refused before the content is read)."""
    return head + b"\0" * (SIXTEEN - len(head))


@pytest.fixture
def limits(app):
    app.config.update(PHOTO_MAX_BYTES=LIMIT, MEDIA_MAX_BYTES=LIMIT, DOCUMENT_MAX_BYTES=LIMIT)


@pytest.fixture
def writer(make_tree, make_user, client, login, limits):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    user = make_user(Role.WRITER, team)
    login(user)
    client.post(f"/tulisan/mulai/{team.id}")
    piece = db.session.scalar(db.select(Piece).where(Piece.team_id == team.id))
    return SimpleNamespace(user=user, piece=piece, tree=tree)


def _form_post(client, piece, files: dict, **fields):
    data = dict(complete_fields(), version=str(db.session.get(Piece, piece.id).version), action="save", **fields)
    for name, (payload, filename) in files.items():
        data[name] = (BytesIO(payload), filename)
    return client.post(f"/tulisan/{piece.id}", data=data, content_type="multipart/form-data")


def test_photo_through_the_uploading_script(client, writer):
    response = client.post(f"/tulisan/{writer.piece.id}/foto", data={"photo": (BytesIO(_sixteen_mb(jpeg())), "a.jpg")})
    assert response.status_code == 400
    assert MESSAGE in response.json["error"]
    assert not db.session.get(Piece, writer.piece.id).photos


def test_photo_through_the_form(client, writer):
    response = _form_post(client, writer.piece, {"photo_1": (_sixteen_mb(jpeg()), "besar.jpg")}, title="Teks tetap")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Foto \u201cbesar.jpg\u201d: {MESSAGE}" in body
    db.session.expire_all()
    piece = db.session.get(Piece, writer.piece.id)
    assert piece.title == "Teks tetap" and not piece.photos


@pytest.mark.parametrize("form,head", [("audio", b"ID3\x04\x00"), ("video", b"\0\0\0\x18ftypisom"),
                                       ("grafis", jpeg())])
def test_media_of_each_form(client, writer, form, head):
    response = _form_post(client, writer.piece, {"media": (_sixteen_mb(head), "karya.bin")}, form=form)
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Piece, writer.piece.id).media is None


def test_knowledge_product_document(client, make_tree, make_user, login, limits):
    tree = make_tree()
    expert = make_user(Role.WRITER, tree.kmw["A"])
    login(expert)
    response = client.post("/tulisan/produk-pengetahuan", content_type="multipart/form-data", data={
        "year": now_utc().year, "title": "Modul", "summary": "Ringkas", "action": "submit",
        "document": (BytesIO(_sixteen_mb(pdf_document())), "modul.pdf")})
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert knowledge.product_for(expert, now_utc().year) is None


def test_one_byte_over_the_limit_never_reads_as_the_limit(client, writer):
    response = client.post(f"/tulisan/{writer.piece.id}/foto",
                           data={"photo": (BytesIO(jpeg() + b"\0" * (LIMIT + 1 - len(jpeg()))), "a.jpg")})
    assert "Berkas 15,1 MB melebihi batas maksimal 15 MB" in response.json["error"]


def test_each_operation_states_the_size_it_was_given(app, writer, make_user):
    """The operations check sizes too (for callers other than the pages): the same message, the same figures."""
    with pytest.raises(photos.PhotoError, match=MESSAGE):
        photos.decode(_sixteen_mb(jpeg()))
    piece = db.session.get(Piece, writer.piece.id)
    operations.save_draft(writer.user, piece, {"form": "audio"})
    with pytest.raises(operations.SubmissionError, match=MESSAGE):
        operations.attach_media(writer.user, piece, _sixteen_mb(b"ID3\x04\x00"))
    expert = make_user(Role.WRITER, writer.tree.kmw["A"])
    with pytest.raises(operations.SubmissionError, match=MESSAGE):
        knowledge.save_knowledge_product(expert, writer.tree.kmw["A"], 2026, title="Modul", summary="r",
                                         document=_sixteen_mb(pdf_document()))


def test_the_whole_piece_limit_is_stated_as_configured(app, writer):
    app.config["PIECE_MAX_BYTES"] = int(2.5 * MB)
    piece = db.session.get(Piece, writer.piece.id)
    with pytest.raises(operations.SubmissionError, match="melebihi 2,5 MB"):
        operations.add_photo(writer.user, piece, jpeg() + b"\0" * (3 * MB))


@pytest.mark.parametrize("size,limit_style,file_style", [
    (15 * MB, "15 MB", "15,0 MB"),
    (SIXTEEN, "16 MB", "16,0 MB"),
    (LIMIT + 1, "15,0 MB", "15,1 MB"),  # a limit that is not whole is rounded down, a file's size up
    (int(1.5 * MB), "1,5 MB", "1,5 MB"),
    (500 * MB, "500 MB", "500,0 MB"),
    (20_000, "19,5 KB", "19,6 KB"),
    (1000, "1000 B", "1000 B"),
    (1024 * MB * 3, "3.072 MB", "3.072,0 MB"),
])
def test_sizes_are_written_the_indonesian_way(app, size, limit_style, file_style):
    with app.test_request_context():
        assert storage.format_size(size) == limit_style
        assert storage.format_size(size, round_up=True) == file_style


def test_a_stream_that_cannot_seek_is_measured_by_reading(app):
    class Pipe:
        """A stream without seek, as a file piped through a proxy may be."""

        def __init__(self, data: bytes):
            self._data = BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._data.read(n)

    with app.test_request_context(), pytest.raises(storage.FileTooLarge) as refused:
        storage.read_upload(SimpleNamespace(stream=Pipe(b"x" * SIXTEEN)), LIMIT)
    assert refused.value.size == SIXTEEN and MESSAGE in str(refused.value)
