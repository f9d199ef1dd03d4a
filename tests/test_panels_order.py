"""The procedure's order of events: a panel decides only once its inputs were due (or all are in), and a piece
submitted after its month's panel decided lands in the next month's panel as late work, the writer told first.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from builders_panels import PERIOD, check_all, city_panel, kmw_panel, make_pool, national_panel, score_all

from portal import clock
from portal.demo import load_demo_data
from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import Piece, PieceStatus
from portal.models.reviews import Entry, Panel, PanelStatus, Tier
from portal.panels import operations as ops
from portal.panels import rules
from portal.submissions import operations as subs
from portal.timeutil import now_utc
from tests.builders_schedule import scheduled_tick

WIB = ZoneInfo("Asia/Jakarta")
WIT = ZoneInfo("Asia/Jayapura")


def at(moment: datetime) -> datetime:
    """Move the portal's clock to ``moment``; returns it."""
    clock.set_shift(clock.shift_to(moment))
    return moment


def demak_panel_scored(make_tree, make_user, make_piece, teams=(1, 2)):
    """Demak's city panel (3 TF teams) with the given teams' pieces checked and scored."""
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    for i in teams:
        make_piece(tree.team[f"demak-TF{i:02d}"], title=f"Demak {i}")
    pool = make_pool(make_user, 3, tree.city["demak"])
    panel = city_panel(tree, "demak", pool, admin)
    check_all(panel, admin)
    score_all(panel, pool, lambda e: 9 - e.piece_id % 5)  # no two pieces tie
    return tree, admin, pool, panel


# --- when a panel may decide -------------------------------------------------------------------------------

def test_city_panel_waits_for_the_writers_deadline(app, make_tree, make_user, make_piece, login):
    at(datetime(2026, 11, 10, 9, 0, tzinfo=WIB))
    tree, admin, pool, panel = demak_panel_scored(make_tree, make_user, make_piece)
    assert rules.closes_not_before(panel) == datetime(2026, 11, 16, 0, 0, tzinfo=WIB)
    with pytest.raises(ops.PanelError, match="baru dapat diputuskan mulai 16 November 2026 00.00 WIB"):
        ops.close_panel(panel.id, pool[0])
    assert db.session.get(Panel, panel.id).status == PanelStatus.OPEN

    chair = login(pool[0])
    page = chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "baru dapat diputuskan mulai 16 November 2026 00.00 WIB" in page
    assert "tim fasilitator kota ini" in page
    assert '<button class="btn primary" type="submit" disabled>' in page
    response = chair.post(f"/penilaian/panel/{panel.id}/tutup", follow_redirects=True)
    assert "baru dapat diputuskan" in response.get_data(as_text=True)
    assert db.session.get(Panel, panel.id).status == PanelStatus.OPEN

    at(datetime(2026, 11, 16, 0, 1, tzinfo=WIB))
    assert ops.close_panel(panel.id, pool[0]).status == PanelStatus.CLOSED


def test_city_panel_may_decide_early_once_every_team_has_sent(app, make_tree, make_user, make_piece):
    at(datetime(2026, 11, 10, 9, 0, tzinfo=WIB))
    tree, admin, pool, panel = demak_panel_scored(make_tree, make_user, make_piece, teams=(1, 2, 3))
    assert rules.inputs_complete(panel)
    assert ops.close_panel(panel.id, pool[0]).status == PanelStatus.CLOSED


def test_an_extension_keeps_the_city_panel_open_longer(app, make_tree, make_user, make_piece):
    at(datetime(2026, 11, 10, 9, 0, tzinfo=WIB))
    tree, admin, pool, panel = demak_panel_scored(make_tree, make_user, make_piece)
    dm = make_user(Role.DATA_MANAGER, tree.city["demak"])
    subs.grant_extension(dm, PERIOD, "writing", datetime(2026, 11, 18, 17, 0, tzinfo=WIB), "Banjir",
                         team=tree.team["demak-TF03"])
    at(datetime(2026, 11, 17, 9, 0, tzinfo=WIB))
    with pytest.raises(ops.PanelError, match="18 November 2026 17.00 WIB"):
        ops.close_panel(panel.id, pool[0])
    at(datetime(2026, 11, 18, 17, 1, tzinfo=WIB))
    assert ops.close_panel(panel.id, pool[0]).status == PanelStatus.CLOSED


def test_kmw_panel_waits_for_the_20th_or_every_city_panel(app, make_tree, make_user, make_piece):
    at(datetime(2026, 11, 16, 9, 0, tzinfo=WIB))
    tree, admin, pool, demak = demak_panel_scored(make_tree, make_user, make_piece, teams=(1, 2, 3))
    ops.close_panel(demak.id, pool[0])
    kmw_pool = make_pool(make_user, 3, tree.kmw["A"], prefix="kmw")
    panel = kmw_panel(tree, "A", kmw_pool, admin)
    score_all(panel, kmw_pool, lambda e: 9 - e.piece_id % 5)
    # Semarang has not decided yet: it may still send pieces until the end of the 20th.
    with pytest.raises(ops.PanelError, match="21 November 2026 00.00 WIB"):
        ops.close_panel(panel.id, kmw_pool[0])
    at(datetime(2026, 11, 21, 0, 1, tzinfo=WIB))
    assert ops.close_panel(panel.id, kmw_pool[0]).status == PanelStatus.CLOSED


def test_kmw_panel_may_decide_early_once_every_city_panel_decided(app, make_tree, make_user, make_piece):
    at(datetime(2026, 11, 16, 9, 0, tzinfo=WIB))
    tree, admin, pool, demak = demak_panel_scored(make_tree, make_user, make_piece, teams=(1, 2, 3))
    ops.close_panel(demak.id, pool[0])
    sem_pool = make_pool(make_user, 3, tree.city["semarang"], prefix="sem")
    make_piece(tree.team["semarang-TF01"], title="Semarang 1")
    sem = city_panel(tree, "semarang", sem_pool, admin)
    check_all(sem, admin)
    score_all(sem, sem_pool, lambda e: 7)
    ops.close_panel(sem.id, sem_pool[0])
    kmw_pool = make_pool(make_user, 3, tree.kmw["A"], prefix="kmw")
    panel = kmw_panel(tree, "A", kmw_pool, admin)
    score_all(panel, kmw_pool, lambda e: 9 - e.piece_id % 5)
    assert rules.inputs_complete(panel)
    assert ops.close_panel(panel.id, kmw_pool[0]).status == PanelStatus.CLOSED


def test_national_panel_waits_for_the_25th_in_every_kmw(app, make_tree, make_user, make_piece):
    at(datetime(2026, 11, 22, 9, 0, tzinfo=WIB))
    tree, admin, pool, demak = demak_panel_scored(make_tree, make_user, make_piece, teams=(1, 2, 3))
    kmp_pool = make_pool(make_user, 5, None, prefix="kmp")
    panel = national_panel(kmp_pool, admin)
    due = rules.inputs_due(panel)
    assert due == datetime(2026, 11, 26, 0, 0, tzinfo=WIB)  # WIB's 25th ends last (KMW B is in WITA and WIT)
    with pytest.raises(ops.PanelError, match="26 November 2026 00.00 WIB"):
        ops.close_panel(panel.id, kmp_pool[0])
    assert ops.readiness_problems(panel, datetime(2026, 11, 26, 0, 0, tzinfo=WIB))[:1] != \
        ops.readiness_problems(panel)[:1]


# --- a piece submitted after its month's panel decided ---------------------------------------------------

def _late_writer_setup(make_tree, make_user, make_piece):
    """Demak decided November on the 16th with TF01-TF02; TF03 had an extension until the 20th and writes on."""
    at(datetime(2026, 11, 10, 9, 0, tzinfo=WIB))
    tree, admin, pool, panel = demak_panel_scored(make_tree, make_user, make_piece)
    team = tree.team["demak-TF03"]
    dm = make_user(Role.DATA_MANAGER, tree.city["demak"])
    subs.grant_extension(dm, PERIOD, "writing", datetime(2026, 11, 20, 23, 0, tzinfo=WIB), "Sakit",
                         city=None, team=team)
    # The chair may decide after the 15th only when nothing can still arrive: the extension says otherwise, so
    # the panel is decided after it (a data manager's later extension can still reopen the writing stage).
    at(datetime(2026, 11, 21, 9, 0, tzinfo=WIB))
    ops.close_panel(panel.id, pool[0])
    subs.grant_extension(dm, PERIOD, "writing", datetime(2026, 11, 24, 23, 0, tzinfo=WIB), "Sakit lagi",
                         team=team)
    writer = make_user(Role.WRITER, team)
    piece = make_piece(team, status="draft", title="Terlambat dari Demak")
    return tree, writer, piece, panel


def test_a_piece_sent_after_its_panel_decided_goes_to_next_month_and_the_writer_is_told(
        app, make_tree, make_user, make_piece, login):
    tree, writer, piece, decided = _late_writer_setup(make_tree, make_user, make_piece)
    at(datetime(2026, 11, 23, 10, 0, tzinfo=WIB))
    c = login(writer)
    page = c.get(f"/tulisan/{piece.id}").get_data(as_text=True)
    assert "Penilaian November 2026 oleh tim penilai Korkot sudah diputuskan" in page
    assert "tulisan terlambat pada penilaian Desember 2026" in page
    assert 'name="destination" value="2026-12"' in page

    form = _form_of(piece)
    response = c.post(f"/tulisan/{piece.id}", data={**form, "action": "submit", "destination": "2026-12"})
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    db.session.expire_all()
    piece = db.session.get(Piece, piece.id)
    assert piece.status == PieceStatus.SUBMITTED and piece.period == "2026-12" and piece.moved_from_period == PERIOD
    home = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "untuk penilaian Desember 2026" in home

    # December's city panel receives it at the end of 15 December (the scheduled collection), marked late;
    # November's decided panel is untouched.
    at(datetime(2026, 12, 16, 9, 0, tzinfo=WIB))
    scheduled_tick()
    december = ops.find_panel(Tier.CITY, "2026-12", city_id=tree.city["demak"].id)
    entry = db.session.scalar(db.select(Entry).where(Entry.panel_id == december.id, Entry.piece_id == piece.id))
    assert entry is not None and entry.late
    assert not db.session.scalar(db.select(Entry).where(Entry.panel_id == decided.id, Entry.piece_id == piece.id))


def test_nothing_is_sent_when_the_destination_changed_since_the_page_was_shown(
        app, make_tree, make_user, make_piece, login):
    tree, writer, piece, decided = _late_writer_setup(make_tree, make_user, make_piece)
    at(datetime(2026, 11, 23, 10, 0, tzinfo=WIB))
    c = login(writer)
    response = c.post(f"/tulisan/{piece.id}", data={**_form_of(piece), "action": "submit", "destination": PERIOD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Tujuan tulisan ini berubah" in page and "Desember 2026" in page
    assert "Terlambat dari Demak" in page  # what the writer typed is still in the form
    db.session.expire_all()
    assert db.session.get(Piece, piece.id).status == PieceStatus.DRAFT


def test_a_late_piece_is_refused_clearly_when_the_team_already_wrote_next_month(
        app, make_tree, make_user, make_piece, login):
    tree, writer, piece, decided = _late_writer_setup(make_tree, make_user, make_piece)
    make_piece(tree.team["demak-TF03"], period="2026-12", status="draft", title="Desember")
    at(datetime(2026, 11, 23, 10, 0, tzinfo=WIB))
    with pytest.raises(subs.SubmissionError, match="sudah punya tulisan untuk Desember 2026"):
        subs.submit_piece(writer, piece)
    db.session.expire_all()
    assert db.session.get(Piece, piece.id).status == PieceStatus.DRAFT


def test_a_korkot_piece_goes_to_next_month_when_its_kmw_panel_decided(app, make_tree, make_user, make_piece):
    at(datetime(2026, 11, 21, 9, 0, tzinfo=WIB))
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    kmw_pool = make_pool(make_user, 3, tree.kmw["A"], prefix="kmw")
    make_piece(tree.team["demak-TF01"])
    panel = kmw_panel(tree, "A", kmw_pool, admin)
    ops.close_panel(panel.id, kmw_pool[0])  # after the 20th: nothing more can arrive from the cities
    team = tree.team["demak-KK"]
    subs.grant_extension(make_user(Role.DATA_MANAGER, tree.city["demak"]), PERIOD, "writing",
                         datetime(2026, 11, 30, 23, 0, tzinfo=WIB), "Bencana", team=team)
    writer = make_user(Role.WRITER, team)
    piece = make_piece(team, status="draft")
    assert subs.destination(piece).period == "2026-12" and subs.destination(piece).late
    subs.submit_piece(writer, piece)
    assert (piece.period, piece.status) == ("2026-12", PieceStatus.SUBMITTED)
    # December's KMW panel gets it from the scheduled collection at the end of 15 December, though nobody
    # opened Demak's city panel.
    at(datetime(2026, 12, 21, 9, 0, tzinfo=WIB))
    scheduled_tick()
    december = ops.find_panel(Tier.PROVINCE, "2026-12", kmw_id=tree.kmw["A"].id)
    assert [(e.piece_id, e.outside_quota, e.late) for e in december.entries] == [(piece.id, True, True)]


def _form_of(piece: Piece) -> dict:
    return {name: getattr(piece, name) or "" for name in subs.TEXT_FIELDS} | {
        "form": piece.form.value, "version": str(piece.version)}


# --- the demo shows only states the procedure allows ----------------------------------------------------------

@pytest.mark.parametrize("today", [datetime(2026, 12, 4, 10, 0, tzinfo=WIB), datetime(2027, 1, 16, 8, 0, tzinfo=WIT)])
def test_the_demo_never_shows_a_state_the_procedure_forbids(app, today):
    at(today)
    assert load_demo_data()
    now = now_utc()
    for panel in db.session.scalars(db.select(Panel)):
        if panel.status == PanelStatus.CLOSED:
            assert _aware(panel.closed_at) <= now
            assert rules.closes_not_before(panel, _aware(panel.closed_at)) is None, (panel.tier, panel.period)
    for piece in db.session.scalars(db.select(Piece).where(Piece.submitted_at.is_not(None))):
        assert _aware(piece.submitted_at) <= now, (piece.title, piece.submitted_at)


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
