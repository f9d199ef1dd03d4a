"""Uploads through the pages: bad photos, the 6th photo, size limits (413), headers, XSS, media, documents."""
from io import BytesIO
from types import SimpleNamespace

import pytest
from builders_submissions import (
    HTML_AS_JPG,
    SVG_WITH_SCRIPT,
    complete_fields,
    iso_media,
    jpeg,
    mp3_with_xing,
    pdf_document,
    png_bomb,
    truncated_jpeg,
)

from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import Piece, PieceForm
from portal.submissions import knowledge, media, operations
from portal.timeutil import now_utc

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def setup(make_tree, make_user, client, login):
    tree = make_tree()
    team = tree.team["jayapura-TF01"]
    writer = make_user(Role.WRITER, team, name="Maria Kambu")
    login(writer)
    client.post(f"/tulisan/mulai/{team.id}")
    piece = db.session.scalar(db.select(Piece).where(Piece.team_id == team.id))
    return SimpleNamespace(tree=tree, team=team, writer=writer, piece=piece)


def form_post(client, piece, files=None, **fields):
    data = dict(complete_fields(), version=str(db.session.get(Piece, piece.id).version), action="save")
    data.update(fields)
    for name, (payload, filename) in (files or {}).items():
        data[name] = (BytesIO(payload), filename)
    return client.post(f"/tulisan/{piece.id}", data=data, content_type="multipart/form-data")


def fresh(piece):
    db.session.expire_all()
    return db.session.get(Piece, piece.id)


@pytest.mark.parametrize("payload,filename,fragment", [
    (b"bukan foto sama sekali", "foto.jpg", "bukan foto"),
    (truncated_jpeg(), "potong.jpg", "bukan foto"),
    (HTML_AS_JPG, "halaman.jpg", "bukan foto"),
    (SVG_WITH_SCRIPT, "gambar.svg", "bukan foto"),
    (jpeg(1, 1), "titik.jpg", "minimal 640 x 480"),
    (png_bomb(), "bom.png", "terlalu besar"),
], ids=["not-image", "truncated", "html-as-jpg", "svg-script", "1x1", "bomb"])
def test_bad_photo_keeps_text_and_good_photos(client, setup, payload, filename, fragment):
    response = form_post(client, setup.piece, title="Judul yang saya ketik",
                         files={"photo_1": (jpeg(), "baik.jpg"), "photo_2": (payload, filename)},
                         new_caption_1="Foto baik", new_caption_2="Foto buruk")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert fragment in body and filename in body
    assert "Judul yang saya ketik" in body  # form re-rendered with what was typed
    assert 'id="new_caption_1" name="new_caption_1" maxlength="300" value="Foto buruk"' in body  # refused one first
    assert 'value="Foto baik"' in body  # the saved photo's caption, in its own field
    piece = fresh(setup.piece)
    assert piece.title == "Judul yang saya ketik"
    assert [p.caption for p in piece.photos] == ["Foto baik"]


def test_sixth_photo_refused(client, setup):
    for i in range(5):
        r = client.post(f"/tulisan/{setup.piece.id}/foto", data={"photo": (BytesIO(jpeg()), f"{i}.jpg")})
        assert r.status_code == 200, r.json
    sixth = client.post(f"/tulisan/{setup.piece.id}/foto", data={"photo": (BytesIO(jpeg()), "6.jpg")})
    assert sixth.status_code == 400 and "maksimal" in sixth.json["error"]
    assert len(fresh(setup.piece).photos) == 5
    bad = client.post(f"/tulisan/{setup.piece.id}/foto", data={"photo": (BytesIO(HTML_AS_JPG), "x.jpg")})
    assert bad.status_code == 400


def test_json_upload_bad_file_answers_json(client, setup):
    r = client.post(f"/tulisan/{setup.piece.id}/foto", data={"photo": (BytesIO(SVG_WITH_SCRIPT), "x.svg")})
    assert r.status_code == 400 and "bukan foto" in r.json["error"]
    assert client.post(f"/tulisan/{setup.piece.id}/foto", data={}).status_code == 400


def test_request_over_limit_is_413_friendly_and_loses_nothing(app, client, setup):
    assert form_post(client, setup.piece, title="Sudah tersimpan").status_code == 302
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    big = jpeg(3000, 3000, quality=95) + b"\0" * 300_000
    response = form_post(client, setup.piece, title="Ketikan baru", files={"photo_1": (big, "besar.jpg")})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "Berkas terlalu besar" in body and "tidak hilang" in body
    assert fresh(setup.piece).title == "Sudah tersimpan"


def test_photo_over_per_file_limit_keeps_text(app, client, setup):
    app.config["PHOTO_MAX_BYTES"] = 20_000
    response = form_post(client, setup.piece, title="Teks tetap", files={"photo_1": (jpeg(2000, 1500, quality=95), "a.jpg")})
    assert response.status_code == 400 and "maksimal" in response.get_data(as_text=True)
    assert fresh(setup.piece).title == "Teks tetap" and not fresh(setup.piece).photos


def test_photo_headers_private_then_public(client, setup):
    form_post(client, setup.piece, files={"photo_1": (jpeg(), "a.jpg")}, new_caption_1="c")
    photo = fresh(setup.piece).photos[0]
    for variant in ("display", "phone", "thumb", "original"):
        r = client.get(f"/tulisan/foto/{photo.id}/{variant}")
        assert r.status_code == 200 and r.mimetype == "image/jpeg"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Cache-Control"].startswith("private")
    assert client.get(f"/tulisan/foto/{photo.id}/../../secret").status_code == 404
    assert client.get(f"/tulisan/foto/{photo.id}/huge").status_code == 404
    piece = fresh(setup.piece)
    piece.published_at = now_utc()
    db.session.commit()
    client.post("/akun/keluar")
    r = client.get(f"/tulisan/foto/{photo.id}/display")
    assert r.status_code == 200 and r.headers["Cache-Control"].startswith("public")


def test_webp_copies_are_made_once_for_the_same_readers_and_removed_with_the_photo(app, client, setup, make_user,
                                                                                  login):
    from PIL import Image

    from portal import photos

    form_post(client, setup.piece, files={"photo_1": (jpeg(), "a.jpg")}, new_caption_1="c")
    photo = fresh(setup.piece).photos[0]
    for variant in ("display", "phone", "thumb"):
        assert not photos.webp_path(photo.storage_key, variant).exists()  # an upload pays nothing for WebP
        r = client.get(f"/tulisan/foto/{photo.id}/{variant}.webp")
        assert r.status_code == 200 and r.mimetype == "image/webp", variant
        assert r.headers["Cache-Control"].startswith("private") and r.headers["X-Content-Type-Options"] == "nosniff"
        with Image.open(BytesIO(r.data)) as webp, Image.open(photos.photo_path(photo.storage_key, variant)) as jpg:
            assert webp.format == "WEBP" and webp.size == jpg.size
        kept = photos.webp_path(photo.storage_key, variant)
        assert kept.is_file()
        made = kept.stat().st_mtime_ns
        assert client.get(f"/tulisan/foto/{photo.id}/{variant}.webp").data == r.data
        assert kept.stat().st_mtime_ns == made  # made once, then kept
    for bad in ("original", "huge", "..%2f..%2fsecret"):
        assert client.get(f"/tulisan/foto/{photo.id}/{bad}.webp").status_code == 404
    assert client.get("/tulisan/foto/2147483648/thumb.webp").status_code == 404
    client.post("/akun/keluar")
    assert client.get(f"/tulisan/foto/{photo.id}/thumb.webp").status_code == 404  # a draft's photo: not public
    login(make_user(Role.WRITER, setup.tree.team["semarang-TF01"]))  # another team's writer
    assert client.get(f"/tulisan/foto/{photo.id}/thumb.webp").status_code == 404
    client.post("/akun/keluar")
    piece = fresh(setup.piece)
    piece.published_at = now_utc()
    db.session.commit()
    r = client.get(f"/tulisan/foto/{photo.id}/thumb.webp")
    assert r.status_code == 200 and r.headers["Cache-Control"].startswith("public")
    photos.remove_photo(photo.storage_key)
    assert not any(photos.webp_path(photo.storage_key, v).exists() for v in photos.WEBP_VARIANTS)


def test_xss_in_every_text_field_is_escaped(client, setup):
    fields = {name: XSS for name in operations.TEXT_FIELDS}
    fields["institution_phone"] = fields["author_phone"] = "<script>alert(1)</script>"  # 40 characters at most
    fields["body_md"] = XSS + "\n\n[klik](javascript:alert(1))"
    response = form_post(client, setup.piece, files={"photo_1": (jpeg(), "a.jpg")}, new_caption_1=XSS, **fields)
    assert response.status_code == 302
    photo = fresh(setup.piece).photos[0]
    form_post(client, setup.piece, **{f"caption_{photo.id}": XSS}, **fields)
    pages = [client.get(f"/tulisan/{setup.piece.id}").get_data(as_text=True),
             client.get(f"/tulisan/{setup.piece.id}/lihat").get_data(as_text=True),
             client.get("/tulisan/").get_data(as_text=True),
             form_post(client, setup.piece, action="preview", **fields).get_data(as_text=True)]
    for body in pages:
        assert "<script>alert" not in body and "<img src=x" not in body and 'href="javascript:' not in body
        assert "&lt;script&gt;" in body
    preview = client.post("/tulisan/pratinjau", data={"body_md": XSS}).json["html"]
    assert "<script" not in preview and "&lt;script&gt;" in preview


def test_media_piece_mp3_duration(app, client, setup):
    assert form_post(client, setup.piece, form="audio").status_code == 302
    short = form_post(client, setup.piece, form="audio", files={"media": (mp3_with_xing(10 * 60), "pendek.mp3")})
    assert short.status_code == 400 and "minimal 15 menit" in short.get_data(as_text=True)
    assert fresh(setup.piece).media is None
    long = form_post(client, setup.piece, form="audio", files={"media": (mp3_with_xing(16 * 60), "rekaman.mp3")})
    assert long.status_code == 302
    item = fresh(setup.piece).media
    assert item.content_type == "audio/mpeg" and 15 * 60 <= item.duration_seconds < 17 * 60
    served = client.get(f"/tulisan/{setup.piece.id}/media")
    assert served.status_code == 200 and served.mimetype == "audio/mpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    fake = form_post(client, setup.piece, form="video", files={"media": (HTML_AS_JPG, "film.mp4")})
    assert fake.status_code == 400 and "bukan audio/video" in fake.get_data(as_text=True)


def test_graphics_media_goes_through_photo_pipeline(client, setup):
    assert form_post(client, setup.piece, form="grafis", files={"media": (jpeg(900, 700), "komik.jpg")}).status_code == 302
    assert fresh(setup.piece).media.content_type == "image/jpeg"
    assert fresh(setup.piece).form == PieceForm.GRAFIS


def test_duration_reads_mutagen_metadata(monkeypatch):
    assert media.duration_seconds(mp3_with_xing(20 * 60)) == pytest.approx(20 * 60, abs=1)
    monkeypatch.setattr(media.mutagen, "File", lambda fh: SimpleNamespace(info=SimpleNamespace(length=901.5)))
    assert media.duration_seconds(b"\x00\x00\x00\x18ftypM4A ") == 901.5
    monkeypatch.setattr(media.mutagen, "File", lambda fh: None)
    assert media.duration_seconds(b"rubbish") is None
    assert media.sniff_audio_video(b"\x00\x00\x00\x18ftypM4A ").extension == "m4a"
    assert media.sniff_audio_video(b"\x00\x00\x00\x18ftypisom").extension == "mp4"
    assert media.sniff_audio_video(b"<html>") is None


def test_knowledge_product(client, make_tree, make_user, login):
    tree = make_tree()
    expert = make_user(Role.WRITER, tree.kmw["A"], name="Ahli Satu")
    make_user(Role.WRITER, tree.kmw["A"], name="Ahli Dua")
    make_user(Role.WRITER, tree.kmw["B"], name="Ahli KMW B")
    login(expert)
    assert client.get("/tulisan/").headers["Location"].endswith("/tulisan/produk-pengetahuan")
    year = now_utc().year
    bad = client.post("/tulisan/produk-pengetahuan", data={"year": year, "title": "Modul", "summary": "r",
                      "action": "submit", "document": (BytesIO(HTML_AS_JPG), "modul.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 400 and "PDF, DOCX, atau ODT" in bad.get_data(as_text=True)
    ok = client.post("/tulisan/produk-pengetahuan", data={"year": year, "title": "Modul <b>KSM</b>", "summary": "ringkas",
                     "action": "submit", "document": (BytesIO(pdf_document()), "modul.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    product = knowledge.product_for(expert, year)
    assert product.submitted_at and product.document_ext == "pdf" and "modul" not in product.document_key
    doc = client.get(f"/tulisan/produk-pengetahuan/{product.id}/dokumen")
    assert doc.status_code == 200 and doc.mimetype == "application/pdf"
    assert [u.name for u in knowledge.missing_knowledge_products(tree.kmw["A"].id, year)] == ["Ahli Dua"]
    client.post("/akun/keluar")
    login(make_user(Role.WRITER, tree.team["semarang-TF01"]))
    assert client.get(f"/tulisan/produk-pengetahuan/{product.id}/dokumen").status_code == 404
    assert client.get("/tulisan/produk-pengetahuan").status_code == 403


def test_docx_and_odt_sniffed_by_content():
    import io
    import zipfile

    def archive(entries):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in entries.items():
                z.writestr(name, data)
        return buf.getvalue()

    assert media.sniff_document(archive({"word/document.xml": "<w/>"})).extension == "docx"
    assert media.sniff_document(archive({"mimetype": "application/vnd.oasis.opendocument.text"})).extension == "odt"
    with pytest.raises(media.MediaError):
        media.sniff_document(archive({"evil.html": "<script>"}))


@pytest.mark.parametrize("brand,form,ctype", [(b"M4A ", "audio", "audio/mp4"), (b"isom", "video", "video/mp4"),
                                               (b"isom", "audiovisual", "video/mp4")])
def test_m4a_and_mp4_duration_from_real_files(client, setup, brand, form, ctype):
    short = form_post(client, setup.piece, form=form, files={"media": (iso_media(14 * 60 + 59, brand), "a.bin")})
    assert short.status_code == 400 and "minimal 15 menit" in short.get_data(as_text=True)
    ok = form_post(client, setup.piece, form=form, files={"media": (iso_media(15 * 60, brand), "a.bin")})
    assert ok.status_code == 302
    item = fresh(setup.piece).media
    assert item.content_type == ctype and item.duration_seconds == 900.0
