"""Background jobs on the task queue, in this process: the queue settings, the web side (a request only queues),
idempotent tasks, failing handlers, the status page, who may see a job, and the daily sweep. The consumer is
huey's own, in threads of the test process (tests/builders_jobs.py); tests/test_jobs_consumers.py runs consumers
as processes and kills them."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from portal import create_app, jobs, tasks
from portal.extensions import db
from portal.models import Job, JobState, Role
from portal.reports import jobs as bundle_jobs
from portal.tasks import TaskQueueSettingError, parse_queue_url
from tests.builders_jobs import (
    PERIOD,
    ROOT,
    city_with_bundle,
    consumer_env,
    consumer_thread,
    job_row,
    request_bundle,
    retry_form_action,
    wait_for,
    wait_for_state,
)

REFRESH = 'http-equiv="refresh"'


def fresh_page(client, url: str) -> str:
    """The page as a new request would see it. The test's app context is shared by the test client's requests
    (Flask reuses a pushed context of the same app), so the end-of-request teardown that closes each request's
    session in the portal never runs here; the read transaction of the previous poll is ended by hand, or SQLite
    would keep showing its snapshot."""
    db.session.rollback()
    return client.get(url).get_data(as_text=True)


# --- settings ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,kind,location", [
    ("sqlite", "sqlite", "{instance}/task_queue.db"),
    (" sqlite ", "sqlite", "{instance}/task_queue.db"),
    ("sqlite:///queue/q.db", "sqlite", "{instance}/queue/q.db"),
    ("sqlite:////srv/bp/q.db", "sqlite", "/srv/bp/q.db"),
    ("redis://127.0.0.1:6379/0", "redis", "redis://127.0.0.1:6379/0"),
    ("redis://:secret@redis.internal:6380/2", "redis", "redis://:secret@redis.internal:6380/2"),
    ("rediss://redis.example.id/1", "redis", "rediss://redis.example.id/1"),
    ("redis://localhost", "redis", "redis://localhost"),
])
def test_queue_urls_understood(value, kind, location, tmp_path):
    storage = parse_queue_url(value, str(tmp_path))
    assert storage.kind == kind
    assert storage.location == location.format(instance=tmp_path)


@pytest.mark.parametrize("value", [
    "", "memory", "sqlite:", "sqlite://", "sqlite:///", "postgresql://h/db", "amqp://h", "redis://",
    "redis://:6379/0", "redis://h:port/0", "redis://h:6379/zero", "redis://h:6379/0?timeout=1",
    "redis://h:70000/0", "redis://h:0/0",
])
def test_a_malformed_queue_url_stops_the_start_up(value, tmp_path, database_url):
    with pytest.raises(TaskQueueSettingError, match="TASK_QUEUE_URL"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "TASK_QUEUE_URL": value},
                   instance_path=str(tmp_path / "instance"))


@pytest.mark.parametrize("key,value", [
    ("JOB_MAX_ATTEMPTS", 0), ("JOB_LEASE_SECONDS", "120"), ("JOB_LEASE_SECONDS", 0), ("JOB_RETRY_DELAY_SECONDS", -1),
    ("TASK_QUEUE_NAME", "bp portal"), ("TASK_QUEUE_NAME", ""),
])
def test_unusable_job_settings_stop_the_start_up(key, value, tmp_path, database_url):
    with pytest.raises(TaskQueueSettingError, match=key):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, key: value},
                   instance_path=str(tmp_path / "instance"))


def test_the_worker_command_refuses_a_malformed_queue_url(tmp_path):
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(tmp_path / "instance"), TASK_QUEUE_URL="redis//127.0.0.1",
               DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}", SECRET_KEY="k")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "worker"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Gagal: TASK_QUEUE_URL 'redis//127.0.0.1' bukan alamat antrean: tulis 'sqlite' (berkas di folder instance), "
        "'sqlite:///path/ke/antrean.db' atau 'redis://host:6379/0'.")


def test_the_worker_command_says_when_the_queue_cannot_be_reached(app):
    env = consumer_env(app)
    env["TASK_QUEUE_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "worker"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        "Gagal: Antrean pekerjaan latar (redis://127.0.0.1:1/0) tidak dapat dihubungi")


def test_the_queue_is_made_when_first_used(app):
    path = os.path.join(app.instance_path, "task_queue.db")
    queue = tasks.queue_of(app)
    assert not os.path.exists(path)  # a web worker that never enqueues opens nothing
    assert queue.describe() == f"SQLite {path}"
    assert set(queue.huey._registry._registry) == {"portal.jobs.run_job", "portal.jobs.reap_stale_jobs",
                                                   "portal.jobs.sweep_finished_jobs",
                                                   "portal.mail.delivery.deliver_mail",
                                                   "portal.mail.delivery.deliver_due_mail",
                                                   "portal.notifications.operations.send_daily_digests",
                                                   "portal.schedule.engine.schedule_tick",
                                                   "portal.schedule.engine.schedule_tick_periodic"}
    assert os.path.exists(path)


# --- the web side ----------------------------------------------------------------------------------

@pytest.fixture
def semarang(make_tree, make_piece):
    return city_with_bundle(make_tree, make_piece, pieces=3)


def test_asking_for_a_bundle_only_queues_it(app, semarang, client, login, make_user):
    """No consumer runs: the request answers at once with the job queued and one message on the queue."""
    tree, _ = semarang
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    app.config["BUNDLE_PIECE_DELAY_SECONDS"] = 30  # were the bundle built in the request, it would take minutes
    started = time.monotonic()
    url, key = request_bundle(client, tree.city["semarang"])
    assert time.monotonic() - started < 5
    job = job_row(key)
    assert job.state == JobState.QUEUED and job.attempt == 1 and job.kind == "bundle"
    assert job.parameters == {"scope": "city", "node_id": tree.city["semarang"].id, "period": PERIOD,
                              "selection": "sent"}
    assert job.result_name == "best practice_korkot (Kota Semarang)_(November 2026).zip"
    assert tasks.queue_of(app).huey.pending_count() == 1
    assert list(jobs.export_dir(app).iterdir()) == []
    page = client.get(url).get_data(as_text=True)
    assert "Menunggu giliran" in page and REFRESH in page and f'href="{url}"' in page
    assert "Belum ada pekerja latar" not in page
    db.session.execute(db.update(Job).where(Job.key == key).values(
        updated_at=datetime.now(UTC) - timedelta(seconds=app.config["JOB_LEASE_SECONDS"] + 1)))
    db.session.commit()
    assert "Belum ada pekerja latar" in client.get(url).get_data(as_text=True)


@pytest.fixture
def unreachable_queue(app_config):
    app_config["TASK_QUEUE_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there


def test_a_queue_that_cannot_be_reached_fails_the_job_with_that_reason(unreachable_queue, app, semarang, client,
                                                                      login, make_user):
    tree, _ = semarang
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    url, key = request_bundle(client, tree.city["semarang"])
    job = job_row(key)
    assert job.state == JobState.FAILED and job.failure == jobs.QUEUE_UNAVAILABLE
    page = client.get(url).get_data(as_text=True)
    assert "antrean pekerjaan latar tidak dapat dihubungi" in page and REFRESH not in page


# --- consumers in threads ----------------------------------------------------------------------------

def test_a_bundle_end_to_end_through_the_pages(app, semarang, client, login, make_user):
    tree, _ = semarang
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    url, key = request_bundle(client, tree.city["semarang"])
    with consumer_thread(app, workers=2):
        wait_for(lambda: REFRESH not in fresh_page(client, url), 120, "the status page to settle")
    page = client.get(url).get_data(as_text=True)
    assert "Paket siap: 3 tulisan." in page and "/unduh" in page and REFRESH not in page
    download = client.get(f"{url}/unduh")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert sum(n.endswith(".html") for n in archive.namelist()) == 3
        assert sum(n.endswith(".jpg") for n in archive.namelist()) == 6
    download.close()
    job = job_row(key)
    assert job.state == JobState.DONE and job.attempt == 1 and job.progress_done == job.progress_total == 3
    assert sorted(p.name for p in jobs.export_dir(app).iterdir()) == [f"{key}.zip"]  # no partial file left


def test_a_task_delivered_twice_builds_once(app, semarang, client, login, make_user):
    tree, _ = semarang
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    _, key = request_bundle(client, tree.city["semarang"])
    job = job_row(key)
    tasks.queue_of(app).task(jobs.RUN_TASK)(job.id, 1)  # the same message again
    with consumer_thread(app, workers=1):
        wait_for_state(key, "done")
        wait_for(lambda: tasks.queue_of(app).huey.pending_count() == 0, 60, "the second message to be taken")
    result = jobs.export_dir(app) / f"{key}.zip"
    built = result.stat().st_mtime_ns
    assert jobs.run(job.id, 1) == "skipped"  # and once more, by hand: nothing happens
    assert jobs.run(job.id, 2) == "skipped"  # an attempt the job never reached
    assert result.stat().st_mtime_ns == built
    job = job_row(key)
    assert job.state == JobState.DONE and job.attempt == 1
    assert sorted(p.name for p in jobs.export_dir(app).iterdir()) == [f"{key}.zip"]


def test_a_stale_attempt_cannot_finish_a_job_that_moved_on(app, semarang, make_user):
    """An attempt whose lease was taken back (its consumer only seemed dead) stops at its next heartbeat and
    leaves the job to the next attempt; its partial file goes."""
    tree, _ = semarang
    owner = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    with app.test_request_context():
        key = bundle_jobs.start_bundle_job(owner.id, bundle_jobs.BundleSpec("city", tree.city["semarang"].id,
                                                                            PERIOD))
    job = job_row(key)
    run = jobs.claim(job.id, 1)
    assert run is not None and jobs.claim(job.id, 1) is None  # one claim per attempt
    run.partial.write_bytes(b"half a zip")
    assert jobs.retry_or_fail(job.id, 1, jobs.WORKER_LOST, "") == "retried"
    assert not run.partial.exists()
    with pytest.raises(jobs.LeaseLost):
        run.progress(3, 3)
    run.partial.write_bytes(b"half a zip")
    with pytest.raises(jobs.LeaseLost):
        jobs.finish(run)
    assert not (jobs.export_dir(app) / f"{key}.zip").exists()
    job = job_row(key)
    assert job.state == JobState.QUEUED and job.attempt == 2 and job.failure == jobs.WORKER_LOST
    assert jobs.retry_or_fail(job.id, 1, jobs.WORKER_LOST, "") == "skipped"  # a second reaper: nothing


@pytest.fixture
def failing_job(app, make_tree, make_user):
    """A bundle of a city that is not there (removed after it was asked for): building it raises."""
    make_tree()
    owner = make_user(Role.DATA_MANAGER, None)
    app.config.update(JOB_MAX_ATTEMPTS=2, JOB_RETRY_DELAY_SECONDS=0)
    with app.test_request_context():
        job = jobs.create_job(bundle_jobs.KIND, {"scope": "city", "node_id": 987654, "period": PERIOD,
                                                 "selection": "sent"}, user_id=owner.id, result_name="paket.zip")
    return owner, job.key


def test_a_failing_job_is_retried_then_shown_failed_with_the_reason(app, failing_job, client, login):
    owner, key = failing_job
    with consumer_thread(app, workers=1):
        job = wait_for_state(key, "failed")
    assert job.attempt == 2 and job.failure == jobs.ERROR and job.failure_detail == "AttributeError"
    assert job.finished_at is not None
    assert list(jobs.export_dir(app).iterdir()) == []  # both attempts' partial files removed
    login(owner)
    page = client.get(f"/laporan/paket/{key}").get_data(as_text=True)
    assert "Paket gagal dibuat" in page and "AttributeError, 2 kali percobaan" in page
    assert REFRESH not in page and retry_form_action(page) == f"/laporan/paket/{key}/ulang"
    assert client.get(f"/laporan/paket/{key}/unduh").status_code == 404
    assert client.post(f"/laporan/paket/{key}/ulang").status_code == 404  # the city is gone: nothing to retry


def test_retry_of_an_unfinished_or_done_job_starts_nothing(app, semarang, client, login, make_user):
    tree, _ = semarang
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    url, _ = request_bundle(client, tree.city["semarang"])
    response = client.post(f"{url}/ulang")
    assert response.status_code == 302 and response.headers["Location"] == url
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 1


# --- who may see a job -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["demak_dm", "semarang_dm_2", "kmw_dm", "national_dm", "admin", "writer"])
def test_only_the_requester_sees_downloads_or_retries_a_job(who, app, semarang, client, login, make_user):
    tree, _ = semarang
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    url, key = request_bundle(client, tree.city["semarang"])
    with consumer_thread(app, workers=1):
        wait_for_state(key, "done")
    failed_url, failed_key = request_bundle(client, tree.city["semarang"])  # no consumer runs now
    db.session.execute(db.update(Job).where(Job.key == failed_key).values(state=JobState.FAILED,
                                                                         failure=jobs.WORKER_LOST))
    db.session.commit()
    assert client.get(f"{url}/unduh").status_code == 200
    assert retry_form_action(client.get(failed_url).get_data(as_text=True))
    client.post("/akun/keluar")
    assert client.get(url).status_code == 302 and "/akun/masuk" in client.get(url).headers["Location"]
    other = {
        "demak_dm": lambda: make_user(Role.DATA_MANAGER, tree.city["demak"]),
        "semarang_dm_2": lambda: make_user(Role.DATA_MANAGER, tree.city["semarang"]),
        "kmw_dm": lambda: make_user(Role.DATA_MANAGER, tree.kmw["A"]),
        "national_dm": lambda: make_user(Role.DATA_MANAGER, None),
        "admin": lambda: make_user(Role.ADMIN, None),
        "writer": lambda: make_user(Role.WRITER, tree.team["semarang-TF01"]),
    }[who]()
    login(other)
    jobs_before = db.session.scalar(db.select(db.func.count()).select_from(Job))
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/unduh").status_code == 404
    assert client.get(failed_url).status_code == 404
    assert client.post(f"{failed_url}/ulang").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == jobs_before
    for bad in ("not-a-job", "x" * 32, "a" * 65, key.upper() if key.upper() != key else key.lower()):
        assert client.get(f"/laporan/paket/{bad}").status_code == 404


# --- the daily sweep ---------------------------------------------------------------------------------

def test_finished_jobs_and_their_files_go_after_a_day(app, make_tree, make_user):
    make_tree()
    owner = make_user(Role.DATA_MANAGER, None)
    folder = jobs.export_dir(app)
    now = datetime.now(UTC)
    for key, age in (("a" * 32, 25), ("b" * 32, 1)):
        (folder / f"{key}.zip").write_bytes(b"zip")
        db.session.add(Job(key=key, kind="bundle", parameters_json="{}", user_id=owner.id, state=JobState.DONE,
                           result_name="p.zip", result_file=f"{key}.zip", failure_detail="",
                           created_at=now - timedelta(hours=age), updated_at=now - timedelta(hours=age),
                           finished_at=now - timedelta(hours=age)))
    db.session.commit()
    tasks.queue_of(app).task(jobs.SWEEP_TASK)()  # the hourly periodic task, enqueued now
    with consumer_thread(app, workers=1):
        wait_for(lambda: job_row("a" * 32) is None, 60, "the sweep")
    assert job_row("b" * 32) is not None
    assert sorted(p.name for p in folder.iterdir()) == [f"{'b' * 32}.zip"]
