"""The writer's home: earlier pieces and where they went, returned pieces, several teams; extension page."""
from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import Extension
from portal.models.reviews import Entry, EntryStatus, Panel, PanelMember, PanelStatus, Tier


def panel(tier, period, scope, status=PanelStatus.CLOSED, **kw):
    p = Panel(tier=tier, period=period, scope_key=scope, status=status, **kw)
    db.session.add(p)
    return p


def test_earlier_pieces_show_decisions_of_closed_panels_only(client, login, make_tree, make_user, make_piece):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    reviewer = make_user(Role.PANEL_MEMBER, tree.city["semarang"], name="Penilai Rahasia")
    old = make_piece(team, period="2026-09", title="Jalan setapak")
    older = make_piece(team, period="2026-08", title="Sumur bor")
    city = panel(Tier.CITY, "2026-09", f"city:{tree.city['semarang'].id}", city_id=tree.city["semarang"].id)
    prov = panel(Tier.PROVINCE, "2026-09", f"kmw:{tree.kmw['A'].id}", kmw_id=tree.kmw["A"].id)
    nat = panel(Tier.NATIONAL, "2026-09", "national", status=PanelStatus.OPEN)
    city.members.append(PanelMember(user=reviewer))
    db.session.add_all([
        Entry(panel=city, piece=old, status=EntryStatus.ELIGIBLE, na=812.5, passed=True, selected=True),
        Entry(panel=prov, piece=old, status=EntryStatus.ELIGIBLE, na=745.0, passed=True, selected=True),
        Entry(panel=nat, piece=old, status=EntryStatus.ELIGIBLE, na=690.0, passed=False, selected=False),
    ])
    older.status = older.status.RETURNED
    older.return_reasons = "Foto kurang dari dua; alamat lembaga kosong."
    db.session.commit()
    login(writer)
    body = client.get("/tulisan/").get_data(as_text=True)
    assert "Dipilih Korkot, dikirim ke provinsi" in body and "812,50" in body
    assert "Best practice provinsi" in body and "Dikirim ke KMP" in body and "745,00" in body
    assert "690" not in body and "Dinilai KMP" not in body  # the national panel is still open
    assert "Penilai Rahasia" not in body
    assert "Foto kurang dari dua" in body


def test_returned_piece_shows_reasons_and_can_be_revised(client, login, make_tree, make_user, make_piece, monkeypatch):
    import portal.cycle
    import portal.submissions.operations
    import portal.submissions.queries

    now = datetime(2026, 11, 5, 3, tzinfo=UTC)
    for m in (portal.cycle, portal.submissions.operations, portal.submissions.queries):
        monkeypatch.setattr(m, "now_utc", lambda: now)
    tree = make_tree()
    team = tree.team["makassar-TF01"]
    writer = make_user(Role.WRITER, team)
    piece = make_piece(team, period="2026-11", status="returned", return_reasons="Keterangan foto 2 kosong.")
    login(writer)
    body = client.get("/tulisan/").get_data(as_text=True)
    assert "Dikembalikan tim penilai Korkot" in body and "Keterangan foto 2 kosong." in body and "WITA" in body
    assert client.get(f"/tulisan/{piece.id}").status_code == 200


def test_writer_in_two_teams_picks_the_team(client, login, make_tree, make_user, make_piece):
    tree = make_tree()
    a, b = tree.team["demak-TF01"], tree.team["demak-TF02"]
    writer = make_user(roles=[(Role.WRITER, a), (Role.WRITER, b)])
    make_piece(b, period="2026-01", title="Tulisan tim B")
    login(writer)
    body = client.get("/tulisan/").get_data(as_text=True)
    assert a.name in body and f"tim={b.id}" in body
    assert "Tulisan tim B" in client.get(f"/tulisan/?tim={b.id}").get_data(as_text=True)


def test_data_manager_grants_extension_through_the_page(client, login, make_tree, make_user):
    tree = make_tree()
    dm = make_user(Role.DATA_MANAGER, tree.city["makassar"], name="Pengelola Makassar")
    team = tree.team["makassar-TF02"]
    login(dm)
    page = client.get("/tulisan/perpanjangan").get_data(as_text=True)
    assert team.name in page and tree.team["semarang-TF01"].name not in page
    response = client.post("/tulisan/perpanjangan", data={
        "scope": f"team:{team.id}", "period": "2026-11", "stage": "writing", "until": "2026-11-18T23:59",
        "reason": "Listrik padam tiga hari"})
    assert response.status_code == 302
    ext = db.session.scalar(db.select(Extension))
    assert ext.team_id == team.id and ext.granted_by_id == dm.id and ext.granted_at is not None
    assert ext.until == datetime(2026, 11, 18, 15, 59, tzinfo=UTC)  # 23:59 WITA
    assert "Listrik padam" in client.get("/tulisan/perpanjangan").get_data(as_text=True)
    # another city is not in this data manager's choices
    other = client.post("/tulisan/perpanjangan", data={
        "scope": f"team:{tree.team['semarang-TF01'].id}", "period": "2026-11", "stage": "writing",
        "until": "2026-11-18T23:59", "reason": "x"})
    assert other.status_code == 200 and db.session.scalar(db.select(db.func.count(Extension.id))) == 1


def test_grant_extension_rules(make_tree, make_user, app):
    from portal.submissions import operations

    tree = make_tree()
    dm = make_user(Role.DATA_MANAGER, tree.city["makassar"])
    writer = make_user(Role.WRITER, tree.team["makassar-TF01"])
    until = datetime(2026, 11, 22, tzinfo=UTC)
    with app.test_request_context():
        with pytest.raises(PermissionError):
            operations.grant_extension(dm, "2026-11", "writing", until, "x", team=tree.team["semarang-TF01"])
        with pytest.raises(PermissionError):
            operations.grant_extension(writer, "2026-11", "writing", until, "x", team=tree.team["makassar-TF01"])
        with pytest.raises(operations.SubmissionError):
            operations.grant_extension(dm, "2026-11", "writing", until, "  ", team=tree.team["makassar-TF01"])
        ext = operations.grant_extension(dm, "2026-11", "city", until, "banjir", city=tree.city["makassar"])
        assert ext.city_id == tree.city["makassar"].id and ext.granted_by_id == dm.id


def test_writer_cannot_open_extension_page(client, login, make_tree, make_user):
    tree = make_tree()
    login(make_user(Role.WRITER, tree.team["semarang-TF01"]))
    assert client.get("/tulisan/perpanjangan").status_code == 403
    assert client.get(f"/tulisan/produk-pengetahuan/belum/{tree.kmw['A'].id}").status_code == 404


def test_kmw_data_manager_tracks_missing_knowledge_products(client, login, make_tree, make_user):
    tree = make_tree()
    make_user(Role.WRITER, tree.kmw["A"], name="Ahli Belum Kirim")
    dm = make_user(Role.DATA_MANAGER, tree.kmw["A"])
    login(dm)
    page = client.get("/tulisan/perpanjangan").get_data(as_text=True)
    assert f"/tulisan/produk-pengetahuan/belum/{tree.kmw['A'].id}" in page
    assert "Ahli Belum Kirim" in client.get(f"/tulisan/produk-pengetahuan/belum/{tree.kmw['A'].id}").get_data(as_text=True)
    assert client.get(f"/tulisan/produk-pengetahuan/belum/{tree.kmw['B'].id}").status_code == 404


def test_extension_must_end_after_the_normal_deadline(make_tree, make_user, app):
    from portal.submissions import operations

    tree = make_tree()
    dm = make_user(Role.DATA_MANAGER, tree.city["jayapura"])
    team = tree.team["jayapura-TF01"]
    with app.test_request_context():
        with pytest.raises(operations.SubmissionError, match="15 November 2026"):
            # 16 Nov 00:00 WIT is exactly the normal deadline: no extension at all
            operations.grant_extension(dm, "2026-11", "writing", datetime(2026, 11, 15, 15, tzinfo=UTC),
                                       "x", team=team)
        with pytest.raises(operations.SubmissionError):
            operations.grant_extension(dm, "2026-13", "writing", datetime(2026, 11, 20, tzinfo=UTC), "x",
                                       team=team)
