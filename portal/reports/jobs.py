"""Bundle building in the background, so a national bundle with thousands of photos blocks no request.

One code path for every bundle: a job id (random, unguessable) names ``instance/exports/<id>.json``
(status: owner, state, done/total) and ``instance/exports/<id>.zip``. A thread of the app's
``ThreadPoolExecutor`` builds the zip inside its own app context (so its own database session).
Only the user who asked may see the status or download. Files older than 24 hours are removed
whenever a new job starts.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from flask import Flask, current_app

from portal.extensions import db
from portal.reports.bundles import BundleSpec, build_bundle, bundle_name

MAX_AGE_SECONDS = 24 * 3600
WORKERS = 2
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def export_dir(app: Flask | None = None) -> Path:
    path = Path((app or current_app).instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _executor(app: Flask) -> ThreadPoolExecutor:
    if "reports_executor" not in app.extensions:
        app.extensions["reports_executor"] = ThreadPoolExecutor(
            max_workers=WORKERS, thread_name_prefix="bundle"
        )
        app.extensions["reports_futures"] = {}
    return app.extensions["reports_executor"]


def _write_status(folder: Path, job_id: str, status: dict) -> None:
    tmp = folder / f"{job_id}.json.tmp"
    tmp.write_text(json.dumps(status), encoding="utf-8")
    os.replace(tmp, folder / f"{job_id}.json")


def read_status(job_id: str) -> dict | None:
    if not JOB_ID.match(job_id or ""):
        return None
    path = export_dir() / f"{job_id}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def status_for(user, job_id: str) -> dict | None:
    """The job's status if ``user`` asked for it; None otherwise (the view answers 404)."""
    status = read_status(job_id)
    if status is None or not getattr(user, "is_authenticated", False) or status.get("user_id") != user.id:
        return None
    return status


def zip_path(job_id: str) -> Path:
    return export_dir() / f"{job_id}.zip"


def cleanup_old(folder: Path, max_age: int = MAX_AGE_SECONDS, now: float | None = None) -> list[Path]:
    """Remove export files (zips, statuses, partial files) older than ``max_age`` seconds."""
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


def start_bundle_job(user_id: int, spec: BundleSpec) -> str:
    """Queue a bundle for ``user_id``; returns the job id. Old export files are cleaned up first."""
    app = current_app._get_current_object()
    folder = export_dir(app)
    cleanup_old(folder)
    job_id = secrets.token_urlsafe(24)
    status = {
        "job": job_id,
        "user_id": user_id,
        "state": "queued",
        "done": 0,
        "total": None,
        "name": bundle_name(spec),
        "created": time.time(),
        "error": "",
    }
    _write_status(folder, job_id, status)
    executor = _executor(app)
    futures = app.extensions["reports_futures"]
    for finished in [k for k, f in futures.items() if f.done()]:
        futures.pop(finished, None)
    futures[job_id] = executor.submit(_run, app, job_id, spec, status)
    return job_id


def future_of(app: Flask, job_id: str) -> Future | None:
    """The running job's future (tests wait on it)."""
    return app.extensions.get("reports_futures", {}).get(job_id)


def _run(app: Flask, job_id: str, spec: BundleSpec, status: dict) -> dict:
    folder = export_dir(app)
    with app.app_context():
        try:
            status["state"] = "running"
            _write_status(folder, job_id, status)

            def progress(done: int, total: int) -> None:
                status.update(done=done, total=total)
                _write_status(folder, job_id, status)

            build_bundle(spec, folder / f"{job_id}.zip", progress)
            status["state"] = "done"
        except Exception as exc:  # the status page tells the user; the log keeps the details
            app.logger.exception("bundle job %s failed", job_id)
            status.update(state="failed", error=type(exc).__name__)
        finally:
            _write_status(folder, job_id, status)
            db.session.remove()
    return status
