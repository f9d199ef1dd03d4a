"""Word import through the pages: a real .docx (made by python-docx) becomes the piece's Markdown and photos after
the writer's review; wrong kinds of files, zip bombs, size and time limits are refused with a message saying what
to do, and nothing the writer had (the draft, what was typed) is lost; only the piece's own writer may import."""
from __future__ import annotations

import re
import time
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal import storage
from portal.extensions import db
from portal.models.people import AuditLog, Role
from portal.models.pieces import Piece
from portal.submissions import operations, word_import
from tests import builders_word as bw
from tests.builders_submissions import complete_fields, jpeg

TYPED = {"title": "Judul yang baru diketik", "theme": "Tema diketik", "institution_name": "BKM Diketik"}


@pytest.fixture
def setup(make_tree, make_user, client, login):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team, name="Siti Penulis")
    login(writer)
    client.post(f"/tulisan/mulai/{team.id}")
    piece = db.session.scalar(db.select(Piece).where(Piece.team_id == team.id))
    operations.save_draft(writer, piece, {"title": "Judul lama", "body_md": "Teks lama yang sudah ada."})
    return SimpleNamespace(tree=tree, team=team, writer=writer, piece=piece)


def upload(client, piece, payload: bytes, filename: str = "naskah.docx", **typed):
    data = dict(complete_fields(body_md=db.session.get(Piece, piece.id).body_md), **TYPED)
    data.update(typed, version=str(db.session.get(Piece, piece.id).version), action="import_word")
    data["word_file"] = (BytesIO(payload), filename)
    return client.post(f"/tulisan/{piece.id}/impor-word", data=data, content_type="multipart/form-data")


def review_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert re.search(r"/impor-word/[\w-]+$", location), location
    return location


def import_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"]) / "imports"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def fresh(piece) -> Piece:
    db.session.expire_all()
    return db.session.get(Piece, piece.id)


def test_converter_keeps_the_structure_and_drops_styles_and_comments(app):
    converted = word_import.convert_document(bw.word_document(pictures=((1280, 960), (1024, 768), (900, 700))))
    md = converted.markdown
    assert md.startswith("# Latar belakang") and "## Langkah kegiatan" in md
    assert converted.title == "Saluran Bersih, Kampung Sehat" and "Kampung Sehat" not in md  # Word's Title style
    assert "**bergotong royong**" in md and "*semangat tinggi*" in md
    assert "- Rembug warga\n- Kerja bakti" in md and "1. Survei saluran\n2. Pembangunan" in md
    assert "| Uraian | Jumlah |\n| --- | --- |\n| Kepala keluarga | 96 |\n| Panjang saluran | 420 m |" in md
    assert "[situs BKM](https://contoh.id/laporan-bkm)" in md
    assert "Tautan berbahaya: klik di sini" in md and "javascript" not in md  # the words stay, the link goes
    assert "Tambahkan data jumlah KK" not in md  # the reviewer's comment
    assert "docx-image" not in md and "Foto 1:" not in md and "Foto 3." not in md  # captions go with their pictures
    assert md.count(bw.BODY_SENTENCE) == 3 and md.rstrip().endswith("Penutup: saluran kini dirawat bersama.")
    assert [(p.caption, p.offered, (p.width, p.height)) for p in converted.pictures] == [
        ("Warga membersihkan saluran", True, (1280, 960)),  # Word's Caption style, label dropped
        ("Rapat BKM di balai warga", True, (1024, 768)),  # alt text, Word's own "Description ..." dropped
        ("Gambar nomor 3 dari kegiatan", True, (900, 700)),  # a typed "Foto 3." paragraph
    ]


def test_upload_review_and_use(app, client, setup):
    piece = setup.piece
    location = review_url(upload(client, piece, bw.word_document()))
    draft = fresh(piece)
    assert draft.body_md == "Teks lama yang sudah ada."  # nothing replaced before the review
    assert draft.title == TYPED["title"] and draft.institution_name == TYPED["institution_name"]  # typed: kept
    page = client.get(location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Periksa hasil impor Word" in html and "naskah.docx" in html
    assert "<strong>bergotong royong</strong>" in html and "<table>" in html and "<h2>Latar belakang</h2>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "isi tulisan saat ini (5 kata) diganti" in html
    assert 'name="use_1" value="1" checked' in html and 'name="use_2" value="1" checked' in html
    assert "Judul dokumen: <strong>Saluran Bersih, Kampung Sehat</strong>" in html
    assert 'name="use_title" value="1">' in html  # the piece has a title: not replaced unless chosen
    assert 'value="Warga membersihkan saluran"' in html and 'value="Rapat BKM di balai warga"' in html
    thumb = client.get(f"{location}/gambar/1")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg" and thumb.data[:2] == b"\xff\xd8"
    assert thumb.headers["Cache-Control"] == "private, no-store"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    used = client.post(f"{location}/pakai", data={
        "version": str(draft.version), "use_1": "1", "use_2": "1", "caption_1": "Kerja bakti membersihkan saluran",
        "caption_2": "Rapat BKM", **({"csrf_token": token.group(1)} if token else {})})
    assert used.status_code == 302 and used.headers["Location"].endswith(f"/tulisan/{piece.id}")
    done = fresh(piece)
    assert "**bergotong royong**" in done.body_md and "| Kepala keluarga | 96 |" in done.body_md
    assert done.title == TYPED["title"]
    assert [p.caption for p in done.photos] == ["Kerja bakti membersihkan saluran", "Rapat BKM"]
    assert [(p.width, p.height) for p in done.photos] == [(1280, 960), (1024, 768)]
    assert import_files(app) == []  # used: forgotten
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "piece_word_import")) is not None
    edit = client.get(used.headers["Location"]).get_data(as_text=True)
    assert "diganti dengan teks dari dokumen Word" in edit and "2 foto ditambahkan" in edit
    again = client.get(location)  # a used import cannot be used twice
    assert again.status_code == 302 and "sudah tidak tersedia" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_cancel_leaves_everything_as_it_was(app, client, setup):
    piece = setup.piece
    location = review_url(upload(client, piece, bw.word_document()))
    before = fresh(piece)
    body, version = before.body_md, before.version
    assert import_files(app)
    cancelled = client.post(f"{location}/batal")
    assert cancelled.status_code == 302
    after = fresh(piece)
    assert after.body_md == body == "Teks lama yang sudah ada." and after.version == version and not after.photos
    assert import_files(app) == []
    assert "Impor dibatalkan. Tulisan tidak berubah." in client.get(cancelled.headers["Location"]).get_data(as_text=True)


def test_the_document_title_is_offered_for_an_untitled_piece(client, setup):
    piece = setup.piece
    location = review_url(upload(client, piece, bw.word_document(), title=""))
    html = client.get(location).get_data(as_text=True)
    assert 'name="use_title" value="1" checked' in html and "judul saat ini: belum ada" in html
    client.post(f"{location}/pakai", data={"version": str(fresh(piece).version), "use_title": "1"})
    done = fresh(piece)
    assert done.title == "Saluran Bersih, Kampung Sehat" and done.body_md.startswith("# Latar belakang")
    assert not done.photos  # no picture chosen


def test_unchecked_pictures_are_not_added(client, setup):
    piece = setup.piece
    location = review_url(upload(client, piece, bw.word_document()))
    client.post(f"{location}/pakai", data={"version": str(fresh(piece).version), "use_2": "1"})
    done = fresh(piece)
    assert [p.caption for p in done.photos] == ["Rapat BKM di balai warga"] and "bergotong" in done.body_md


REFUSED = [
    ("naskah.doc", bw.doc_97(), "dokumen Word lama (.doc)"),
    ("naskah.docx", bw.doc_97(), "dokumen Word lama (.doc)"),  # renamed: the bytes decide
    ("rahasia.docx", bw.encrypted_docx(), "dilindungi kata sandi"),
    ("naskah.odt", bw.odt(), "OpenDocument (.odt)"),
    ("naskah.docm", bw.docm(), "berisi makro (.docm)"),
    ("naskah.rtf", bw.RTF, "dokumen RTF (.rtf)"),
    ("naskah.pdf", bw.PDF, "Berkas ini PDF"),
    ("naskah.docx", bw.TEXT_AS_DOCX, "bukan dokumen Word (.docx)"),
    ("tabel.docx", bw.xlsx_like(), "bukan dokumen Word (.docx)"),
    ("kosong.docx", b"", "Berkas ini kosong"),
]


@pytest.mark.parametrize(("filename", "payload", "expected"), REFUSED,
                         ids=["doc", "doc-renamed", "encrypted", "odt", "docm", "rtf", "pdf", "text", "xlsx", "empty"])
def test_other_files_are_refused_with_how_to_save_as_docx(app, client, setup, filename, payload, expected):
    piece = setup.piece
    before = fresh(piece)
    state = (before.title, before.body_md, before.version, before.institution_name)
    response = upload(client, piece, payload, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert expected in html
    if "kata sandi" not in expected:
        assert "File &gt; Save As" in html and "Google Docs" in html and ".docx" in html
    assert "Tulisan Anda tidak berubah." in html and "Dokumen Word belum diimpor" in html
    assert f'value="{TYPED["title"]}"' in html and f'value="{TYPED["institution_name"]}"' in html  # typed: kept
    assert "Teks lama yang sudah ada." in html
    after = fresh(piece)
    assert (after.title, after.body_md, after.version, after.institution_name) == state  # the draft: untouched
    assert import_files(app) == []


def test_no_file_chosen(client, setup):
    data = dict(complete_fields(), version=str(setup.piece.version), action="import_word")
    response = client.post(f"/tulisan/{setup.piece.id}/impor-word", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "Pilih berkas .docx yang akan diimpor." in response.get_data(as_text=True)


def test_too_large_a_file(app, client, setup):
    app.config["WORD_MAX_BYTES"] = 20 * 1024
    payload = bw.word_document()
    assert len(payload) > 20 * 1024
    response = upload(client, setup.piece, payload)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "melebihi batas maksimal 20 KB" in html
    assert fresh(setup.piece).body_md == "Teks lama yang sudah ada."


def test_zip_bomb_is_refused_before_converting(app, client, setup):
    bomb = bw.zip_bomb(130 * 1024 * 1024)  # over WORD_MAX_UNPACKED_BYTES (120 MB), about 130 KB packed
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    response = upload(client, setup.piece, bomb)
    assert time.monotonic() - started < 10  # read from the zip's directory, never unpacked
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "terlalu besar setelah dibuka (lebih dari 120 MB)" in html
    assert fresh(setup.piece).body_md == "Teks lama yang sudah ada."


def test_too_many_parts(app, client, setup):
    response = upload(client, setup.piece, bw.many_parts(1001))
    assert response.status_code == 400
    assert "terlalu banyak bagian (lebih dari 1000)" in response.get_data(as_text=True)


def test_zip_that_lies_about_its_sizes_is_damaged(app, client, setup):
    response = upload(client, setup.piece, bw.lying_zip())
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "rusak atau tidak dapat dibaca" in html


def test_time_limit_stops_the_converter(app, client, setup):
    app.config["WORD_CONVERT_SECONDS"] = 0.01  # the process cannot even start in that time: it is killed
    response = upload(client, setup.piece, bw.word_document())
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "terlalu rumit untuk diproses" in html
    assert fresh(setup.piece).body_md == "Teks lama yang sudah ada." and import_files(app) == []


def test_memory_limit_ends_the_converter(app, client, setup):
    app.config["WORD_CONVERT_MEMORY_BYTES"] = 32 * 1024 * 1024  # lxml and mammoth do not fit
    response = upload(client, setup.piece, bw.word_document())
    assert response.status_code == 400
    assert "terlalu rumit untuk diproses" in response.get_data(as_text=True)


def test_pictures_follow_the_photo_rules(app, client, setup):
    piece = setup.piece
    for n in range(4):
        operations.add_photo(setup.writer, piece, jpeg(800, 600), f"Foto lama {n + 1}")
    doc = bw.word_document(pictures=((1280, 960), (300, 200), (900, 700)))
    location = review_url(upload(client, piece, doc))
    html = client.get(location).get_data(as_text=True)
    assert "sudah punya 4 foto; dapat ditambah 1 foto lagi (maksimal 5)" in html
    assert "Gambar 2 tidak dapat dipakai sebagai foto." in html and "minimal 640 x 480 piksel" in html
    assert 'name="use_2"' not in html  # a refused picture is not offered
    assert 'name="use_1" value="1" checked' in html and 'name="use_3" value="1">' in html  # only one slot left
    assert client.get(f"{location}/gambar/2").status_code == 200  # still shown, small
    client.post(f"{location}/pakai", data={"version": str(fresh(piece).version), "use_1": "1", "use_2": "1",
                                           "use_3": "1"})
    done = fresh(piece)
    assert len(done.photos) == 5 and done.photos[-1].caption == "Warga membersihkan saluran"
    page = client.get(f"/tulisan/{piece.id}").get_data(as_text=True)
    assert "Gambar 3: Sudah ada 5 foto, batas maksimal." in page


def test_number_of_pictures_read_is_limited(app, client, setup):
    app.config["WORD_MAX_IMAGES"] = 1
    location = review_url(upload(client, setup.piece, bw.word_document(pictures=((1280, 960), (1024, 768),
                                                                                    (900, 700)))))
    html = client.get(location).get_data(as_text=True)
    assert "2 gambar lain di dokumen ini tidak dibaca: paling banyak 1 gambar per dokumen." in html
    assert 'name="use_1"' in html and 'name="use_2"' not in html


def test_too_large_a_picture_is_refused_with_its_size(app, client, setup):
    app.config["PHOTO_MAX_BYTES"] = 20 * 1024
    location = review_url(upload(client, setup.piece, bw.word_document(pictures=((2400, 1800),))))
    html = client.get(location).get_data(as_text=True)
    assert "Gambar 1 tidak dapat dipakai sebagai foto." in html and "melebihi batas maksimal 20 KB" in html


def test_other_users_cannot_import_or_see_the_import(app, client, setup, make_user, login):
    piece = setup.piece
    location = review_url(upload(client, piece, bw.word_document()))
    path = location.split("://", 1)[-1]
    path = path[path.index("/"):] if not path.startswith("/") else path
    client.post("/akun/keluar")
    state = (fresh(piece).body_md, fresh(piece).version)
    other_team = make_user(Role.WRITER, setup.tree.team["semarang-TF02"])
    other_city = make_user(Role.WRITER, setup.tree.team["demak-TF01"])
    city_dm = make_user(Role.DATA_MANAGER, setup.tree.city["semarang"])
    for user in (other_team, other_city, city_dm):
        c = app.test_client()
        login(user, c=c)
        assert upload(c, piece, bw.word_document()).status_code in (403, 404)
        assert c.get(path).status_code in (403, 404)
        assert c.get(f"{path}/gambar/1").status_code in (403, 404)
        assert c.post(f"{path}/pakai", data={"version": str(state[1]), "use_1": "1"}).status_code in (403, 404)
        assert c.post(f"{path}/batal").status_code in (403, 404)
    # A second writer of the same team may edit the piece but not use or see someone else's import.
    teammate = make_user(Role.WRITER, setup.team)
    c = app.test_client()
    login(teammate, c=c)
    review = c.get(path)
    assert review.status_code == 302 and "sudah tidak tersedia" in c.get(review.headers["Location"]).get_data(as_text=True)
    assert c.get(f"{path}/gambar/1").status_code == 404
    c.post(f"{path}/pakai", data={"version": str(state[1]), "use_1": "1"})
    c.post(f"{path}/batal")
    assert (fresh(piece).body_md, fresh(piece).version) == state and not fresh(piece).photos
    assert import_files(app)  # still there for its writer
    anonymous = app.test_client()
    assert "/akun/masuk" in anonymous.get(path).headers["Location"]


def test_a_submitted_piece_cannot_be_changed(app, client, setup, make_piece):
    submitted = make_piece(setup.team, period="2026-11", status="submitted")
    before = (submitted.body_md, submitted.version)
    response = upload(client, submitted, bw.word_document())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tulisan/{submitted.id}/lihat")
    assert import_files(app) == [] and (fresh(submitted).body_md, fresh(submitted).version) == before
    # An import reviewed while the piece was a draft, used after it was submitted: refused, nothing changes.
    piece = setup.piece
    location = review_url(upload(client, piece, bw.word_document()))
    draft = fresh(piece)
    draft.status = draft.status.SUBMITTED
    db.session.commit()
    used = client.post(f"{location}/pakai", data={"version": str(draft.version), "use_1": "1"})
    assert used.status_code == 302 and used.headers["Location"].endswith(f"/tulisan/{piece.id}/lihat")
    assert fresh(piece).body_md == "Teks lama yang sudah ada." and not fresh(piece).photos


def test_a_change_in_another_window_stops_the_replacement(client, setup):
    piece = setup.piece
    location = review_url(upload(client, piece, bw.word_document()))
    version = fresh(piece).version
    operations.save_draft(setup.writer, fresh(piece), {"body_md": "Diubah di ponsel."})
    used = client.post(f"{location}/pakai", data={"version": str(version), "use_1": "1"})
    assert used.status_code == 302 and used.headers["Location"].endswith(location.split("localhost")[-1])
    assert fresh(piece).body_md == "Diubah di ponsel." and not fresh(piece).photos
    page = client.get(used.headers["Location"]).get_data(as_text=True)
    assert "diubah di jendela atau perangkat lain" in page and "isi tulisan saat ini (3 kata)" in page


def test_a_stale_import_is_gone(app, client, setup):
    location = review_url(upload(client, setup.piece, bw.word_document()))
    app.config["WORD_IMPORT_MAX_AGE_SECONDS"] = 0
    time.sleep(0.01)
    response = client.get(location)
    assert response.status_code == 302 and import_files(app) == []
    assert "sudah tidak tersedia" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_stale_import_files_are_orphans_and_not_backed_up(app, client, setup):
    from portal import maintenance

    review_url(upload(client, setup.piece, bw.word_document()))
    files = import_files(app)
    assert files and set(files) <= set(storage.orphans(grace_seconds=0))
    assert not set(files) & set(maintenance._upload_files(Path(app.config["UPLOAD_DIR"])))
    assert set(files) <= set(storage.orphans(grace_seconds=0))


def test_the_edit_page_offers_the_import_without_javascript(client, setup):
    html = client.get(f"/tulisan/{setup.piece.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert f'formaction="/tulisan/{setup.piece.id}/impor-word"' in html and 'name="word_file"' in html
    assert "Impor dari dokumen Word (.docx)" in html
