"""Two saves of one sheet, or a save racing the chair's close, never lose a write silently."""
from __future__ import annotations

import re
import threading
import time

import pytest
from builders_panels import check_all, city_panel, form_scores, make_pool, score_all, scores_for

from portal.extensions import db
from portal.models.people import Role, User
from portal.models.reviews import Entry, PanelStatus, Score, ScoreSheet
from portal.panels import operations as ops
from tests.support import requires_postgres


def _client(app, login, user):
    return login(user, c=app.test_client())


def _version(html: str) -> str:
    found = re.search(r'name="version"[^>]*value="(\d*)"', html) or re.search(r'value="(\d*)"[^>]*name="version"', html)
    return found.group(1)


@pytest.fixture
def scored_panel(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    for i in range(1, 4):
        make_piece(tree.team[f"semarang-TF{i:02d}"])
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin)
    check_all(panel, admin)
    return panel, pool


def test_stale_form_is_refused_and_typed_scores_reshown(app, login, scored_panel):
    panel, pool = scored_panel
    entry = panel.entries[0]
    tab1 = _client(app, login, pool[1])
    tab2 = _client(app, login, pool[1])
    assert tab1.post(f"/penilaian/entri/{entry.id}/nilai", data=form_scores(scores_for(5), save="1")).status_code == 302
    v = _version(tab1.get(f"/penilaian/entri/{entry.id}/nilai").get_data(as_text=True))
    assert v
    # Tab 2 saves first with the same version; tab 1's save must not overwrite it silently.
    assert tab2.post(f"/penilaian/entri/{entry.id}/nilai",
                     data=form_scores(scores_for(6), save="1", version=v)).status_code == 302
    r = tab1.post(f"/penilaian/entri/{entry.id}/nilai", data=form_scores(scores_for(9), save="1", version=v))
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "sudah diubah di tempat lain" in html
    assert html.count('value="9"') >= 8  # the member's typed scores are shown again
    db.session.expire_all()
    sheet = db.session.scalar(db.select(ScoreSheet).where(ScoreSheet.entry_id == entry.id))
    assert [s.score for s in sheet.scores] == [6] * 8  # tab 2's save was not lost
    # The refusal page carries the newer version: saving again from it is a deliberate overwrite.
    newer = _version(html)
    assert newer and newer != v
    assert tab1.post(f"/penilaian/entri/{entry.id}/nilai",
                     data=form_scores(scores_for(9), save="1", version=newer)).status_code == 302
    # A form without a version for an existing sheet (a second "new" sheet) is refused the same way.
    r = tab1.post(f"/penilaian/entri/{entry.id}/nilai", data=form_scores(scores_for(9), save="1"))
    assert r.status_code == 409
    assert db.session.scalar(db.select(db.func.count(ScoreSheet.id)).where(ScoreSheet.entry_id == entry.id)) == 1


def test_stale_data_from_the_database_becomes_a_message(app, scored_panel, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    panel, pool = scored_panel
    entry = panel.entries[0]

    def boom(*args, **kwargs):
        raise StaleDataError("simulated concurrent update")

    monkeypatch.setattr(ops, "_write_scores", boom)
    with pytest.raises(ops.StaleSheet, match="sesi lain"):
        ops.save_sheet(entry.id, pool[0], scores_for(5), version=None, submit=False)


def _in_thread(app, fn, results, key):
    def run():
        with app.app_context():
            try:
                results[key] = fn()
            except Exception as exc:  # noqa: BLE001 (collected for the assertions in the main thread)
                results[key] = exc
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_for_lock_wait(limit: float = 120.0) -> None:
    """Poll until another backend waits on a row lock (so the race really happens)."""
    deadline = time.monotonic() + limit
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).scalar()
            conn.rollback()  # pg_stat_activity is a snapshot per transaction: look again in a new one
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the second session never waited for the panel lock")


@requires_postgres
def test_save_racing_the_close_is_serialised_on_postgres(app, scored_panel):
    panel, pool = scored_panel
    score_all(panel, pool, lambda e: 7)
    entry_id = panel.entries[0].id
    member_id, chair_id, panel_id = pool[1].id, pool[0].id, panel.id
    sheet = db.session.scalar(db.select(ScoreSheet).where(ScoreSheet.entry_id == entry_id, ScoreSheet.user_id == member_id))
    version = sheet.version
    db.session.commit()

    ops.lock_panel(panel_id)  # the chair's close holds the panel row...
    results: dict = {}

    def late_save():
        member = db.session.get(User, member_id)
        return ops.save_sheet(entry_id, member, scores_for(2), version=version, submit=True)

    thread = _in_thread(app, late_save, results, "save")
    _wait_for_lock_wait()  # ...while the member's save waits for it
    ops.close_panel(panel_id, db.session.get(User, chair_id))
    thread.join(300)
    assert not thread.is_alive()
    assert isinstance(results.get("save"), ops.PanelLocked), repr(results)
    db.session.expire_all()
    scores = db.session.scalars(db.select(Score.score).join(ScoreSheet).where(
        ScoreSheet.entry_id == entry_id, ScoreSheet.user_id == member_id)).all()
    assert scores == [7] * 8
    entry = db.session.get(Entry, entry_id)
    assert entry.na == 700 and entry.panel.status == PanelStatus.CLOSED


@requires_postgres
def test_two_sessions_saving_one_sheet_on_postgres(app, scored_panel):
    panel, pool = scored_panel
    entry_id, member_id = panel.entries[0].id, pool[1].id
    ops.save_sheet(entry_id, pool[1], scores_for(5), version=None, submit=False)
    version = db.session.scalar(db.select(ScoreSheet.version).where(ScoreSheet.entry_id == entry_id))
    db.session.commit()
    ops.lock_panel(panel.id)  # hold the panel so both saves queue behind it
    results: dict = {}

    def save(level):
        def run():
            return ops.save_sheet(entry_id, db.session.get(User, member_id), scores_for(level), version=version,
                                  submit=False)
        return run

    first = _in_thread(app, save(8), results, "a")
    _wait_for_lock_wait()
    second = _in_thread(app, save(9), results, "b")
    time.sleep(0.2)  # give the second save a chance to queue as well (not needed for correctness)
    db.session.commit()  # release
    first.join(300)
    second.join(300)
    assert not first.is_alive() and not second.is_alive()
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["ScoreSheet", "StaleSheet"], repr(results)
    db.session.expire_all()
    winner = 8 if not isinstance(results["a"], Exception) else 9
    sheet = db.session.scalar(db.select(ScoreSheet).where(ScoreSheet.entry_id == entry_id))
    assert [s.score for s in sheet.scores] == [winner] * 8


@requires_postgres
def test_two_sessions_creating_one_sheet_on_postgres(app, scored_panel):
    panel, pool = scored_panel
    entry_id, member_id = panel.entries[0].id, pool[1].id
    results: dict = {}
    barrier = threading.Barrier(2)

    def create(level):
        def run():
            member = db.session.get(User, member_id)
            barrier.wait(30)
            return ops.save_sheet(entry_id, member, scores_for(level), version=None, submit=True)
        return run

    threads = [_in_thread(app, create(4), results, "a"), _in_thread(app, create(6), results, "b")]
    for t in threads:
        t.join(300)
    assert not any(t.is_alive() for t in threads)
    assert sorted(type(r).__name__ for r in results.values()) == ["ScoreSheet", "StaleSheet"], repr(results)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(ScoreSheet.id)).where(ScoreSheet.entry_id == entry_id)) == 1
