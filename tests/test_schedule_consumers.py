"""The scheduled steps run by real huey consumers: two consumers on one Redis (each with its own periodic tick, and
ticks asked for again and again) run each (step, node, month) once; a consumer on SQLite storage runs them too;
a reminder goes out over SMTP to a real aiosmtpd server, and is read back there."""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import redis as redis_client

from portal import clock, tasks
from portal.extensions import db
from portal.models.mail import MailState, OutboxMessage
from portal.models.people import Role
from portal.models.reviews import Entry, Tier
from portal.models.schedule import RunState, ScheduledRun
from portal.panels import operations as ops
from portal.schedule import engine
from tests.browser_support import redis_url
from tests.builders_jobs import consumer_thread, wait_for
from tests.builders_mail import mail_settings, parts, smtp_server

WIB = ZoneInfo("Asia/Jakarta")
DEC = "2026-12"


def at(moment: datetime) -> None:
    clock.set_shift(clock.shift_to(moment))


@pytest.fixture
def queue_kind() -> str:
    return "sqlite"


@pytest.fixture
def app_config(app_config, queue_kind):
    """The steps on; on Redis a queue name of its own, its keys removed afterwards."""
    app_config["SCHEDULE_ENABLED"] = True
    with ExitStack() as stack:
        if queue_kind == "redis":
            base = stack.enter_context(redis_url())
            name = f"bp_portal_schedule_{uuid.uuid4().hex}"
            app_config.update(TASK_QUEUE_URL=f"{base}/0", TASK_QUEUE_NAME=name)
        yield app_config
        if queue_kind == "redis":
            store = redis_client.Redis.from_url(app_config["TASK_QUEUE_URL"])
            keys = store.keys(f"huey.*{name}*")
            if keys:
                store.delete(*keys)
            store.close()


@pytest.fixture
def december(app, make_tree, make_user, make_piece):
    """Past the 15th in every zone: writers and data managers of Semarang and Jayapura, one piece each."""
    at(datetime(2026, 12, 16, 10, 0, tzinfo=WIB))
    tree = make_tree()
    people = {
        "dm_sem": make_user(Role.DATA_MANAGER, tree.city["semarang"], email="dm.sem@uji.bp.id"),
        "dm_jay": make_user(Role.DATA_MANAGER, tree.city["jayapura"], email="dm.jay@uji.bp.id"),
    }
    pieces = [make_piece(tree.team["semarang-TF01"], period=DEC), make_piece(tree.team["jayapura-TF01"], period=DEC)]
    return tree, people, pieces


def _expected_runs() -> int:
    with db.engine.connect():
        return len(engine.due_steps(clock.now()))


def _all_finished(expected: int):
    def finished():
        db.session.expire_all()
        states = db.session.scalars(db.select(ScheduledRun.state)).all()
        return len(states) == expected and all(s != RunState.RUNNING for s in states)

    return finished


def _check_each_step_ran_once(tree, people, pieces) -> None:
    db.session.expire_all()
    rows = db.session.scalars(db.select(ScheduledRun)).all()
    assert len({(r.step, r.node_kind, r.node_id, r.period) for r in rows}) == len(rows)
    assert [r for r in rows if r.state == RunState.FAILED] == []
    assert all(r.attempt == 1 for r in rows)
    entries = db.session.scalars(db.select(Entry.piece_id)).all()
    assert sorted(entries) == sorted(p.id for p in pieces)  # each piece entered once
    sent = db.session.execute(db.select(OutboxMessage.recipient, OutboxMessage.subject)
                              .where(OutboxMessage.category == "missed_month",
                                     OutboxMessage.subject.contains("Desember"))).all()
    assert sorted(r.recipient for r in sent) == sorted([people["dm_sem"].email, people["dm_jay"].email])
    assert ops.find_panel(Tier.CITY, DEC, city_id=tree.city["makassar"].id) is not None


@pytest.mark.parametrize("queue_kind", ["redis"])
def test_two_consumers_on_one_redis_run_each_step_once(app, december, queue_kind):
    tree, people, pieces = december
    expected = _expected_runs()
    assert expected > 10
    tick = tasks.queue_of(app).task(engine.TICK_TASK)
    with consumer_thread(app, workers=2, periodic=True), consumer_thread(app, workers=2, periodic=True):
        for _ in range(6):  # more ticks racing for the same steps than the two periodic ones
            tick()
        wait_for(_all_finished(expected), 90, f"{expected} scheduled runs to finish")
    _check_each_step_ran_once(tree, people, pieces)


def test_a_consumer_on_sqlite_storage_runs_the_steps_once(app, december, queue_kind):
    tree, people, pieces = december
    expected = _expected_runs()
    with consumer_thread(app, workers=2, periodic=True):
        tasks.queue_of(app).task(engine.TICK_TASK)()
        wait_for(_all_finished(expected), 90, f"{expected} scheduled runs to finish")
    _check_each_step_ran_once(tree, people, pieces)


@pytest.fixture
def smtp(tmp_path, app_config):
    """A real SMTP server the test app sends to (set before the app is made)."""
    with smtp_server(tmp_path / "tls") as server:
        mail_settings(app_config, server)
        yield server


def test_a_reminder_goes_out_over_smtp(smtp, app, make_tree, make_user):
    at(datetime(2026, 12, 12, 9, 0, tzinfo=WIB))
    tree = make_tree()
    writer = make_user(Role.WRITER, tree.team["semarang-TF02"], name="Sari Dewi", email="sari@contoh.id")
    with consumer_thread(app, workers=1, periodic=True):
        wait_for(lambda: smtp.recorder.count() >= 1, 60, "the reminder to arrive")
        wait_for(lambda: db.session.scalar(db.select(OutboxMessage.state).where(
            OutboxMessage.recipient == writer.email).execution_options(populate_existing=True))
            == MailState.SENT, 30, "the reminder to be recorded sent")
    [received] = [r for r in smtp.recorder.received if r.rcpt_tos == ["sari@contoh.id"]]
    message = received.message
    assert message["Subject"] == "Pengingat: tulisan Desember 2026 tim TF 02 Kota Semarang"
    text, html = parts(message)
    assert "Halo Sari Dewi" in text and "15 Desember 2026 23.59 WIB" in text
    assert "https://bp.contoh.id/" in text and 'href="https://bp.contoh.id/' in html
    assert message["List-Unsubscribe"].startswith("<https://bp.contoh.id/surel/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert smtp.recorder.count() == 1  # November's steps, caught up, found nobody to tell
    run = db.session.scalar(db.select(ScheduledRun).where(ScheduledRun.step == "remind_writers_3d",
                                                          ScheduledRun.node_id == tree.city["semarang"].id,
                                                          ScheduledRun.period == DEC))
    assert run.state == RunState.DONE and run.counts == {"teams": 10, "messages": 1}
