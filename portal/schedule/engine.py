"""The scheduler: every minute (and when a consumer starts) each consumer's periodic task :func:`tick` works out
which steps (``steps.STEPS``) are due at which node, in the node's local time, and runs each one exactly once per
(step, node, month).

Exactly once, with any number of consumers: a step is *claimed* by inserting its ``scheduled_run`` row; the
UNIQUE (step, node_kind, node_id, period) constraint lets one insert win, whichever queue storage (Redis, SQLite)
delivered the tick. The run then holds a lease (``SCHEDULE_LEASE_SECONDS``, real time); a run whose consumer died
is claimed again by the next tick once the lease is over (the attempt counted; after ``SCHEDULE_MAX_ATTEMPTS`` it
is failed). The messages a step writes are committed together with its "done" (a conditional UPDATE on the run's
attempt), so a step taken back from a lost consumer sends nothing twice.

Catch-up: a tick looks at the current and the previous month of each node, so steps that fell due while no
consumer ran are run late. A reminder found after it stopped being useful (``Step.stale_after``: its deadline
passed, or the next reminder is due) is recorded as skipped and sends nothing; the collection, the missed-month
list and the "deadline passed" notices always run.

With nothing due a tick costs a handful of reads: the nodes, the extensions and the month's runs.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from huey import crontab
from huey.api import Huey
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import cycle, tasks
from portal.extensions import db
from portal.jobs import real_now
from portal.mail import outbox
from portal.models.org import NATIONAL_TIMEZONE, City, Kmw, Province, node_timezone
from portal.models.schedule import RunState, ScheduledRun
from portal.period import Period
from portal.schedule import work
from portal.schedule.steps import BY_CODE, STEPS, Node, Step, Timing
from portal.timeutil import now_utc

log = logging.getLogger(__name__)

TICK_TASK, PERIODIC_TICK_TASK = "schedule_tick", "schedule_tick_periodic"
CONSUMER_LOST = "Konsumen antrean berhenti sebelum langkah selesai"


def register_tasks(huey: Huey, app: Flask) -> dict:
    """The periodic tick (every minute; huey also runs it as a consumer starts) and the same tick on demand."""
    periodic = huey.periodic_task(crontab(minute="*"), name=PERIODIC_TICK_TASK, priority=8)(
        tasks.in_app_context(app, tick))
    on_demand = huey.task(name=TICK_TASK, priority=8)(tasks.in_app_context(app, tick))
    return {PERIODIC_TICK_TASK: periodic, TICK_TASK: on_demand}


# --- what is due -----------------------------------------------------------------------------------

def nodes() -> dict[str, list[Node]]:
    """Every city and every KMW with provinces, with its time zone, and the national node: three queries."""
    cities = [Node("city", cid, name, tz) for cid, name, tz in db.session.execute(
        select(City.id, City.name, Province.timezone).join(Province).order_by(City.id))]
    kmws = [Node("kmw", k.id, k.name, node_timezone(k)) for k in db.session.scalars(
        select(Kmw).where(Kmw.provinces.any()).options(selectinload(Kmw.provinces)).order_by(Kmw.id))]
    return {"city": cities, "kmw": kmws, "national": [Node("national", 0, "KMP", NATIONAL_TIMEZONE)]}


@dataclass(frozen=True)
class Due:
    step: Step
    node: Node
    period: Period
    due_at: datetime

    @property
    def key(self) -> tuple:
        return self.step.code, self.node.kind, self.node.id, str(self.period)


def due_steps(now: datetime, found: dict[str, list[Node]] | None = None) -> list[Due]:
    """Every (step, node, month) due by ``now``, for the current and the previous month of each node, in the
    order of ``STEPS`` (the collection before the missed-month list) and by due time."""
    found = found if found is not None else nodes()
    periods = {Period(cycle.current_period(n.tz, now)) for group in found.values() for n in group}
    periods |= {p.previous() for p in periods}
    timing = Timing({stage: cycle.latest_extensions(
        periods, stage, city_ids=[n.id for n in found["city"]], kmw_ids=[n.id for n in found["kmw"]])
        for stage in ("writing", "city", "province", "national")})
    due = []
    for order, step in enumerate(STEPS):
        for node in found[step.node_kind]:
            current = Period(cycle.current_period(node.tz, now))
            for period in (current.previous(), current):
                at = step.due(node, period, timing)
                if at <= now:
                    due.append((period, order, at, Due(step, node, period, at)))
    return [d for *_k, d in sorted(due, key=lambda item: item[:3])]


# --- claiming and running --------------------------------------------------------------------------

def _lease() -> datetime:
    return real_now() + timedelta(seconds=float(current_app.config["SCHEDULE_LEASE_SECONDS"]))


def claim_new(due: Due) -> tuple[int, int] | None:
    """Insert the run's row: (id, attempt) when this consumer won it, None when it already exists."""
    run = ScheduledRun(step=due.step.code, node_kind=due.node.kind, node_id=due.node.id, period=str(due.period),
                       due_at=due.due_at, state=RunState.RUNNING, attempt=1, lease_until=_lease(),
                       started_at=real_now(), counts_json="{}", error="")
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run.id, run.attempt


def claim_again(run_id: int, attempt: int) -> int | None:
    """Take back a run whose lease ran out (or that an administrator asked to run again): the new attempt, or
    None when another consumer took it first."""
    now = real_now()
    changed = db.session.execute(
        update(ScheduledRun).where(ScheduledRun.id == run_id, ScheduledRun.attempt == attempt,
                                   ScheduledRun.state == RunState.RUNNING,
                                   or_(ScheduledRun.lease_until.is_(None), ScheduledRun.lease_until < now))
        .values(attempt=attempt + 1, lease_until=_lease(), started_at=now, error="")).rowcount
    db.session.commit()
    return attempt + 1 if changed == 1 else None


def _finish(run_id: int, attempt: int, state: RunState, counts: dict | None = None, error: str = "") -> bool:
    """Record the end of this attempt, in the current transaction, and commit: False when the run moved on."""
    changed = db.session.execute(
        update(ScheduledRun).where(ScheduledRun.id == run_id, ScheduledRun.attempt == attempt,
                                   ScheduledRun.state == RunState.RUNNING)
        .values(state=state, finished_at=real_now(), lease_until=None, counts_json=json.dumps(counts or {}),
                error=error[:2000])).rowcount
    if changed != 1:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def execute(run_id: int, attempt: int, due: Due, now: datetime) -> RunState | None:
    """Run one claimed attempt: skipped (a reminder no longer useful), done with its counts, or failed."""
    step = due.step
    if step.stale_after is not None:
        timing = Timing({stage: cycle.latest_extensions([due.period], stage, city_ids=[due.node.id]
                                                        if due.node.kind == "city" else (),
                                                        kmw_ids=[due.node.id] if due.node.kind == "kmw" else ())
                         for stage in ("writing", "city", "province")})
        if now >= step.stale_after(due.node, due.period, timing):
            _finish(run_id, attempt, RunState.SKIPPED, {"messages": 0})
            return RunState.SKIPPED
    try:
        counts = getattr(work, step.work)(due.node, due.period, step)
    except Exception as exc:  # any failure of the step: recorded with its reason, shown with a retry button
        db.session.rollback()
        log.exception("scheduled step %s failed", due.key)
        _finish(run_id, attempt, RunState.FAILED, error=_reason(exc))
        return RunState.FAILED
    if not _finish(run_id, attempt, RunState.DONE, counts):
        return None
    outbox.announce()
    return RunState.DONE


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return f"{type(exc).__name__}: {message}"


def tick(now: datetime | None = None) -> dict[str, int]:
    """Run every step that is due and not run yet, and take back runs whose consumer was lost."""
    if not current_app.config.get("SCHEDULE_ENABLED", True):
        return {}
    now = now or now_utc()
    result = {"done": 0, "skipped": 0, "failed": 0, "lost": 0}
    run_requested(now, result)
    found = nodes()
    due = due_steps(now, found)
    if not due:
        return result
    periods = sorted({str(d.period) for d in due})
    runs = {(r.step, r.node_kind, r.node_id, r.period): r for r in db.session.execute(
        select(ScheduledRun.id, ScheduledRun.step, ScheduledRun.node_kind, ScheduledRun.node_id, ScheduledRun.period,
               ScheduledRun.state, ScheduledRun.attempt, ScheduledRun.lease_until)
        .where(ScheduledRun.period.in_(periods)))}
    db.session.rollback()  # end the read: each claim below is a transaction of its own
    stale = real_now()
    max_attempts = int(current_app.config["SCHEDULE_MAX_ATTEMPTS"])
    for item in due:
        run = runs.get(item.key)
        if run is None:
            claimed = claim_new(item)
        elif run.state == RunState.RUNNING and (run.lease_until is None or run.lease_until < stale):
            if run.lease_until is not None and run.attempt >= max_attempts:
                result["lost"] += _give_up(run.id, run.attempt)
                continue
            attempt = claim_again(run.id, run.attempt)
            claimed = (run.id, attempt) if attempt else None
        else:
            continue
        if claimed is None:
            continue
        state = execute(*claimed, item, now)
        if state is not None:
            result[state.value] += 1
    return result


def run_requested(now: datetime, result: dict[str, int]) -> None:
    """Runs an administrator asked to run again (running, no lease yet), whatever their month."""
    waiting = db.session.scalars(select(ScheduledRun).where(ScheduledRun.state == RunState.RUNNING,
                                                            ScheduledRun.lease_until.is_(None))).all()
    db.session.rollback()
    for run in waiting:
        item = due_of(run)
        attempt = claim_again(run.id, run.attempt) if item is not None else None
        if attempt is None:
            continue
        state = execute(run.id, attempt, item, now)
        if state is not None:
            result[state.value] += 1


def _give_up(run_id: int, attempt: int) -> int:
    changed = db.session.execute(
        update(ScheduledRun).where(ScheduledRun.id == run_id, ScheduledRun.attempt == attempt,
                                   ScheduledRun.state == RunState.RUNNING, ScheduledRun.lease_until < real_now())
        .values(state=RunState.FAILED, finished_at=real_now(), lease_until=None, error=CONSUMER_LOST)).rowcount
    db.session.commit()
    return changed


def due_of(run: ScheduledRun) -> Due | None:
    """The step, node and month of a recorded run (None when its step or node no longer exists)."""
    step = BY_CODE.get(run.step)
    node = next((n for n in nodes().get(run.node_kind, []) if n.id == run.node_id), None)
    if step is None or node is None:
        return None
    return Due(step, node, Period(run.period), run.due_at)

