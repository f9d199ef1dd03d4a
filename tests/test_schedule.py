"""The cycle's scheduled steps in each province's local time: a simulated December with the portal's clock moved
across the 15th in WIB (Semarang) and WIT (Jayapura), catch-up after downtime, the lease of a lost consumer, and
the runs as administrators see them. Consumers, storage and SMTP are real: tests/test_schedule_consumers.py."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal import clock
from portal.extensions import db
from portal.jobs import real_now
from portal.models.mail import Notification, OutboxMessage
from portal.models.people import Role
from portal.models.reviews import Entry, PanelStatus, Tier
from portal.models.schedule import RunState, ScheduledRun
from portal.panels import operations as ops
from portal.schedule import engine
from portal.submissions import operations as subs
from tests.builders_panels import check_all, make_pool, scores_for
from tests.builders_schedule import scheduled_tick

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")
DEC = "2026-12"


def at(moment: datetime) -> datetime:
    clock.set_shift(clock.shift_to(moment))
    return moment


SCHEDULED_CATEGORIES = ("reminder", "missed_month", "sheet_reminder", "deadline_passed")


class Outbox:
    """The messages the scheduled steps queued since the last look: [(recipient, category)] (sorted), each seen
    once. (What the operations themselves tell, a receipt when a piece is submitted say, is not theirs.)"""

    def __init__(self):
        self.seen = 0

    def new(self) -> list[tuple[str, str]]:
        rows = db.session.execute(db.select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.category)
                                  .where(OutboxMessage.id > self.seen).order_by(OutboxMessage.id)).all()
        if rows:
            self.seen = rows[-1].id
        return sorted((r.recipient, r.category) for r in rows if r.category in SCHEDULED_CATEGORIES)

    def last(self, recipient: str, category: str) -> OutboxMessage:
        return db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient == recipient,
                                                                 OutboxMessage.category == category)
                                  .order_by(OutboxMessage.id.desc())).first()


def runs(step: str, period: str = DEC) -> dict[str, ScheduledRun]:
    """The runs of one step for the month, by node ("city:3")."""
    db.session.expire_all()
    return {f"{r.node_kind}:{r.node_id}": r for r in db.session.scalars(
        db.select(ScheduledRun).where(ScheduledRun.step == step, ScheduledRun.period == period))}


@pytest.fixture
def month(app, make_tree, make_user, make_piece):
    """December's people: writers of teams with and without a piece in Semarang (WIB) and Jayapura (WIT), the
    two cities' data managers, and Semarang's panel pool."""
    at(datetime(2026, 12, 1, 9, 0, tzinfo=WIB))
    tree = make_tree()
    u = {
        "sem1": make_user(Role.WRITER, tree.team["semarang-TF01"], email="sem1@uji.bp.id"),
        "sem2": make_user(Role.WRITER, tree.team["semarang-TF02"], email="sem2@uji.bp.id"),
        "sem_kk": make_user(Role.WRITER, tree.team["semarang-KK"], email="semkk@uji.bp.id"),
        "jay1": make_user(Role.WRITER, tree.team["jayapura-TF01"], email="jay1@uji.bp.id"),
        "jay2": make_user(Role.WRITER, tree.team["jayapura-TF02"], email="jay2@uji.bp.id"),
        "dm_sem": make_user(Role.DATA_MANAGER, tree.city["semarang"], email="dm.sem@uji.bp.id"),
        "dm_jay": make_user(Role.DATA_MANAGER, tree.city["jayapura"], email="dm.jay@uji.bp.id"),
    }
    pieces = {"sem1": make_piece(tree.team["semarang-TF01"], period=DEC),
              "jay2": make_piece(tree.team["jayapura-TF02"], period=DEC)}
    outbox = Outbox()
    scheduled_tick()  # November's steps, caught up on the first tick: not what this month is about
    outbox.new()
    return tree, u, pieces, outbox


def last_notification(user, category: str) -> Notification:
    return db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.category == category).order_by(Notification.id.desc())).first()


def test_a_month_in_wib_and_wit_tells_each_person_once(app, month, make_user, make_piece):
    tree, u, pieces, outbox = month
    e = {k: v.email for k, v in u.items()}
    sem, jay = tree.city["semarang"], tree.city["jayapura"]

    # The 12th, 07.30 WIB = 09.30 WIT: Jayapura's 08.00 reminder is due, Semarang's not yet.
    at(datetime(2026, 12, 12, 7, 30, tzinfo=WIB))
    scheduled_tick()
    assert outbox.new() == [(e["jay1"], "reminder")]
    assert set(runs("remind_writers_3d")) >= {f"city:{jay.id}"} and f"city:{sem.id}" not in runs("remind_writers_3d")
    at(datetime(2026, 12, 12, 8, 30, tzinfo=WIB))
    scheduled_tick()
    scheduled_tick()  # a second tick (another consumer) sends nothing again
    assert outbox.new() == [(e["sem2"], "reminder"), (e["sem_kk"], "reminder")]
    reminder = outbox.last(e["sem2"], "reminder")
    assert "TF 02 Kota Semarang" in reminder.text_body and "Desember 2026" in reminder.text_body
    assert "15 Desember 2026 23.59 WIB" in reminder.text_body
    assert "https://" in reminder.text_body or "http://" in reminder.text_body
    assert "23.59 WIT" in outbox.last(e["jay1"], "reminder").text_body

    # Semarang TF02 submits on the 13th: the 1-day reminder goes to the others only.
    at(datetime(2026, 12, 13, 10, 0, tzinfo=WIB))
    draft = make_piece(tree.team["semarang-TF02"], period=DEC, status="draft")
    subs.submit_piece(u["sem2"], draft)
    at(datetime(2026, 12, 14, 8, 30, tzinfo=WIB))
    scheduled_tick()
    assert outbox.new() == [(e["jay1"], "reminder"), (e["sem_kk"], "reminder")]

    # 23.59 WIT on the 15th passed (21.59 WIB): Jayapura is collected, Semarang is not (its 15th goes on).
    at(datetime(2026, 12, 15, 22, 0, 30, tzinfo=WIB))
    scheduled_tick()
    assert f"city:{jay.id}" in runs("collect_entries") and f"city:{sem.id}" not in runs("collect_entries")
    jay_panel = ops.find_panel(Tier.CITY, DEC, city_id=jay.id)
    assert [e_.piece_id for e_ in jay_panel.entries] == [pieces["jay2"].id]
    assert runs("collect_entries")[f"city:{jay.id}"].counts == {"entries": 1}
    assert ops.find_panel(Tier.CITY, DEC, city_id=sem.id) is None
    # Jayapura's data manager gets the list of its teams without a piece: TF 01 and the Korkot team.
    assert outbox.new() == [(e["dm_jay"], "missed_month")]
    missed = outbox.last(e["dm_jay"], "missed_month")
    assert "TF 01 Kota Jayapura" in missed.text_body and "Tim Korkot Kota Jayapura" in missed.text_body
    assert "TF 02 Kota Jayapura" not in missed.text_body
    # the notification in the portal says the same, not only its title
    note = last_notification(u["dm_jay"], "missed_month")
    assert "2 tim di Kota Jayapura tidak mengirim tulisan" in note.body and "TF 01 Kota Jayapura" in note.body

    # A Semarang piece submitted at 23.00 WIB is still on time, and collected with the others at midnight WIB.
    at(datetime(2026, 12, 15, 23, 0, tzinfo=WIB))
    late_evening = make_piece(tree.team["semarang-TF03"], period=DEC, status="draft")
    subs.submit_piece(make_user(Role.WRITER, tree.team["semarang-TF03"]), late_evening)
    at(datetime(2026, 12, 16, 0, 0, 30, tzinfo=WIB))
    scheduled_tick()
    sem_panel = ops.find_panel(Tier.CITY, DEC, city_id=sem.id)
    assert {x.piece_id for x in sem_panel.entries} == {pieces["sem1"].id, draft.id, late_evening.id}
    assert not any(x.late for x in sem_panel.entries)
    collected = runs("collect_entries")
    assert collected[f"city:{sem.id}"].due_at - collected[f"city:{jay.id}"].due_at == timedelta(hours=2)
    assert outbox.new() == [(e["dm_sem"], "missed_month")]
    missed = outbox.last(e["dm_sem"], "missed_month")
    assert "TF 04 Kota Semarang" in missed.text_body and "Tim Korkot Kota Semarang" in missed.text_body
    assert "TF 01 Kota Semarang" not in missed.text_body and "TF 03 Kota Semarang" not in missed.text_body
    scheduled_tick()
    assert outbox.new() == []

    # The 18th: Semarang's panel members with sheets still to submit (the chair has sent all of hers).
    pool = make_pool(make_user, 3, sem)
    ops.set_members(sem_panel.id, [m.id for m in pool], pool[0].id, sem_panel.mode, u["dm_sem"])
    check_all(ops.find_panel(Tier.CITY, DEC, city_id=sem.id), u["dm_sem"])
    for entry in db.session.scalars(db.select(Entry).where(Entry.panel_id == sem_panel.id)):
        ops.save_sheet(entry.id, pool[0], scores_for(8), version=None, submit=True)
    at(datetime(2026, 12, 18, 8, 30, tzinfo=WIB))
    scheduled_tick()
    assert outbox.new() == sorted([(pool[1].email, "sheet_reminder"), (pool[2].email, "sheet_reminder")])
    sheet_mail = outbox.last(pool[1].email, "sheet_reminder")
    assert "3 lembar nilai" in sheet_mail.text_body and f"/penilaian/panel/{sem_panel.id}" in sheet_mail.text_body
    assert "Anda belum mengirim 3 lembar nilai" in last_notification(pool[1], "sheet_reminder").body

    # The 20th has ended in both zones and neither panel decided: each data manager is told, once.
    at(datetime(2026, 12, 21, 0, 0, 30, tzinfo=WIB))
    scheduled_tick()
    scheduled_tick()
    assert outbox.new() == sorted([(e["dm_sem"], "deadline_passed"), (e["dm_jay"], "deadline_passed")])
    assert runs("deadline_city")[f"city:{sem.id}"].counts == {"open_panels": 1, "messages": 1}
    assert "sudah lewat, tetapi panel belum diputuskan" in last_notification(u["dm_sem"], "deadline_passed").body
    assert all(r.state == RunState.DONE for r in runs("deadline_city").values())
    # December's reminders, all told: one per reminder step to each writer whose team had nothing in.
    reminders = db.session.scalars(db.select(OutboxMessage.recipient).where(
        OutboxMessage.category == "reminder", OutboxMessage.subject.contains("Desember 2026"))).all()
    assert sorted(reminders) == sorted([e["jay1"], e["jay1"], e["sem_kk"], e["sem_kk"], e["sem2"]])


def test_a_decided_panel_brings_no_deadline_notice(app, month, make_user):
    tree, u, pieces, outbox = month
    jay = tree.city["jayapura"]
    at(datetime(2026, 12, 16, 9, 0, tzinfo=WIT))
    scheduled_tick()
    outbox.new()
    panel = ops.find_panel(Tier.CITY, DEC, city_id=jay.id)
    pool = make_pool(make_user, 3, jay)
    ops.set_members(panel.id, [m.id for m in pool], pool[0].id, panel.mode, u["dm_jay"])
    check_all(ops.find_panel(Tier.CITY, DEC, city_id=jay.id), u["dm_jay"])
    for entry in ops.find_panel(Tier.CITY, DEC, city_id=jay.id).entries:
        for member in pool:
            ops.save_sheet(entry.id, member, scores_for(8), version=None, submit=True)
    at(datetime(2026, 12, 20, 12, 0, tzinfo=WIT))
    ops.close_panel(panel.id, pool[0])
    assert ops.find_panel(Tier.CITY, DEC, city_id=jay.id).status == PanelStatus.CLOSED
    at(datetime(2026, 12, 21, 1, 0, tzinfo=WIT))
    scheduled_tick()
    assert (u["dm_jay"].email, "deadline_passed") not in outbox.new()
    assert runs("deadline_city")[f"city:{jay.id}"].counts == {"open_panels": 0, "messages": 0}


def test_after_downtime_the_next_tick_catches_up_once_and_skips_reminders_no_longer_useful(app, month):
    tree, u, pieces, outbox = month
    sem = tree.city["semarang"]
    at(datetime(2026, 12, 10, 9, 0, tzinfo=WIB))
    scheduled_tick()
    assert outbox.new() == []
    # Down from the 10th to the 17th: both writers' reminders, the collection and the missed list fell due.
    at(datetime(2026, 12, 17, 10, 0, tzinfo=WIB))
    result = scheduled_tick()
    assert result["skipped"] >= 2 and result["failed"] == 0
    for step in ("remind_writers_3d", "remind_writers_1d"):
        run = runs(step)[f"city:{sem.id}"]
        assert run.state == RunState.SKIPPED and run.counts == {"messages": 0}
    assert runs("collect_entries")[f"city:{sem.id}"].state == RunState.DONE
    assert {x.piece_id for x in ops.find_panel(Tier.CITY, DEC, city_id=sem.id).entries} == {pieces["sem1"].id}
    assert outbox.new() == sorted([(u["dm_sem"].email, "missed_month"), (u["dm_jay"].email, "missed_month")])
    assert scheduled_tick() == {"done": 0, "skipped": 0, "failed": 0, "lost": 0}
    assert outbox.new() == []


def test_a_3_day_reminder_found_after_the_1_day_one_is_due_is_skipped(app, month):
    tree, u, pieces, outbox = month
    at(datetime(2026, 12, 14, 9, 0, tzinfo=WIB))  # down since the 11th
    scheduled_tick()
    sem = tree.city["semarang"]
    assert runs("remind_writers_3d")[f"city:{sem.id}"].state == RunState.SKIPPED
    assert runs("remind_writers_1d")[f"city:{sem.id}"].state == RunState.DONE
    sent = outbox.new()
    assert sent.count((u["sem2"].email, "reminder")) == 1  # one reminder, the 1-day one


def test_a_run_whose_consumer_died_is_taken_back_after_its_lease(app, month):
    tree, u, pieces, outbox = month
    sem = tree.city["semarang"]
    at(datetime(2026, 12, 16, 9, 0, tzinfo=WIB))
    # A consumer claimed Semarang's missed list and died before finishing: its lease ran out a minute ago.
    due = next(d for d in engine.due_steps(clock.now()) if d.key == ("missed_month", "city", sem.id, DEC))
    claimed = engine.claim_new(due)
    db.session.execute(db.update(ScheduledRun).where(ScheduledRun.id == claimed[0])
                       .values(lease_until=real_now() - timedelta(minutes=1)))
    db.session.commit()
    scheduled_tick()
    run = runs("missed_month")[f"city:{sem.id}"]
    assert (run.state, run.attempt) == (RunState.DONE, 2)
    assert outbox.new().count((u["dm_sem"].email, "missed_month")) == 1


def test_a_run_still_leased_is_left_to_its_consumer_and_a_lost_one_fails_after_the_attempts(app, month):
    tree, u, pieces, outbox = month
    sem = tree.city["semarang"]
    at(datetime(2026, 12, 16, 9, 0, tzinfo=WIB))
    due = next(d for d in engine.due_steps(clock.now()) if d.key == ("missed_month", "city", sem.id, DEC))
    run_id, _attempt = engine.claim_new(due)
    scheduled_tick()
    assert runs("missed_month")[f"city:{sem.id}"].state == RunState.RUNNING  # its consumer still holds it
    assert (u["dm_sem"].email, "missed_month") not in outbox.new()
    db.session.execute(db.update(ScheduledRun).where(ScheduledRun.id == run_id)
                       .values(attempt=app.config["SCHEDULE_MAX_ATTEMPTS"],
                               lease_until=real_now() - timedelta(seconds=1)))
    db.session.commit()
    scheduled_tick()
    run = runs("missed_month")[f"city:{sem.id}"]
    assert run.state == RunState.FAILED and run.error == engine.CONSUMER_LOST


def test_nothing_due_is_cheap(app, month):
    from tests.querycount import count_queries

    at(datetime(2026, 12, 5, 9, 0, tzinfo=WIB))
    scheduled_tick()
    with count_queries(db.engine) as counted:
        assert scheduled_tick() == {"done": 0, "skipped": 0, "failed": 0, "lost": 0}
    assert len(counted) <= 10


# --- the administrators' page -------------------------------------------------------------------------------

def _fail_collection_of(city, period: str = DEC) -> ScheduledRun:
    """Semarang's collection fails for real: its city has been removed from under the step (a node deleted
    between the tick and the run), so the step raises; the run records why."""
    due = next(d for d in engine.due_steps(clock.now()) if d.key == ("collect_entries", "city", city.id, period))
    run_id, attempt = engine.claim_new(due)
    broken = engine.Due(due.step, engine.Node("city", 10**9, "Hilang", "Asia/Jakarta"), due.period, due.due_at)
    assert engine.execute(run_id, attempt, broken, clock.now()) == RunState.FAILED
    db.session.expire_all()
    return db.session.get(ScheduledRun, run_id)


def test_administrators_see_the_runs_filter_them_and_run_a_failed_one_again(app, month, make_user, client, login):
    tree, u, pieces, outbox = month
    sem = tree.city["semarang"]
    at(datetime(2026, 12, 16, 9, 0, tzinfo=WIB))
    failed = _fail_collection_of(sem)
    assert failed.state == RunState.FAILED and "AttributeError" in failed.error
    admin = make_user(Role.ADMIN)
    login(admin)
    page = client.get("/").get_data(as_text=True)
    assert "/admin/langkah-terjadwal/" in page  # linked from the administrator's home
    page = client.get("/admin/langkah-terjadwal/?status=failed&bulan=2026-12").get_data(as_text=True)
    assert "Pengumpulan tulisan ke panel kota" in page and "Kota Semarang" in page and "<td>Desember 2026</td>" in page
    assert "AttributeError" in page and f"/{failed.id}/jalankan-ulang" in page
    assert page.count("<tr>") == 2  # the header and the one failed run
    page = client.get("/admin/langkah-terjadwal/?bulan=2026-11").get_data(as_text=True)
    assert "<td>November 2026</td>" in page and "<td>Desember 2026</td>" not in page
    assert f"/{failed.id}/jalankan-ulang" not in page

    # A month typed wrong: said so, the typed text kept, every month shown.
    page = client.get("/admin/langkah-terjadwal/?bulan=Desember&status=zzz&hal=99999999999999999999")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Tulis bulan sebagai TTTT-BB, misalnya 2026-11." in text and 'value="Desember"' in text

    # Run again: a POST with the form's token; the next tick runs it and Semarang's pieces enter its panel.
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/langkah-terjadwal/{failed.id}/jalankan-ulang").status_code == 400  # no token
    page = client.get("/admin/langkah-terjadwal/?status=failed").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/admin/langkah-terjadwal/{failed.id}/jalankan-ulang", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ScheduledRun, failed.id).state == RunState.RUNNING
    scheduled_tick()
    db.session.expire_all()
    run = db.session.get(ScheduledRun, failed.id)
    assert (run.state, run.attempt, run.error, run.counts) == (RunState.DONE, 2, "", {"entries": 1})
    assert [x.piece_id for x in ops.find_panel(Tier.CITY, DEC, city_id=sem.id).entries] == [pieces["sem1"].id]
    # Only a failed run can be run again.
    response = client.post(f"/admin/langkah-terjadwal/{failed.id}/jalankan-ulang", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Hanya langkah yang gagal yang dapat dijalankan ulang." in response.get_data(as_text=True)


def test_only_administrators_see_or_rerun_the_runs(app, month, make_user, client, login):
    tree, u, pieces, outbox = month
    at(datetime(2026, 12, 16, 9, 0, tzinfo=WIB))
    failed = _fail_collection_of(tree.city["semarang"])
    assert client.get("/admin/langkah-terjadwal/").status_code == 302  # to the sign-in page
    for user in (u["dm_sem"], u["sem1"], make_user(Role.DATA_MANAGER, None)):
        c = login(user, c=app.test_client())
        assert c.get("/admin/langkah-terjadwal/").status_code == 403
        assert c.post(f"/admin/langkah-terjadwal/{failed.id}/jalankan-ulang").status_code == 403
    db.session.expire_all()
    assert db.session.get(ScheduledRun, failed.id).state == RunState.FAILED


def test_a_city_panel_opened_early_shows_what_is_in_and_collects_nothing(app, month, client, login):
    tree, u, pieces, outbox = month
    sem = tree.city["semarang"]
    at(datetime(2026, 12, 10, 9, 0, tzinfo=WIB))
    login(u["dm_sem"])
    response = client.post("/penilaian/kelola", data={"node": f"city:{sem.id}", "period": DEC})
    assert response.status_code == 302
    panel = ops.find_panel(Tier.CITY, DEC, city_id=sem.id)
    assert panel.entries == []  # opening collects nothing
    page = client.get(f"/penilaian/panel/{panel.id}").get_data(as_text=True)
    assert "Sudah dikirim, belum masuk panel (1)" in page and pieces["sem1"].title in page
    assert "Tulisan tim masuk panel ini otomatis pada 16 Desember 2026 00.00 WIB." in page
    at(datetime(2026, 12, 16, 0, 1, tzinfo=WIB))
    scheduled_tick()
    db.session.expire_all()
    assert [x.piece_id for x in ops.find_panel(Tier.CITY, DEC, city_id=sem.id).entries] == [pieces["sem1"].id]
    page = client.get(f"/penilaian/panel/{panel.id}").get_data(as_text=True)
    assert "Sudah dikirim, belum masuk panel" not in page and pieces["sem1"].title in page
