"""Real consumers of the task queue for the job tests: huey's consumer in threads of the test process, or
``flask --app portal worker`` as a child process on the test's database and instance folder. Every wait is
bounded and every consumer is stopped when the test ends, whatever happened."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from portal import tasks
from portal.extensions import db
from portal.models import Tier
from portal.photos import photo_path
from portal.reports import jobs as bundle_jobs
from tests.builders_reports import add_entry, make_panel, utc
from tests.support import suite_clock_shift

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2026-11"


@contextmanager
def consumer_thread(app, workers: int = 1, periodic: bool = False):
    """huey's consumer with ``workers`` threads in this process; stopped (and its queue storage closed) at the end.
    ``periodic``: its scheduler also runs the periodic tasks (the reaper runs as it starts)."""
    consumer = tasks.make_consumer(app, workers, periodic=periodic, handle_signals=False)
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def instance_settings(app_config: dict, instance: Path, **settings) -> None:
    """The same settings for the test's app and for the consumer processes (which read instance/config.py)."""
    app_config.update(settings)
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))


def consumer_env(app) -> dict:
    """The environment of a consumer process working for the test app."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PORTAL_INSTANCE_PATH": app.instance_path,
                "UPLOAD_DIR": app.config["UPLOAD_DIR"], "SECRET_KEY": "consumer-test-key",
                "TASK_QUEUE_URL": app.config["TASK_QUEUE_URL"], "CLOCK_SHIFT_SECONDS": str(suite_clock_shift()),
                "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
                # the cycle's scheduled steps act only in the tests that turn them on (as TestConfig does)
                "SCHEDULE_ENABLED": "1" if app.config.get("SCHEDULE_ENABLED") else "0"})
    return env


@contextmanager
def consumer_process(app, workers: int = 1, name: str = "worker"):
    """``flask --app portal worker`` on the test app's database, instance folder and uploads. Killed at the end if
    it is still running."""
    env = consumer_env(app)
    log_path = Path(app.instance_path) / f"{name}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker", "-w", str(workers)],
                                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = log_path
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1, process=None):
    """Poll ``predicate()`` until it returns something true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"the consumer exited ({process.returncode}) while waiting for {what}:\n"
                        f"{Path(process.log_path).read_text()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def job_row(key: str):
    """The job as the database holds it now (a fresh read, not the session's copy)."""
    db.session.rollback()
    return bundle_jobs.read_status(key)


def wait_for_state(key: str, *states: str, timeout: float = 60, process=None):
    def reached():
        job = job_row(key)
        return job if job is not None and job.state.value in states else None

    return wait_for(reached, timeout, f"job {key} to be {' or '.join(states)} (it is {_state(key)})",
                    process=process)


def _state(key: str) -> str:
    job = job_row(key)
    return "missing" if job is None else f"{job.state.value}, attempt {job.attempt}, {job.progress_done}/" \
                                          f"{job.progress_total}"


def city_with_bundle(make_tree, make_piece, pieces: int = 5, photos: int = 2):
    """Semarang with ``pieces`` pieces sent up by its city panel, each with photo files on disk."""
    tree = make_tree()
    panel = make_panel(Tier.CITY, PERIOD, city=tree.city["semarang"], closed_at=utc(2026, 11, 19))
    made = []
    for i in range(1, pieces + 1):
        piece = make_piece(tree.team[f"semarang-TF{i:02d}"], title=f"Bank sampah RW {i:02d}", photos=photos)
        add_entry(panel, piece, selected=True)
        for photo in piece.photos:
            path = photo_path(photo.storage_key, "original")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\xff\xd8\xff\xe0 photo bytes " * 1000)
        made.append(piece)
    return tree, made


def request_bundle(client, city) -> tuple[str, str]:
    """POST the bundle form for ``city`` as the signed-in client; returns (status URL, job key)."""
    response = client.post("/laporan/paket", data={"cakupan": "city", "simpul": city.id, "periode": PERIOD,
                                                   "isi": "sent"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    url = response.headers["Location"]
    return url, url.rstrip("/").rsplit("/", 1)[1]


def retry_form_action(page: str) -> str | None:
    match = re.search(r'<form method="post" action="([^"]+/ulang)"', page)
    return match.group(1) if match else None
