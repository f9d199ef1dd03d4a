"""Monthly bundles as background jobs (portal/jobs.py), so a national bundle with thousands of photos blocks no
request and survives the loss of the consumer building it.

Asking for a bundle inserts a job row and enqueues it; a consumer (``flask --app portal worker``) builds the zip
into the attempt's partial file, reporting progress after each piece. Only the user who asked may see the status,
retry or download; anyone else gets 404, as for a job that does not exist.
"""
from __future__ import annotations

import re
import time
from dataclasses import asdict
from pathlib import Path

from flask import current_app

from portal import jobs
from portal.extensions import db
from portal.models.jobs import Job
from portal.reports.bundles import BundleSpec, bundle_name, write_bundle

KIND = "bundle"
JOB_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def start_bundle_job(user_id: int, spec: BundleSpec) -> str:
    """Queue a bundle for ``user_id``; returns the job's key (its URLs use it)."""
    return jobs.create_job(KIND, asdict(spec), user_id=user_id, result_name=bundle_name(spec)).key


def read_status(job_key: str) -> Job | None:
    """The bundle job with this key, whoever asked for it."""
    if not JOB_KEY.match(job_key or ""):
        return None
    return db.session.scalar(db.select(Job).where(Job.key == job_key, Job.kind == KIND))


def status_for(user, job_key: str) -> Job | None:
    """The job if ``user`` asked for it, reaped first if its consumer has died; None otherwise (the view answers
    404)."""
    job = read_status(job_key)
    if job is None or not getattr(user, "is_authenticated", False) or job.user_id != user.id:
        return None
    if jobs.reap_if_stale(job):
        db.session.refresh(job)
    return job


def spec_of(job: Job) -> BundleSpec:
    return BundleSpec(**job.parameters)


def zip_path(job: Job) -> Path | None:
    """The finished zip of a done job, if still kept."""
    return jobs.result_path(job)


def build(run: jobs.JobRun) -> None:
    """The job kind's handler: write the bundle to the attempt's partial file."""
    delay = float(current_app.config["BUNDLE_PIECE_DELAY_SECONDS"])

    def progress(done: int, total: int) -> None:
        run.progress(done, total)
        if delay and done < total:
            time.sleep(delay)

    write_bundle(BundleSpec(**run.parameters), run.partial, progress)
