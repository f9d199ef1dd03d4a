"""The upload folder refuses files (full disk, read-only disk, a path that is no folder): every upload endpoint
tells the uploader in Indonesian that the file is not stored, and loses nothing else (the text, the photos
already uploaded). The script that uploads photos gets JSON; a form post goes back to its page with the message.

The faults are real file systems: a small tmpfs mounted by the test and filled (ENOSPC), the same tmpfs mounted
again read-only (EROFS), and an upload folder below a regular file (ENOTDIR, which needs no privilege). Tests run
as root in CI, where permission bits stop nothing, so no test relies on chmod.

The upload endpoints (every place a request's file ends up on disk), each covered below:
  POST /tulisan/<id>/foto                 one photo, from the piece page's script (JSON)
  POST /tulisan/<id>  photo_1..photo_5    photos sent with the piece form (no JavaScript)
  POST /tulisan/<id>  media               the file of a media piece (audio, video, graphics)
  POST /tulisan/produk-pengetahuan        a knowledge product's document
  POST /tulisan/<id>/impor-word           a Word document kept for the writer's review
The CSV imports (organisation tree, accounts) read their file in memory and store nothing.
"""
from __future__ import annotations

import ast
import errno
import subprocess
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal import storage
from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import KnowledgeProduct, MediaFile, Photo, Piece
from portal.submissions import knowledge
from portal.timeutil import now_utc
from tests.builders_submissions import complete_fields, jpeg, mp3_with_xing, pdf_document
from tests.builders_word import word_document

PORTAL = Path(__file__).resolve().parent.parent / "portal"
FULL = "Penyimpanan penuh"
UNWRITABLE = "Penyimpanan berkas sedang tidak dapat ditulisi"


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


class TmpfsUploads:
    """A 4 MB tmpfs mounted on the upload folder; ``fill()`` uses up its space, ``read_only()`` remounts it."""

    def __init__(self, path: Path):
        self.path = path

    def mount(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        result = _mount("-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(self.path))
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {result.stderr.strip()}")

    def fill(self) -> None:
        with open(self.path / "filler", "wb", buffering=0) as fh:
            try:
                while fh.write(b"\0" * 65536):
                    pass
            except OSError as error:
                assert error.errno == errno.ENOSPC

    def read_only(self) -> None:
        result = _mount("-o", "remount,ro", str(self.path))
        assert result.returncode == 0, result.stderr

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True, check=False)


@pytest.fixture(params=["full", "read-only", "not-a-folder"])
def fault(request, app, tmp_path):
    """How the upload folder will refuse files, and ``refuse()`` to make it so (after the test's first uploads)."""
    uploads = Path(app.config["UPLOAD_DIR"])
    if request.param == "not-a-folder":
        blocker = tmp_path / "a-file"
        blocker.write_bytes(b"not a folder")

        def refuse():
            app.config["UPLOAD_DIR"] = str(blocker / "uploads")

        yield SimpleNamespace(kind=request.param, refuse=refuse, message=UNWRITABLE, root=blocker)
        return
    tmpfs = TmpfsUploads(uploads)
    tmpfs.mount()
    try:
        refuse = tmpfs.fill if request.param == "full" else tmpfs.read_only
        yield SimpleNamespace(kind=request.param, refuse=refuse, message=FULL if request.param == "full" else UNWRITABLE,
                              root=uploads)
    finally:
        tmpfs.unmount()


@pytest.fixture
def writer(make_tree, make_user, client, login):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    user = make_user(Role.WRITER, team)
    login(user)
    client.post(f"/tulisan/mulai/{team.id}")
    piece = db.session.scalar(db.select(Piece).where(Piece.team_id == team.id))
    return SimpleNamespace(user=user, piece=piece, tree=tree)


def _fresh(piece_id: int) -> Piece:
    db.session.expire_all()
    return db.session.get(Piece, piece_id)


def _form_post(client, piece_id: int, files: dict, **fields):
    data = dict(complete_fields(), version=str(_fresh(piece_id).version), action="save")
    data.update(fields)
    for name, (payload, filename) in files.items():
        data[name] = (BytesIO(payload), filename)
    return client.post(f"/tulisan/{piece_id}", data=data, content_type="multipart/form-data")


def _no_partial_files(root: Path) -> None:
    if root.is_dir():
        assert not [p for p in root.rglob(".tmp-*")], "a temporary file was left behind"


def test_photo_from_the_script_answers_json(client, writer, fault):
    first = client.post(f"/tulisan/{writer.piece.id}/foto", data={"photo": (BytesIO(jpeg()), "1.jpg")})
    assert first.status_code == 200
    fault.refuse()
    response = client.post(f"/tulisan/{writer.piece.id}/foto", data={"photo": (BytesIO(jpeg(color=(9, 9, 9))), "2.jpg"),
                                                                     "caption": "Foto kedua"})
    assert response.status_code == 503 and response.is_json
    assert fault.message in response.json["error"] and "coba unggah lagi nanti" in response.json["error"]
    assert response.headers["Retry-After"].isdigit()
    assert [p.id for p in _fresh(writer.piece.id).photos] == [first.json["photo"]["id"]]  # the first one stays
    _no_partial_files(fault.root)


def test_photos_with_the_form_keep_the_text_and_earlier_photos(client, writer, fault):
    assert _form_post(client, writer.piece.id, {"photo_1": (jpeg(), "1.jpg")}).status_code == 302
    fault.refuse()
    response = _form_post(client, writer.piece.id, {"photo_1": (jpeg(color=(1, 2, 3)), "2.jpg")},
                          title="Judul yang baru saya ketik")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tulisan/{writer.piece.id}"  # back to the form, as it was saved
    piece = _fresh(writer.piece.id)
    assert piece.title == "Judul yang baru saya ketik" and len(piece.photos) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert fault.message in page and "Judul yang baru saya ketik" in page
    _no_partial_files(fault.root)


@pytest.mark.parametrize("form,payload", [("audio", mp3_with_xing(16 * 60)), ("grafis", jpeg(900, 700))],
                         ids=["audio", "graphics"])
def test_media_with_the_form_keeps_the_text(client, writer, fault, form, payload):
    fault.refuse()
    response = _form_post(client, writer.piece.id, {"media": (payload, "karya.bin")}, form=form, title="Karya saya")
    assert response.status_code == 303
    piece = _fresh(writer.piece.id)
    assert piece.title == "Karya saya" and piece.form.value == form and piece.media is None
    assert db.session.scalar(db.select(db.func.count(MediaFile.id))) == 0
    assert fault.message in client.get(response.headers["Location"]).get_data(as_text=True)
    _no_partial_files(fault.root)


def test_knowledge_product_document_keeps_the_text_as_a_draft(client, make_tree, make_user, login, fault):
    tree = make_tree()
    expert = make_user(Role.WRITER, tree.kmw["A"])
    login(expert)
    fault.refuse()
    response = client.post("/tulisan/produk-pengetahuan", content_type="multipart/form-data", data={
        "year": now_utc().year, "title": "Modul pendampingan KSM", "summary": "Ringkasan yang saya ketik",
        "action": "submit", "document": (BytesIO(pdf_document()), "modul.pdf")})
    assert response.status_code == 303 and response.headers["Location"] == "/tulisan/produk-pengetahuan"
    product = knowledge.product_for(expert, now_utc().year)
    assert product.title == "Modul pendampingan KSM" and product.summary == "Ringkasan yang saya ketik"
    assert product.document_key is None and product.submitted_at is None  # not sent without its document
    page = client.get("/tulisan/produk-pengetahuan").get_data(as_text=True)
    assert fault.message in page and "Modul pendampingan KSM" in page
    _no_partial_files(fault.root)


def test_replacing_a_document_on_a_refusing_disk_keeps_the_old_one(client, make_tree, make_user, login, fault):
    tree = make_tree()
    expert = make_user(Role.WRITER, tree.kmw["A"])
    login(expert)
    data = {"year": now_utc().year, "title": "Modul", "summary": "r", "action": "save"}
    first = client.post("/tulisan/produk-pengetahuan", content_type="multipart/form-data",
                        data={**data, "document": (BytesIO(pdf_document()), "a.pdf")})
    assert first.status_code == 302
    kept = knowledge.product_for(expert, now_utc().year).document_key
    fault.refuse()
    response = client.post("/tulisan/produk-pengetahuan", content_type="multipart/form-data",
                           data={**data, "title": "Modul revisi", "document": (BytesIO(pdf_document()), "b.pdf")})
    assert response.status_code == 303
    db.session.expire_all()
    product = db.session.get(KnowledgeProduct, knowledge.product_for(expert, now_utc().year).id)
    assert product.title == "Modul revisi" and product.document_key == kept


def test_word_document_keeps_what_was_typed_and_the_piece(client, writer, fault):
    """The document cannot be kept for review: the text typed with it is saved, nothing is imported or left."""
    assert _form_post(client, writer.piece.id, {}, body_md="Teks yang sudah ada.").status_code == 302
    fault.refuse()
    data = dict(complete_fields(), version=str(_fresh(writer.piece.id).version), action="import_word",
                title="Judul yang baru saya ketik", body_md="Teks yang sudah ada.")
    data["word_file"] = (BytesIO(word_document()), "naskah.docx")
    response = client.post(f"/tulisan/{writer.piece.id}/impor-word", data=data, content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == f"/tulisan/{writer.piece.id}"
    assert response.headers["Retry-After"].isdigit()  # the form, not the POST-only import address
    piece = _fresh(writer.piece.id)
    assert piece.title == "Judul yang baru saya ketik" and piece.body_md == "Teks yang sudah ada."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert fault.message in page and "Judul yang baru saya ketik" in page
    _no_partial_files(fault.root)


@pytest.mark.parametrize("fault", ["read-only"], indirect=True)  # the one fault that also refuses removals
def test_deleting_a_photo_on_a_read_only_disk_still_deletes_it(client, writer, fault):
    """The row goes; the file the disk will not remove is left for cleanup-uploads (and logged)."""
    assert client.post(f"/tulisan/{writer.piece.id}/foto", data={"photo": (BytesIO(jpeg()), "1.jpg")}).status_code == 200
    photo = _fresh(writer.piece.id).photos[0]
    fault.refuse()
    response = _form_post(client, writer.piece.id, {}, action=f"delete:{photo.id}")
    assert response.status_code == 302
    assert db.session.get(Photo, photo.id) is None


def test_the_fault_reaches_the_operation_as_storage_unavailable(app, fault):
    fault.refuse()
    with pytest.raises(storage.StorageUnavailable) as refused:
        storage.write_atomic(storage.path_for("media", storage.new_key(), ".mp3"), b"ID3" + b"\0" * 200_000)
    assert isinstance(refused.value, OSError)
    expected = {"full": {errno.ENOSPC}, "read-only": {errno.EROFS}, "not-a-folder": {errno.ENOTDIR, errno.EEXIST}}
    assert refused.value.errno in expected[fault.kind]
    with app.test_request_context():
        assert fault.message in refused.value.message


def _functions_reading(module: Path, needle: str) -> set[str]:
    tree = ast.parse(module.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and needle in ast.get_source_segment(module.read_text(), node)}


def test_every_upload_endpoint_is_listed_here():
    """A new place that stores a request's file must be added to the tests above (and to the list at the top)."""
    readers = {f"{path.relative_to(PORTAL)}:{name}" for path in PORTAL.rglob("*.py")
               for name in _functions_reading(path, "request.files")}
    assert readers == {"submissions/routes_files.py:upload_photo", "submissions/routes.py:_save_uploads",
                       "submissions/routes_manage.py:knowledge_product", "submissions/routes_word.py:word_upload"}
    writers = {f"{path.relative_to(PORTAL)}:{name}" for path in PORTAL.rglob("*.py")
               for name in _functions_reading(path, "write_atomic(") if name != "write_atomic"}
    assert writers == {"photos.py:store_photo", "submissions/operations.py:attach_media",
                       "submissions/knowledge.py:save_knowledge_product", "submissions/word_import.py:keep_for_review",
                       "photos.py:webp_variant"}
