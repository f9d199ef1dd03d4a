"""Conflicts of interest, who may see what, panel size, ties and locking: enforced by the server."""
from __future__ import annotations

import pytest
from builders_panels import (
    PERIOD,
    check_all,
    city_panel,
    form_scores,
    kmw_panel,
    make_pool,
    score_all,
    scores_for,
    tied_city_panel,
)

from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import Entry, EntryStatus, PanelMode, PanelStatus, Recusal, ScoreSheet, Tier
from portal.panels import operations as ops


def _client(app, login, user):
    return login(user, c=app.test_client())


@pytest.fixture
def city_setup(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    pieces = [make_piece(tree.team[f"semarang-TF{i:02d}"], title=f"Tulisan {i}") for i in range(1, 5)]
    # The third member also writes for TF02: they must never score TF02's piece.
    pool = make_pool(make_user, 2, tree.city["semarang"])
    writer_member = make_user(roles=[(Role.PANEL_MEMBER, tree.city["semarang"]), (Role.WRITER, tree.team["semarang-TF02"])],
                              name="Penilai Penulis")
    pool.append(writer_member)
    panel = city_panel(tree, "semarang", pool, admin)
    check_all(panel, admin)
    return tree, admin, pieces, pool, panel


def _entry_of(panel, piece):
    return db.session.scalar(db.select(Entry).where(Entry.panel_id == panel.id, Entry.piece_id == piece.id))


def test_own_team_member_is_recused_and_direct_post_refused(app, login, city_setup):
    _tree, _admin, pieces, pool, panel = city_setup
    entry = _entry_of(panel, pieces[1])
    recusal = db.session.scalar(db.select(Recusal).where(Recusal.entry_id == entry.id))
    assert recusal.user_id == pool[2].id and recusal.automatic
    c = _client(app, login, pool[2])
    assert c.get(f"/penilaian/entri/{entry.id}/nilai").status_code == 403
    r = c.post(f"/penilaian/entri/{entry.id}/nilai", data=form_scores(scores_for(10), submit="1"))
    assert r.status_code == 403
    assert db.session.scalar(db.select(ScoreSheet).where(ScoreSheet.entry_id == entry.id)) is None
    with pytest.raises(ops.PanelError):
        ops.save_sheet(entry.id, pool[2], scores_for(10), version=None, submit=True)
    # The other pieces are theirs to score.
    assert c.get(f"/penilaian/entri/{_entry_of(panel, pieces[0]).id}/nilai").status_code == 200


def test_self_declared_recusal_then_post_refused(app, login, city_setup):
    _tree, _admin, pieces, pool, panel = city_setup
    entry = _entry_of(panel, pieces[0])
    c = _client(app, login, pool[1])
    assert c.post(f"/penilaian/entri/{entry.id}/mundur", data={"reason": ""}).status_code == 302
    assert db.session.scalar(db.select(Recusal).where(Recusal.entry_id == entry.id)) is None
    assert c.post(f"/penilaian/entri/{entry.id}/mundur", data={"reason": "Saudara penulis"}).status_code == 302
    assert c.post(f"/penilaian/entri/{entry.id}/nilai", data=form_scores(scores_for(8), submit="1")).status_code == 403
    # The chair sees who is recused; NA uses the members who scored.
    chair = _client(app, login, pool[0])
    assert "Saudara penulis" in chair.get(f"/penilaian/panel/{panel.id}").get_data(as_text=True)
    ops.save_sheet(entry.id, pool[0], scores_for(8), version=None, submit=True)
    ops.save_sheet(entry.id, pool[2], scores_for(6), version=None, submit=True)
    from portal.scoring_adapter import panel_results

    row = panel_results(panel).set_index("entry").loc[entry.id]
    assert row["reviewers"] == 2 and row["NA"] == 700


def test_same_city_member_recused_at_province(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    kmw = tree.kmw["A"]
    from_semarang = make_user(roles=[(Role.PANEL_MEMBER, kmw), (Role.DATA_MANAGER, tree.city["semarang"])],
                              name="TA dari Semarang")
    pool = [from_semarang] + make_pool(make_user, 3, kmw, prefix="kmw")
    sem_piece = make_piece(tree.team["semarang-KK"])  # Korkot piece goes straight to the KMW panel
    demak_piece = make_piece(tree.team["demak-KK"])
    sem_city = ops.open_panel(Tier.CITY, PERIOD, admin, city=tree.city["semarang"])
    ops.open_panel(Tier.CITY, PERIOD, admin, city=tree.city["demak"])
    panel = kmw_panel(tree, "A", pool, admin)
    assert sem_city.entries == []
    by_piece = {e.piece_id: e for e in panel.entries}
    assert by_piece[sem_piece.id].outside_quota
    assert [r.user_id for r in by_piece[sem_piece.id].recusals] == [from_semarang.id]
    assert by_piece[demak_piece.id].recusals == []
    app.config["RECUSE_SAME_CITY_AT_PROVINCE"] = False
    other = make_user(roles=[(Role.PANEL_MEMBER, kmw), (Role.PANEL_MEMBER, tree.city["demak"])])
    ops.set_members(panel.id, [m.id for m in pool] + [other.id], pool[0].id, PanelMode.INDIVIDUAL, admin)
    db.session.refresh(by_piece[demak_piece.id])
    assert by_piece[demak_piece.id].recusals == []


def test_member_of_another_kmw_and_writers_see_nothing(app, make_tree, make_user, make_piece, login):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    make_piece(tree.team["semarang-KK"])
    ours = make_pool(make_user, 3, tree.kmw["A"], prefix="a")
    theirs = make_pool(make_user, 3, tree.kmw["B"], prefix="b")
    ops.open_panel(Tier.CITY, PERIOD, admin, city=tree.city["semarang"])
    panel = kmw_panel(tree, "A", ours, admin)
    kmw_panel(tree, "B", theirs, admin)
    entry = panel.entries[0]
    writer = make_user(Role.WRITER, tree.team["semarang-KK"])
    other_dm = make_user(Role.DATA_MANAGER, tree.kmw["B"])
    for user in (theirs[0], writer, other_dm):
        c = _client(app, login, user)
        for url in (f"/penilaian/panel/{panel.id}", f"/penilaian/panel/{panel.id}/hasil",
                    f"/penilaian/entri/{entry.id}/nilai", f"/penilaian/panel/{panel.id}/anggota"):
            assert c.get(url).status_code == 404, (user.name, url)
        assert c.post(f"/penilaian/entri/{entry.id}/nilai", data=form_scores(scores_for(9), submit="1")).status_code == 404
        assert c.post(f"/penilaian/panel/{panel.id}/tutup").status_code == 404
    # A data manager of this KMW manages it but is not a member: may not score.
    dm = _client(app, login, make_user(Role.DATA_MANAGER, tree.kmw["A"]))
    assert dm.get(f"/penilaian/panel/{panel.id}").status_code == 200
    assert dm.get(f"/penilaian/entri/{entry.id}/nilai").status_code == 403
    assert dm.post(f"/penilaian/panel/{panel.id}/tutup").status_code == 403
    # Someone outside the pool cannot be made a member.
    with pytest.raises(ops.PanelError):
        ops.set_members(panel.id, [m.id for m in ours] + [theirs[0].id], ours[0].id, PanelMode.INDIVIDUAL, admin)


def test_scores_hidden_until_everyone_submitted(app, login, city_setup):
    _tree, _admin, pieces, pool, panel = city_setup
    entry = _entry_of(panel, pieces[0])
    ops.save_sheet(entry.id, pool[0], scores_for(3), version=None, submit=True)  # total 300
    c = _client(app, login, pool[1])
    html = c.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "300" not in html and pool[0].name not in html.split("Hasil penilaian", 1)[1]
    ops.save_sheet(entry.id, pool[1], scores_for(5), version=None, submit=True)
    html = c.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "300" not in html  # the third member has not submitted yet
    ops.save_sheet(entry.id, pool[2], scores_for(7), version=None, submit=True)
    html = c.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "300" in html and "500,00" in html
    # A draft does not count and is not shown to others.
    other = _entry_of(panel, pieces[2])
    ops.save_sheet(other.id, pool[0], {**scores_for(4), 8: None}, version=None, submit=False)
    html = c.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert html.count('class="card result') == 1


def test_panel_below_minimum_cannot_decide(app, make_tree, make_user, make_piece, login):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    make_piece(tree.team["semarang-TF01"])
    pool = make_pool(make_user, 2, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin)
    check_all(panel, admin)
    score_all(panel, pool, lambda e: 8)
    c = _client(app, login, pool[0])
    r = c.post(f"/penilaian/panel/{panel.id}/tutup", follow_redirects=True)
    assert "minimal 3" in r.get_data(as_text=True)
    db.session.refresh(panel)
    assert panel.status == PanelStatus.OPEN
    with pytest.raises(ops.PanelError, match="minimal 3"):
        ops.close_panel(panel.id, pool[0])


def test_unscored_and_unchecked_entries_block_closing(app, city_setup):
    _tree, _admin, _pieces, pool, panel = city_setup
    with pytest.raises(ops.PanelError, match="belum mengirim nilai"):
        ops.close_panel(panel.id, pool[0])
    with pytest.raises(ops.PanelError, match="ketua"):
        ops.close_panel(panel.id, pool[1])


def test_tie_at_cut_off_needs_the_chair(app, make_tree, make_user, make_piece, login):
    _admin, pool, panel, (top, *tied) = tied_city_panel(make_tree, make_user, make_piece)  # quota 2
    chair = _client(app, login, pool[0])
    html = chair.post(f"/penilaian/panel/{panel.id}/tutup", follow_redirects=True).get_data(as_text=True)
    assert "Ketua harus memutuskan" in html
    member = _client(app, login, pool[1])
    assert member.post(f"/penilaian/entri/{tied[0].id}/seri", data={"decision": "yes", "reason": "x"}).status_code == 403
    assert chair.post(f"/penilaian/entri/{tied[0].id}/seri", data={"decision": "yes", "reason": ""}).status_code == 302
    db.session.refresh(tied[0])
    assert tied[0].tie_reason == ""
    with pytest.raises(ops.PanelError, match="tidak seri"):
        ops.decide_tie(top.id, pool[0], True, "bukan seri")
    chair.post(f"/penilaian/entri/{tied[0].id}/seri", data={"decision": "yes", "reason": "Data lebih lengkap"})
    chair.post(f"/penilaian/entri/{tied[1].id}/seri", data={"decision": "yes", "reason": "Juga bagus"})
    with pytest.raises(ops.PanelError, match="tepat 1"):
        ops.close_panel(panel.id, pool[0])
    chair.post(f"/penilaian/entri/{tied[1].id}/seri", data={"decision": "no", "reason": "Foto kurang jelas"})
    assert chair.post(f"/penilaian/panel/{panel.id}/tutup").status_code == 302
    db.session.expire_all()
    assert {e.piece_id for e in panel.entries if e.selected} == {top.piece_id, tied[0].piece_id}
    assert tied[0].tie_reason == "Data lebih lengkap" and tied[0].tied


def test_lock_after_decision(app, city_setup):
    _tree, admin, _pieces, pool, panel = city_setup
    score_all(panel, pool, lambda e: 8 - e.piece_id % 4)
    ops.close_panel(panel.id, pool[0])
    entry = panel.entries[0]
    for call in (lambda: ops.save_sheet(entry.id, pool[1], scores_for(1), version=1, submit=True),
                 lambda: ops.recuse(entry.id, pool[1], "terlambat"),
                 lambda: ops.set_members(panel.id, [m.id for m in pool], pool[1].id, PanelMode.INDIVIDUAL, admin),
                 lambda: ops.collect_city_entries(panel.id, admin),
                 lambda: ops.close_panel(panel.id, pool[0])):
        with pytest.raises(ops.PanelLocked):
            call()


def test_consensus_mode_uses_the_chairs_sheet(app, make_tree, make_user, make_piece, login):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    piece = make_piece(tree.team["semarang-TF01"])
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin, mode=PanelMode.CONSENSUS)
    check_all(panel, admin)
    entry = _entry_of(panel, piece)
    member = _client(app, login, pool[1])
    assert member.get(f"/penilaian/entri/{entry.id}/nilai").status_code == 403
    chair = _client(app, login, pool[0])
    assert chair.post(f"/penilaian/entri/{entry.id}/nilai", data=form_scores(scores_for(8), submit="1")).status_code == 302
    sheet = db.session.scalar(db.select(ScoreSheet).where(ScoreSheet.entry_id == entry.id))
    assert sheet.consensus and sheet.user_id == pool[0].id
    assert chair.post(f"/penilaian/panel/{panel.id}/tutup").status_code == 302
    db.session.refresh(entry)
    assert entry.na == 800 and entry.reviewers == 1 and entry.selected


def test_returned_piece_reaches_the_writer_with_reasons(app, make_tree, make_user, make_piece, login):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    piece = make_piece(tree.team["semarang-TF01"])
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin)
    entry = _entry_of(panel, piece)
    c = _client(app, login, pool[0])
    assert "Kondisi riil" in c.get(f"/penilaian/entri/{entry.id}/periksa").get_data(as_text=True)
    data = {f"point_{c}": "1" for c in range(1, 9) if c != 4}
    assert c.post(f"/penilaian/entri/{entry.id}/periksa", data=data).status_code == 302
    db.session.refresh(entry)
    db.session.refresh(piece)
    assert entry.status == EntryStatus.RETURNED
    assert piece.status.value == "returned" and "Pengembangan kapasitas pelaku" in piece.return_reasons
    assert c.get(f"/penilaian/entri/{entry.id}/nilai").status_code == 404


def test_posts_need_the_csrf_token(app, login, city_setup):
    _tree, _admin, pieces, pool, panel = city_setup
    app.config["WTF_CSRF_ENABLED"] = True
    c = app.test_client()
    page = c.get("/akun/masuk").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    c.post("/akun/masuk", data={"email": pool[0].email, "password": "kata-sandi-uji-9431", "csrf_token": token})
    entry = _entry_of(panel, pieces[0])
    for url, data in ((f"/penilaian/entri/{entry.id}/nilai", form_scores(scores_for(8), submit="1")),
                      (f"/penilaian/entri/{entry.id}/mundur", {"reason": "x"}),
                      (f"/penilaian/panel/{panel.id}/tutup", {})):
        r = c.post(url, data=data)
        assert r.status_code == 400
    assert db.session.scalar(db.select(ScoreSheet.id)) is None
    assert db.session.scalar(db.select(Recusal.id).where(Recusal.automatic.is_(False))) is None


def test_resubmitted_piece_is_checked_again(app, make_tree, make_user, make_piece):
    from portal.models.pieces import PieceStatus

    tree = make_tree()
    admin = make_user(Role.ADMIN)
    piece = make_piece(tree.team["semarang-TF01"], photos=1)
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin)
    check_all(panel, admin)
    entry = _entry_of(panel, piece)
    assert entry.status == EntryStatus.RETURNED
    assert ops.collect_city_entries(panel.id, admin) == 0  # still returned: nothing new
    piece.status = PieceStatus.SUBMITTED  # the writer fixed it and submitted again
    db.session.commit()
    assert ops.collect_city_entries(panel.id, admin) == 1
    db.session.refresh(entry)
    assert entry.status == EntryStatus.PENDING and entry.return_reasons == ""


def test_withdrawn_piece_leaves_the_panel_before_its_check(app, make_tree, make_user, make_piece):
    from portal.models.pieces import PieceStatus

    tree = make_tree()
    admin = make_user(Role.ADMIN)
    piece = make_piece(tree.team["semarang-TF01"])
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin)
    assert len(panel.entries) == 1
    piece.status = PieceStatus.DRAFT  # withdrawn by the writer before the deadline
    db.session.commit()
    ops.collect_city_entries(panel.id, admin)
    db.session.refresh(panel)
    assert panel.entries == []


def test_adding_a_member_twice_is_harmless(app, city_setup):
    _tree, admin, _pieces, pool, panel = city_setup
    ops.set_members(panel.id, [pool[0].id, pool[0].id, pool[1].id, pool[2].id], pool[0].id, PanelMode.INDIVIDUAL,
                    admin)
    assert len(panel.members) == 3
    with pytest.raises(ops.PanelError, match="Ketua"):
        ops.set_members(panel.id, [pool[1].id, pool[2].id], pool[0].id, PanelMode.INDIVIDUAL, admin)


def test_disagreements_and_calibration_shown_once_all_submitted(app, login, city_setup):
    _tree, _admin, pieces, pool, panel = city_setup
    entry = _entry_of(panel, pieces[0])
    ops.save_sheet(entry.id, pool[0], scores_for(5, bump=4), version=None, submit=True)  # instrument 1: 9
    ops.save_sheet(entry.id, pool[1], scores_for(5), version=None, submit=True)
    chair = _client(app, login, pool[0])
    assert "Perlu didiskusikan" not in chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    ops.save_sheet(entry.id, pool[2], scores_for(5), version=None, submit=True)
    html = chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "Perlu didiskusikan" in html and "Kondisi riil di lapangan (5–9)" in html
    from portal.panels import rules

    for other in panel.entries:
        if other.id != entry.id and other.status == EntryStatus.ELIGIBLE:
            for m in pool:
                if rules.may_score(m, other):
                    ops.save_sheet(other.id, m, scores_for(6), version=None, submit=True)
    assert "Kalibrasi anggota" in chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    member = _client(app, login, pool[1])
    assert "Kalibrasi anggota" not in member.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
