"""Consumers that die: ``flask --app portal worker`` processes killed with SIGKILL (or stopped with SIGTERM) in the
middle of a bundle, on the SQLite queue and on Redis. The job is taken back through its lease (by the status
page, or by the periodic reaper of the next consumer), retried by another consumer and finished; after
``JOB_MAX_ATTEMPTS`` it is shown failed with the reason and a retry button that works. Never "running" for ever.

Bundles are made slow by ``BUNDLE_PIECE_DELAY_SECONDS`` (read only from the configuration) so that a consumer can
be stopped mid-bundle; the lease is a few seconds. Every consumer is stopped when its test ends, and every wait
is bounded (tests/builders_jobs.py).
"""
from __future__ import annotations

import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis as redis_client

from portal import jobs, tasks
from portal.models import JobState, Role
from tests.browser_support import free_port, redis_url
from tests.builders_jobs import (
    ROOT,
    city_with_bundle,
    consumer_env,
    consumer_process,
    consumer_thread,
    instance_settings,
    job_row,
    request_bundle,
    retry_form_action,
    wait_for,
    wait_for_state,
)

LEASE = 5
PIECES = 8
REFRESH = 'http-equiv="refresh"'


@pytest.fixture
def queue_kind() -> str:
    return "sqlite"


@pytest.fixture
def max_attempts() -> int:
    return 3


@pytest.fixture
def app_config(app_config, tmp_path, queue_kind, max_attempts):
    """Slow bundles and a short lease, for this app and for the consumer processes (instance/config.py). On
    Redis the queue has a name of its own, and its keys are removed afterwards."""
    with ExitStack() as stack:
        settings = {"JOB_LEASE_SECONDS": LEASE, "BUNDLE_PIECE_DELAY_SECONDS": 0.4, "JOB_MAX_ATTEMPTS": max_attempts,
                    "JOB_RETRY_DELAY_SECONDS": 0}
        if queue_kind == "redis":
            base = stack.enter_context(redis_url())
            name = f"bp_portal_test_{uuid.uuid4().hex}"  # as huey keeps it in its Redis keys
            settings.update(TASK_QUEUE_URL=f"{base}/0", TASK_QUEUE_NAME=name)
        instance_settings(app_config, tmp_path / "instance", **settings)
        yield app_config
        if queue_kind == "redis":
            store = redis_client.Redis.from_url(settings["TASK_QUEUE_URL"])
            keys = store.keys(f"huey.*{name}*")
            if keys:
                store.delete(*keys)
            store.close()


@pytest.fixture
def asked(app, make_tree, make_piece, make_user, client, login):
    """Semarang's data manager, signed in, has asked for a bundle of eight pieces: (status URL, job key)."""
    tree, _ = city_with_bundle(make_tree, make_piece, pieces=PIECES)
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    return request_bundle(client, tree.city["semarang"])


def _mid_bundle(key: str, process, at_least: int = 2):
    def working():
        job = job_row(key)
        return job if job.state == JobState.RUNNING and (job.progress_done or 0) >= at_least else None

    return wait_for(working, 120, f"job {key} to be mid-bundle", process=process)


def _kill_mid_bundle(app, key: str, name: str) -> None:
    with consumer_process(app, name=name) as consumer:
        job = _mid_bundle(key, consumer)
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(timeout=30)
    assert job.progress_done < PIECES
    assert (jobs.export_dir(app) / f"{key}.{job.attempt}.part").exists()


def _reap_through_the_status_page(client, url: str, key: str, until: str):
    """Read the status page, as the user waiting for the bundle does, until the job is ``until``."""
    def reaped():
        page = client.get(url).get_data(as_text=True)
        job = job_row(key)
        return (job, page) if job.state.value == until else None

    return wait_for(reaped, LEASE + 60, f"the status page to take job {key} back", interval=0.5)


def _download(client, url: str) -> list[str]:
    response = client.get(f"{url}/unduh")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
    response.close()
    return names


@pytest.mark.parametrize("queue_kind", ["sqlite", "redis"])
def test_a_killed_consumers_bundle_is_taken_back_and_finished_by_another(queue_kind, app, asked, client):
    url, key = asked
    assert tasks.queue_of(app).describe().startswith("SQLite" if queue_kind == "sqlite" else "redis://")
    _kill_mid_bundle(app, key, "first")
    job = job_row(key)
    assert job.state == JobState.RUNNING and job.attempt == 1  # what the row says until the lease runs out
    page = client.get(url).get_data(as_text=True)
    assert REFRESH in page and "Menyusun tulisan" in page

    job, page = _reap_through_the_status_page(client, url, key, until="queued")
    assert job.attempt == 2 and job.failure == jobs.WORKER_LOST and job.heartbeat_at is None
    assert "Percobaan ke-2 dari 3" in page and REFRESH in page
    assert not (jobs.export_dir(app) / f"{key}.1.part").exists()  # the dead attempt's partial file is gone

    with consumer_process(app, name="second") as second:
        job = wait_for_state(key, "done", timeout=120, process=second)
    assert job.attempt == 2 and job.progress_done == PIECES
    page = client.get(url).get_data(as_text=True)
    assert f"Paket siap: {PIECES} tulisan." in page and REFRESH not in page
    assert sum(n.endswith(".html") for n in _download(client, url)) == PIECES
    assert sorted(p.name for p in jobs.export_dir(app).iterdir()) == [f"{key}.zip"]


def test_the_next_consumers_periodic_reaper_takes_back_a_dead_consumers_job(app, asked):
    """Nobody reads the status page: the consumer that starts next reaps the job (its scheduler runs the reaper
    at start-up, then every minute) and builds it."""
    _, key = asked
    _kill_mid_bundle(app, key, "first")
    wait_for(lambda: job_row(key).heartbeat_at < datetime.now(UTC) - timedelta(seconds=LEASE + 0.5), LEASE + 30,
             "the lease to run out")
    with consumer_thread(app, workers=1, periodic=True):
        job = wait_for_state(key, "done", timeout=120)
    assert job.attempt == 2 and job.failure is None  # done: the earlier attempt's failure is history
    assert sorted(p.name for p in jobs.export_dir(app).iterdir()) == [f"{key}.zip"]


@pytest.mark.parametrize("max_attempts", [2])
def test_after_the_last_attempt_the_job_is_failed_and_its_retry_button_works(max_attempts, app, asked, client):
    url, key = asked
    _kill_mid_bundle(app, key, "first")
    _reap_through_the_status_page(client, url, key, until="queued")
    _kill_mid_bundle(app, key, "second")
    job, page = _reap_through_the_status_page(client, url, key, until="failed")
    assert job.attempt == 2 and job.failure == jobs.WORKER_LOST and job.finished_at is not None
    assert "Paket gagal dibuat" in page and "berhenti di tengah jalan (2 kali percobaan)" in page
    assert REFRESH not in page  # a failed job's page no longer refreshes itself
    assert list(jobs.export_dir(app).iterdir()) == []
    assert client.get(f"{url}/unduh").status_code == 404

    action = retry_form_action(page)
    assert action == f"/laporan/paket/{key}/ulang"
    response = client.post(action)
    assert response.status_code == 302
    new_url = response.headers["Location"]
    new_key = new_url.rsplit("/", 1)[1]
    assert new_key != key and job_row(new_key).state == JobState.QUEUED and job_row(new_key).attempt == 1
    assert job_row(key).state == JobState.FAILED  # the failed job stays as it was
    with consumer_thread(app, workers=1):
        wait_for_state(new_key, "done", timeout=120)
    assert sum(n.endswith(".html") for n in _download(client, new_url)) == PIECES


def test_a_consumer_stopped_with_sigterm_hands_its_job_on_at_once(app, asked, client):
    url, key = asked
    with consumer_process(app, name="stopped") as consumer:
        _mid_bundle(key, consumer)
        consumer.send_signal(signal.SIGTERM)
        assert consumer.wait(timeout=30) == 0
    job = job_row(key)  # no lease to wait for
    assert job.state == JobState.QUEUED and job.attempt == 2 and job.failure == jobs.WORKER_STOPPED
    assert not (jobs.export_dir(app) / f"{key}.1.part").exists()
    with consumer_thread(app, workers=1):
        wait_for_state(key, "done", timeout=120)
    assert sum(n.endswith(".html") for n in _download(client, url)) == PIECES


# --- the quick start ---------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.request(path)[2]).group(1)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


PARENT = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker", "-w", "1",
                          "--parent-pid", str(os.getpid())])
print(child.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads processes from Linux's /proc")
def test_the_quick_starts_consumer_stops_when_its_parent_dies_even_of_sigkill(app):
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=consumer_env(app), cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    child = None
    try:
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        wait_for(lambda: not _alive(child), 30, "the orphaned consumer to stop")
    finally:
        if child and _alive(child):
            os.kill(child, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=30)
        parent.stdout.close()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads child processes from Linux's /proc")
def test_the_quick_start_runs_a_consumer_beside_the_server_and_stops_it_with_the_server(tmp_path):
    """``bp-portal demo``: one command serves the portal and builds bundles; stopping it stops the consumer."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TASK_QUEUE_URL", "UPLOAD_DIR")}
    env.update(PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p))
    consumer = None
    with open(tmp_path / "demo.log", "w") as log:
        demo = subprocess.Popen([sys.executable, "-c", "from portal.cli import main; main()", "demo", "--port",
                                 str(port)], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            def serving():
                if demo.poll() is not None:
                    pytest.fail(f"bp-portal demo exited:\n{(tmp_path / 'demo.log').read_text()[-3000:]}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        return True
                except OSError:
                    return False

            wait_for(serving, 300, "the quick start to serve", interval=0.5)
            workers = [pid for pid in _children(demo.pid)
                       if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")]
            assert len(workers) == 1, "one consumer beside the server"
            consumer = workers[0]
            # The consumer makes the mail of scheduled steps, outside any request: its links point to the port
            # the demo serves on, not to the default one.
            consumer_env = Path(f"/proc/{consumer}/environ").read_bytes().split(b"\0")
            assert f"PORTAL_BASE_URL=http://127.0.0.1:{port}".encode() in consumer_env

            browser = _Browser(f"http://127.0.0.1:{port}")
            status, headers, _ = browser.request("/akun/masuk", {
                "csrf_token": browser.token("/akun/masuk"), "email": "data.kmp@demo.bp.id",
                "password": "demo-portal-2026"})
            assert status == 302, "the national data manager of the demo signs in"
            status, headers, _ = browser.request("/laporan/paket", {
                "csrf_token": browser.token("/laporan/"), "cakupan": "national", "periode": "2026-11",
                "isi": "all"})
            assert status == 302 and "/laporan/paket/" in headers["Location"]
            path = urllib.parse.urlsplit(headers["Location"]).path

            def built():
                page = browser.request(path)[2]
                return page if "Paket siap" in page else None

            page = wait_for(built, 120, "the demo's consumer to build the bundle", interval=0.5)
            assert REFRESH not in page
            status, headers, _ = browser.request(f"{path}/unduh")
            assert status == 200 and headers["Content-Type"] == "application/zip"

            demo.send_signal(signal.SIGTERM)
            demo.wait(timeout=60)
            wait_for(lambda: not _alive(consumer), 30, "the consumer to stop with the server")
            printed = (tmp_path / "demo.log").read_text()  # complete once the demo has exited
            assert "PORTAL_BASE_URL is not set" not in printed
            logins = [line for line in printed.splitlines() if line.endswith("@demo.bp.id")]
            assert len(logins) > 10 and len({line.rindex(" ") for line in logins}) == 1, \
                "the demo's logins, each address in one column:\n" + "\n".join(logins)
        finally:
            for pid in [consumer] if consumer else []:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
            if demo.poll() is None:
                demo.kill()
                demo.wait(timeout=30)
