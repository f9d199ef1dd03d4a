"""The writer's cycle through the pages: start, save, submit, withdraw, late work, conflicts, wrong users."""
import re
from datetime import UTC, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from builders_submissions import complete_fields, jpeg

from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import Piece, PieceStatus
from portal.submissions import operations


def at(tz, *args):
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


@pytest.fixture
def clock(monkeypatch):
    """``clock(datetime)`` freezes "now" for the cycle and the submissions feature."""
    import portal.cycle
    import portal.submissions.operations
    import portal.submissions.queries

    def set_now(when):
        for module in (portal.cycle, portal.submissions.operations, portal.submissions.queries):
            monkeypatch.setattr(module, "now_utc", lambda: when)
        return when

    set_now(at("Asia/Jakarta", 2026, 11, 10, 9, 0))
    return set_now


@pytest.fixture
def world(make_tree, make_user):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team, name="Siti Penulis", position="Faskel Teknik", phone="0812-1")
    other = make_user(Role.WRITER, tree.team["semarang-TF02"], name="Penulis Lain")
    return tree, team, writer, other


def post_form(client, piece, action="save", files=None, **fields):
    data = dict(complete_fields(), version=str(piece.version), action=action)
    data.update(fields)
    for name, payload in (files or {}).items():
        data[name] = (BytesIO(payload), f"{name}.jpg")
    return client.post(f"/tulisan/{piece.id}", data=data, content_type="multipart/form-data")


def start(client, team):
    response = client.post(f"/tulisan/mulai/{team.id}")
    assert response.status_code == 302
    return db.session.scalar(db.select(Piece).where(Piece.team_id == team.id))


def test_home_start_and_prefilled_author(client, login, world, clock):
    _tree, team, writer, _ = world
    login(writer)
    body = client.get("/tulisan/").get_data(as_text=True)
    assert "Belum dimulai" in body and "November 2026" in body and "WIB" in body
    assert "5 hari 15 jam 0 menit" in body  # 10 Nov 09:00 -> 16 Nov 00:00 WIB
    piece = start(client, team)
    assert piece.period == "2026-11" and piece.author_name == "Siti Penulis" and piece.author_place == "Kota Semarang"
    page = client.get(f"/tulisan/{piece.id}")
    assert page.status_code == 200 and "Siti Penulis" in page.get_data(as_text=True)


def test_second_piece_of_the_month_points_to_the_first(client, login, world, clock):
    _tree, team, writer, _ = world
    login(writer)
    first = start(client, team)
    again = client.post(f"/tulisan/mulai/{team.id}", follow_redirects=False)
    assert again.headers["Location"].endswith(f"/tulisan/{first.id}")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "sudah punya tulisan" in page
    assert db.session.scalar(db.select(db.func.count(Piece.id))) == 1
    with pytest.raises(operations.ExistingPiece) as err:
        operations.start_piece(writer, team)
    assert err.value.piece.id == first.id


def test_draft_always_saves_submit_lists_what_is_missing(client, login, world, clock):
    _tree, team, writer, _ = world
    login(writer)
    piece = start(client, team)
    saved = post_form(client, piece, title="Judul saja", body_md="pendek sekali", institution_phone="")
    assert saved.status_code == 302
    db.session.refresh(piece)
    assert piece.title == "Judul saja" and piece.status == PieceStatus.DRAFT
    refused = post_form(client, piece, action="submit", body_md="pendek sekali", institution_phone="")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "belum dapat dikirim" in body
    assert "minimal 500 kata" in body and "foto" in body and "Nomor kontak lembaga" in body
    db.session.refresh(piece)
    assert piece.status == PieceStatus.DRAFT and piece.body_md == "pendek sekali"  # what was typed is kept


def test_complete_submit_withdraw_resubmit(client, login, world, clock):
    _tree, team, writer, _ = world
    login(writer)
    piece = start(client, team)
    response = post_form(client, piece, files={"photo_1": jpeg(), "photo_2": jpeg(960, 1280)},
                         new_caption_1="Kerja bakti", new_caption_2="Rapat BKM")
    assert response.status_code == 302
    db.session.refresh(piece)
    assert [p.caption for p in piece.photos] == ["Kerja bakti", "Rapat BKM"]
    assert post_form(client, piece, action="submit").status_code == 302
    db.session.refresh(piece)
    assert piece.status == PieceStatus.SUBMITTED and piece.submitted_at is not None
    assert client.get(f"/tulisan/{piece.id}").status_code == 302  # submitted: read-only view
    assert "Tarik kembali" in client.get(f"/tulisan/{piece.id}/lihat").get_data(as_text=True)
    assert client.post(f"/tulisan/{piece.id}/tarik").status_code == 302
    db.session.refresh(piece)
    assert piece.status == PieceStatus.DRAFT and piece.submitted_at is None
    assert post_form(client, piece, action="submit").status_code == 302
    db.session.refresh(piece)
    assert piece.status == PieceStatus.SUBMITTED


def test_withdraw_refused_after_deadline(client, login, world, clock, make_piece):
    _tree, team, writer, _ = world
    piece = make_piece(team, period="2026-11")
    clock(at("Asia/Jakarta", 2026, 11, 16, 0, 0))
    login(writer)
    client.post(f"/tulisan/{piece.id}/tarik")
    db.session.refresh(piece)
    assert piece.status == PieceStatus.SUBMITTED


def test_draft_after_deadline_moves_to_next_month(client, login, world, clock, make_piece):
    _tree, team, writer, _ = world
    piece = make_piece(team, period="2026-11", status="draft")
    clock(at("Asia/Jakarta", 2026, 11, 15, 23, 59, 59))
    login(writer)
    client.get("/tulisan/")
    db.session.refresh(piece)
    assert piece.period == "2026-11"
    clock(at("Asia/Jakarta", 2026, 11, 16, 0, 0, 0))
    body = client.get("/tulisan/").get_data(as_text=True)
    db.session.refresh(piece)
    assert piece.period == "2026-12" and piece.moved_from_period == "2026-11"
    assert "Dipindahkan ke bulan berikutnya" in body and "Desember 2026" in body
    assert post_form(client, piece, action="submit").status_code == 302
    db.session.refresh(piece)
    assert piece.status == PieceStatus.SUBMITTED and piece.period == "2026-12"


def test_opening_a_late_draft_directly_gives_the_form_the_moved_version(client, login, world, clock, make_piece):
    """From a bookmark or a reminder's link, straight to the form: the draft moves on opening, and the form carries
    the version after the move, so the writer's first save is not refused as someone else's change."""
    _tree, team, writer, _ = world
    piece = make_piece(team, period="2026-11", status="draft")
    before = piece.version
    clock(at("Asia/Jakarta", 2026, 11, 16, 8, 0))
    login(writer)
    body = client.get(f"/tulisan/{piece.id}").get_data(as_text=True)
    db.session.refresh(piece)
    assert piece.period == "2026-12" and piece.version != before
    shown = re.search(r'name="version"[^>]*value="(\d+)"', body) or re.search(r'value="(\d+)"[^>]*name="version"', body)
    assert shown and int(shown.group(1)) == piece.version
    response = post_form(client, piece, title="Disimpan setelah dipindah")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(piece)
    assert piece.title == "Disimpan setelah dipindah"


def test_late_submit_goes_to_next_month(client, login, world, clock, make_piece):
    _tree, team, writer, _ = world
    piece = make_piece(team, period="2026-11", status="draft")
    clock(at("Asia/Jakarta", 2026, 11, 16, 8, 0))
    login(writer)
    assert post_form(client, piece, action="submit").status_code == 302
    db.session.refresh(piece)
    assert (piece.period, piece.moved_from_period, piece.status) == ("2026-12", "2026-11", PieceStatus.SUBMITTED)


def test_extension_keeps_the_month_open(client, login, world, clock, make_piece, make_user):
    tree, team, writer, _ = world
    dm = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    piece = make_piece(team, period="2026-11", status="draft")
    operations.grant_extension(dm, "2026-11", "writing", at("Asia/Jakarta", 2026, 11, 18, 0, 0), "banjir", team=team)
    clock(at("Asia/Jakarta", 2026, 11, 17, 12, 0))
    login(writer)
    body = client.get("/tulisan/").get_data(as_text=True)
    db.session.refresh(piece)
    assert piece.period == "2026-11" and "diperpanjang" in body


def test_autosave_and_version_conflict(client, login, world, clock):
    _tree, team, writer, _ = world
    login(writer)
    piece = start(client, team)
    version = piece.version
    ok = client.post(f"/tulisan/{piece.id}/simpan", json={"version": version, "title": "Versi satu"})
    assert ok.status_code == 200 and ok.json["version"] == version + 1
    stale = client.post(f"/tulisan/{piece.id}/simpan", json={"version": version, "title": "Versi lama"})
    assert stale.status_code == 409 and stale.json["conflict"] and "tetap ada" in stale.json["error"]
    db.session.expire_all()
    assert db.session.get(Piece, piece.id).title == "Versi satu"
    # the plain form with a stale version keeps the typed text on the page
    page = post_form(client, db.session.get(Piece, piece.id), version="1", title="Teks yang saya ketik")
    assert page.status_code == 409 and "Teks yang saya ketik" in page.get_data(as_text=True)


def test_another_team_cannot_open_edit_or_fetch_photos(client, login, world, clock):
    _tree, team, writer, other = world
    login(writer)
    piece = start(client, team)
    post_form(client, piece, files={"photo_1": jpeg()}, new_caption_1="x")
    photo_id = db.session.get(Piece, piece.id).photos[0].id
    assert client.get(f"/tulisan/foto/{photo_id}/display").status_code == 200
    client.post("/akun/keluar")
    login(other)
    for url in (f"/tulisan/{piece.id}", f"/tulisan/{piece.id}/lihat", f"/tulisan/{piece.id}/media",
                f"/tulisan/foto/{photo_id}/display", f"/tulisan/foto/{photo_id}/original", f"/tulisan/foto/{photo_id}/thumb"):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(f"/tulisan/{piece.id}", data={"title": "diretas"}).status_code in (403, 404)
    assert client.post(f"/tulisan/{piece.id}/simpan", json={"version": 1, "title": "diretas"}).status_code in (403, 404)
    assert client.post(f"/tulisan/{piece.id}/foto", data={"photo": (BytesIO(jpeg()), "a.jpg")}).status_code in (403, 404)
    assert client.post(f"/tulisan/{piece.id}/tarik").status_code in (403, 404)
    assert client.post(f"/tulisan/mulai/{team.id}").status_code in (403, 404)
    assert client.get(f"/tulisan/?tim={team.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Piece, piece.id).title != "diretas"


def test_city_data_manager_sees_but_cannot_edit(client, login, world, clock, make_piece, make_user):
    tree, team, _writer, _ = world
    piece = make_piece(team, status="draft")
    dm = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    login(dm)
    assert client.get(f"/tulisan/{piece.id}/lihat").status_code == 200
    assert client.get(f"/tulisan/{piece.id}").status_code == 403


def test_anonymous_gets_nothing_unpublished(client, world, clock, make_piece):
    _tree, team, _writer, _ = world
    piece = make_piece(team)
    assert client.get(f"/tulisan/{piece.id}/lihat").status_code == 404
    assert client.get(f"/tulisan/foto/{piece.photos[0].id}/thumb").status_code == 404
    assert client.get("/tulisan/").status_code in (302, 401)


def test_csrf_required_on_autosave_and_form(app, client, login, world, clock):
    _tree, team, writer, _ = world
    login(writer)
    piece = start(client, team)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/tulisan/{piece.id}/simpan", json={"version": piece.version, "title": "x"}).status_code == 400
    assert client.post(f"/tulisan/{piece.id}", data={"title": "x", "version": piece.version}).status_code == 400


def test_roll_over_operation_and_occupied_next_month(app, world, make_piece):
    _tree, team, _writer, _ = world
    old = make_piece(team, period="2026-10", status="draft")
    submitted = make_piece(team, period="2026-09", status="submitted")
    moved = operations.roll_over_late_drafts(team, at("Asia/Jakarta", 2026, 11, 3, 8, 0))
    assert [p.id for p in moved] == [old.id]
    assert (old.period, old.moved_from_period) == ("2026-11", "2026-10")
    assert submitted.period == "2026-09"  # submitted work never moves
    stale = make_piece(team, period="2026-08", status="draft")
    assert operations.roll_over_late_drafts(team, at("Asia/Jakarta", 2026, 11, 3, 8, 0)) == []
    assert stale.period == "2026-08"  # next open month already has the team's piece: left as it was


def test_failed_row_removes_the_stored_files(app, world, monkeypatch):
    from portal import storage

    _tree, team, writer, _ = world
    with app.test_request_context():
        piece = operations.start_piece(writer, team, at("Asia/Jakarta", 2026, 11, 3, 8, 0))

        def broken_commit():
            raise RuntimeError("database went away")

        monkeypatch.setattr(db.session, "commit", broken_commit)
        with pytest.raises(RuntimeError):
            operations.add_photo(writer, piece, jpeg(), "x")
    monkeypatch.undo()
    root = storage.upload_root() / "photos"
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))  # written, then removed
