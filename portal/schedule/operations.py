"""The administrators' side of the scheduled steps: the list of runs, and running a failed one again."""
from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select, update

from portal import audit, tasks
from portal.extensions import db
from portal.failures import PortalError
from portal.models.people import User
from portal.models.schedule import RunState, ScheduledRun
from portal.pagination import PER_PAGE
from portal.period import Period
from portal.schedule.engine import TICK_TASK

log = logging.getLogger(__name__)


class ScheduleError(PortalError):
    """A refused request about a run, with the message for the administrator."""

    status = 409


def list_runs(state: RunState | None, period: Period | None, page: int):
    """Newest first, optionally one state and one month."""
    query = select(ScheduledRun).order_by(ScheduledRun.started_at.desc(), ScheduledRun.id.desc())
    if state is not None:
        query = query.where(ScheduledRun.state == state)
    if period is not None:
        query = query.where(ScheduledRun.period == str(period))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def run_again(run_id: int, by: User) -> ScheduledRun:
    """A failed run is put back as running without a lease: the next tick of any consumer takes it (asked for at
    once here; if the queue does not answer, the periodic tick does within a minute)."""
    changed = db.session.execute(
        update(ScheduledRun).where(ScheduledRun.id == run_id, ScheduledRun.state == RunState.FAILED)
        .values(state=RunState.RUNNING, lease_until=None, finished_at=None, error="")).rowcount
    if changed != 1:
        db.session.rollback()
        raise ScheduleError(_("Hanya langkah yang gagal yang dapat dijalankan ulang."))
    audit.record("scheduled_run_again", target=f"scheduled_run:{run_id}", user_id=by.id)
    db.session.commit()
    try:
        tasks.queue_of().task(TICK_TASK)()
    except Exception:  # the queue does not answer: the periodic tick of a consumer runs it later
        log.warning("could not ask a consumer to run scheduled run %s now", run_id)
    return db.session.get(ScheduledRun, run_id)
