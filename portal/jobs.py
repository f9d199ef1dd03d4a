"""Background jobs: state in the ``job`` table, work done by the task queue's consumers (portal/tasks.py).

A job is made by :func:`create_job` (a row, then one message on the queue: the web request answers at once). A
consumer's task :func:`run` *claims* the attempt it was enqueued for (queued -> running, in one conditional
UPDATE), calls the job kind's handler with a :class:`JobRun`, and *finishes* it (running -> done, the file renamed
into place while the row is held). Every step is conditional on the row's state and attempt, so a task delivered
twice, or run after its job moved on, does nothing: tasks are idempotent.

The lease: a running attempt renews ``heartbeat_at`` as it reports progress. A consumer that dies (kill -9, the
machine gone) stops renewing it; once it is older than ``JOB_LEASE_SECONDS`` the job is *reaped*, by the periodic
task :func:`reap_stale_jobs` that every consumer runs each minute and at start-up, and by the status page that
reads it (:func:`reap_if_stale`): the attempt's partial file is removed and the job is queued again as the next
attempt, until ``JOB_MAX_ATTEMPTS``; then it is failed with the reason. A handler that raises is treated the same
way (retried after ``JOB_RETRY_DELAY_SECONDS``). Nothing stays "running" for ever.

Files live in ``EXPORT_DIR`` (default ``instance/exports``; a shared folder when consumers run on several
machines): attempt n writes ``<key>.<n>.part``, renamed atomically to ``<key><suffix>`` when done. Finished jobs and
their files are removed after ``EXPORT_MAX_AGE_SECONDS`` by the hourly :func:`sweep_finished`.

Leases and ages use real time, not the portal's calendar (portal/clock.py), like sessions and caches do.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import crontab
from huey.api import Huey
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import delete, or_, select, update

from portal import tasks
from portal.extensions import db
from portal.models.jobs import Job, JobState

log = logging.getLogger(__name__)

KINDS = "job_kinds"  # app.extensions: kind -> handler
RUN_TASK, REAP_TASK, SWEEP_TASK = "run_job", "reap_stale_jobs", "sweep_finished_jobs"
HEARTBEAT_EVERY_SECONDS = 1.0
# Why an attempt ended badly (Job.failure); the pages turn the code into a sentence.
ERROR, WORKER_LOST, WORKER_STOPPED, QUEUE_UNAVAILABLE = "error", "worker_lost", "worker_stopped", "queue_unavailable"


class LeaseLost(Exception):
    """The job moved on without this attempt (reaped, retried, given up): the attempt stops and leaves it alone."""


Handler = Callable[["JobRun"], None]


@dataclass
class JobRun:
    """One attempt of a job, as its handler sees it: write the result to ``partial``, report ``progress``."""

    job_id: int
    key: str
    kind: str
    attempt: int
    parameters: dict
    partial: Path
    result_suffix: str
    _last_beat: float = 0.0

    def progress(self, done: int, total: int | None) -> None:
        """Record progress and renew the lease (at most once a second, and always when ``done == total``).
        Raises :class:`LeaseLost` when the job no longer belongs to this attempt."""
        now = time.monotonic()
        if done != total and now - self._last_beat < HEARTBEAT_EVERY_SECONDS:
            return
        self._last_beat = now
        moment = real_now()
        # A connection of its own: the handler's session (its loaded rows) is left alone, and the job's small
        # write commits at once without ending the handler's read transaction.
        with db.engine.begin() as conn:
            changed = conn.execute(
                update(Job).where(*self._mine()).values(progress_done=done, progress_total=total,
                                                        heartbeat_at=moment, updated_at=moment)).rowcount
        if changed != 1:
            raise LeaseLost(self.key)

    def _mine(self) -> tuple:
        return Job.id == self.job_id, Job.attempt == self.attempt, Job.state == JobState.RUNNING


def real_now() -> datetime:
    return datetime.now(UTC)


def init_app(app: Flask, kinds: dict[str, Handler]) -> None:
    """The job kinds this app runs (kind -> handler) and the tasks that run them, on the app's queue."""
    app.extensions[KINDS] = dict(kinds)
    tasks.on_queue(app, register_tasks)


def register_tasks(huey: Huey, app: Flask) -> dict:
    run_task = huey.task(name=RUN_TASK)(tasks.in_app_context(app, run))
    reap_task = huey.periodic_task(crontab(minute="*"), name=REAP_TASK, priority=10)(
        tasks.in_app_context(app, reap_stale_jobs))
    sweep_task = huey.periodic_task(crontab(minute="7"), name=SWEEP_TASK, priority=5)(
        tasks.in_app_context(app, sweep_finished))

    @huey.signal(SIGNAL_INTERRUPTED)
    def _release(signal, task, *args, **kwargs):
        """The consumer is stopping (SIGTERM) in the middle of an attempt: hand the job on at once rather than
        after the lease."""
        if isinstance(task, run_task.task_class):
            tasks.in_app_context(app, retry_or_fail)(*task.args, WORKER_STOPPED, "")

    return {RUN_TASK: run_task, REAP_TASK: reap_task, SWEEP_TASK: sweep_task}


def check_consumer_can_start() -> None:
    """Before a consumer starts: the database answers and holds the job table, and the queue answers. Raises
    what the command line turns into one clear message."""
    db.session.execute(select(Job.id).limit(1))
    db.session.rollback()
    tasks.queue_of().check()


# --- files -----------------------------------------------------------------------------------------

def export_dir(app: Flask | None = None) -> Path:
    app = app or current_app
    path = Path(app.config.get("EXPORT_DIR") or Path(app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def partial_path(key: str, attempt: int) -> Path:
    return export_dir() / f"{key}.{attempt}.part"


def result_path(job: Job) -> Path | None:
    """The finished file of a done job, if it is still on disk."""
    if job.state != JobState.DONE or not job.result_file:
        return None
    path = export_dir() / job.result_file
    return path if path.is_file() else None


# --- the web side ----------------------------------------------------------------------------------

def create_job(kind: str, parameters: dict, *, user_id: int | None, result_name: str) -> Job:
    """Insert the job's row and put its first attempt on the queue; nothing else (the request answers at once).
    If the queue cannot be reached the job is failed at once with that reason."""
    if kind not in current_app.extensions[KINDS]:
        raise ValueError(f"unknown job kind {kind!r}")
    moment = real_now()
    job = Job(key=secrets.token_urlsafe(24), kind=kind, parameters_json=json.dumps(parameters, sort_keys=True),
              user_id=user_id, state=JobState.QUEUED, attempt=1, progress_done=0, result_name=result_name,
              failure_detail="", created_at=moment, updated_at=moment)
    db.session.add(job)
    db.session.commit()
    if not enqueue_run(job.id, 1):
        db.session.refresh(job)
    return job


def enqueue_run(job_id: int, attempt: int, delay: float = 0) -> bool:
    """Ask the queue to run ``attempt`` of the job (after ``delay`` seconds). False, with the job failed, when the
    queue's storage does not answer."""
    try:
        task = tasks.queue_of().task(RUN_TASK)
        if delay:
            task.schedule(args=(job_id, attempt), delay=delay)
        else:
            task(job_id, attempt)
        return True
    except Exception as exc:  # Redis down, the queue file unwritable: say so on the job rather than lose it
        log.exception("could not enqueue job %s attempt %s", job_id, attempt)
        moment = real_now()
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id, Job.attempt == attempt, Job.state == JobState.QUEUED)
                         .values(state=JobState.FAILED, failure=QUEUE_UNAVAILABLE,
                                 failure_detail=type(exc).__name__, finished_at=moment, updated_at=moment))
        return False


def lease_seconds() -> int:
    return int(current_app.config["JOB_LEASE_SECONDS"])


def max_attempts() -> int:
    return int(current_app.config["JOB_MAX_ATTEMPTS"])


def reap_if_stale(job: Job) -> bool:
    """The status page's part of the lease: a running job whose heartbeat is older than the lease is reaped now.
    True when the row changed (re-read it)."""
    cutoff = real_now() - timedelta(seconds=lease_seconds())
    if job.state != JobState.RUNNING or (job.heartbeat_at is not None and job.heartbeat_at >= cutoff):
        return False
    return retry_or_fail(job.id, job.attempt, WORKER_LOST, "", stale_before=cutoff) != "skipped"


def waiting_for_a_consumer(job: Job) -> bool:
    """Queued for longer than a lease: no consumer has taken it (none running, or all busy)."""
    return job.state == JobState.QUEUED and job.updated_at < real_now() - timedelta(seconds=lease_seconds())


# --- the consumer side -----------------------------------------------------------------------------

def run(job_id: int, attempt: int) -> str:
    """Run ``attempt`` of the job (the queue's task). Returns what happened: "skipped" (not this attempt's turn:
    already running, done, retried or failed), "done", "lost" (the lease was lost meanwhile), "retried" or
    "failed"."""
    claimed = claim(job_id, attempt)
    if claimed is None:
        return "skipped"
    handler = current_app.extensions[KINDS][claimed.kind]
    try:
        sweep_finished()  # old files go before a new one is written, even where no periodic task runs yet
        handler(claimed)
        finish(claimed)
        return "done"
    except LeaseLost:
        log.warning("job %s attempt %s lost its lease; leaving it to the next attempt", job_id, attempt)
        claimed.partial.unlink(missing_ok=True)
        return "lost"
    except Exception as exc:  # the reason goes on the row; the log keeps the traceback
        log.exception("job %s attempt %s failed", job_id, attempt)
        db.session.rollback()
        return retry_or_fail(job_id, attempt, ERROR, type(exc).__name__)


def claim(job_id: int, attempt: int) -> JobRun | None:
    """queued -> running for exactly this attempt, or None when it is not this attempt's turn."""
    moment = real_now()
    with db.engine.begin() as conn:
        changed = conn.execute(
            update(Job).where(Job.id == job_id, Job.attempt == attempt, Job.state == JobState.QUEUED)
            .values(state=JobState.RUNNING, heartbeat_at=moment, updated_at=moment, progress_done=0,
                    progress_total=None)).rowcount
        if changed != 1:
            return None
        row = conn.execute(select(Job.key, Job.kind, Job.parameters_json, Job.result_name)
                           .where(Job.id == job_id)).one()
    return JobRun(job_id=job_id, key=row.key, kind=row.kind, attempt=attempt,
                  parameters=json.loads(row.parameters_json), partial=partial_path(row.key, attempt),
                  result_suffix=Path(row.result_name).suffix)


def finish(run: JobRun) -> None:
    """running -> done, and the partial file renamed to the result while the row is held (so the attempt cannot
    be reaped in between); a job without a result name (its work is in the database) has no file. Raises
    :class:`LeaseLost` if the job is no longer this attempt's."""
    final = export_dir() / f"{run.key}{run.result_suffix}" if run.result_suffix else None  # no name: no file
    moment = real_now()
    with db.engine.begin() as conn:
        changed = conn.execute(update(Job).where(*run._mine()).values(
            state=JobState.DONE, result_file=final.name if final else None, heartbeat_at=moment, updated_at=moment,
            finished_at=moment, failure=None, failure_detail="")).rowcount
        if changed != 1:
            raise LeaseLost(run.key)
        if final is not None:
            os.replace(run.partial, final)  # a failure here rolls the row back: it stays running, then is reaped


def retry_or_fail(job_id: int, attempt: int, failure: str, detail: str, *,
                  stale_before: datetime | None = None) -> str:
    """End a running attempt badly: queue the next attempt, or fail the job after ``JOB_MAX_ATTEMPTS``. The
    attempt's partial file is removed. ``stale_before``: only if its heartbeat is older (reaping). Returns
    "retried", "failed" or "skipped" (the row had moved on: someone else already did it)."""
    moment = real_now()
    retry = attempt < max_attempts()
    condition = [Job.id == job_id, Job.attempt == attempt, Job.state == JobState.RUNNING]
    if stale_before is not None:
        condition.append(or_(Job.heartbeat_at < stale_before, Job.heartbeat_at.is_(None)))
    values = {"failure": failure, "failure_detail": detail[:1000], "updated_at": moment}
    if retry:
        values.update(state=JobState.QUEUED, attempt=attempt + 1, progress_done=0, progress_total=None,
                      heartbeat_at=None)
    else:
        values.update(state=JobState.FAILED, finished_at=moment)
    with db.engine.begin() as conn:
        changed = conn.execute(update(Job).where(*condition).values(**values)).rowcount
        key = conn.execute(select(Job.key).where(Job.id == job_id)).scalar()
    if changed != 1:
        return "skipped"
    log.warning("job %s attempt %s ended (%s %s): %s", job_id, attempt, failure, detail,
                "queued again" if retry else "failed")
    partial_path(key, attempt).unlink(missing_ok=True)
    if not retry:
        return "failed"
    delay = current_app.config["JOB_RETRY_DELAY_SECONDS"] if failure == ERROR else 0
    return "retried" if enqueue_run(job_id, attempt + 1, delay) else "failed"


def reap_stale_jobs() -> dict[str, int]:
    """The periodic task: reap every running job whose heartbeat is older than the lease, and put back on the
    queue a job queued for longer than the lease (its message may have been lost with a consumer that took it
    and died before claiming it; a second message for the same attempt does nothing)."""
    moment = real_now()
    cutoff = moment - timedelta(seconds=lease_seconds())
    stale = db.session.execute(select(Job.id, Job.attempt).where(
        Job.state == JobState.RUNNING, or_(Job.heartbeat_at < cutoff, Job.heartbeat_at.is_(None)))).all()
    waiting = db.session.execute(select(Job.id, Job.attempt).where(
        Job.state == JobState.QUEUED, Job.updated_at < cutoff)).all()
    db.session.rollback()  # end the read: the writes below go through connections of their own
    outcomes = Counter(retry_or_fail(job_id, attempt, WORKER_LOST, "", stale_before=cutoff)
                       for job_id, attempt in stale)
    for job_id, attempt in waiting:
        with db.engine.begin() as conn:
            changed = conn.execute(update(Job).where(
                Job.id == job_id, Job.attempt == attempt, Job.state == JobState.QUEUED, Job.updated_at < cutoff)
                .values(updated_at=moment)).rowcount
        if changed == 1 and enqueue_run(job_id, attempt):
            outcomes["announced again"] += 1
    return dict(outcomes)


def kept_until(job: Job) -> datetime | None:
    """When a finished job's file is removed at the earliest (the sweep, :func:`sweep_finished`, runs hourly)."""
    if job.finished_at is None:
        return None
    return job.finished_at + timedelta(seconds=current_app.config["EXPORT_MAX_AGE_SECONDS"])


def sweep_finished(max_age: float | None = None) -> int:
    """Remove finished jobs older than ``EXPORT_MAX_AGE_SECONDS`` with their files, and any file of the export
    folder that old (left by a crash). Returns how many jobs were removed."""
    max_age = current_app.config["EXPORT_MAX_AGE_SECONDS"] if max_age is None else max_age
    cutoff = real_now() - timedelta(seconds=max_age)
    folder = export_dir()
    old = db.session.execute(select(Job.id, Job.result_file).where(Job.finished_at < cutoff)).all()
    db.session.rollback()
    for job_id, result_file in old:
        with db.engine.begin() as conn:
            conn.execute(delete(Job).where(Job.id == job_id, Job.finished_at < cutoff))
        if result_file:
            (folder / result_file).unlink(missing_ok=True)
    remove_old_files(folder, max_age)
    return len(old)


def remove_old_files(folder: Path, max_age: float, now: float | None = None) -> list[Path]:
    """Remove files of ``folder`` not modified for ``max_age`` seconds (a running attempt writes to its file)."""
    now = now or time.time()
    removed = []
    for path in folder.iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > max_age:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
    return removed
