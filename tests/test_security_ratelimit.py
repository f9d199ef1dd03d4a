"""Login rate limiting holds across several gunicorn workers, through Redis.

A real server: gunicorn with two sync workers on a migrated database, Flask-Limiter storing its counters in
Redis under a key prefix of its own. Failed logins go over fresh connections, two at a time, so both workers
answer (the access log records which worker answered). With the limit of 10 a minute, exactly 10 attempts are
answered normally and the rest get 429: the workers share one count.

Redis: see ``browser_support.redis_url`` (the one on 127.0.0.1:6379, else a private ``redis-server``). With
neither, the test is skipped with the reason, except in CI (``CI`` or ``REQUIRE_BROWSER=1``), where it fails.

When the counters' storage fails (issue #15, item 4) sign-in must go on: the limits fall back to each worker's
memory with a warning in the log, and go back to Redis once it answers. Tested with a Redis address nothing
listens on, and with a private ``redis-server`` stopped and started again in the middle of a run.
"""
from __future__ import annotations

import http.cookiejar
import logging
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_support import (
    ROOT,
    flask_cli,
    free_port,
    in_ci,
    redis_answers,
    redis_url,
    server_env,
    throwaway_database,
)

from portal.extensions import limiter
from portal.models.people import Role
from tests.support import PASSWORD

LIMIT = 10
ATTEMPTS = 12


@contextmanager
def gunicorn(env: dict, workers: int = 2):
    """``gunicorn -w 2 -b 127.0.0.1:<port> 'portal:create_app()'``, with the worker pid in the access log."""
    port = free_port()
    instance = Path(env["PORTAL_INSTANCE_PATH"])
    access, errors = instance / "access.log", instance / "error.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "60",
         "--access-logfile", str(access), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
         "--error-logfile", str(errors), "portal:create_app()"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120  # a busy CI machine boots workers slowly
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/akun/masuk", timeout=10).read()
                break
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(errors.read_text() if errors.exists() else "gunicorn did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", access
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Browser:
    """A cookie jar and urllib: every request goes over a fresh connection (urllib does not keep them alive)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_login_limit_is_shared_by_two_gunicorn_workers(tmp_path):
    with redis_url() as redis, throwaway_database(tmp_path) as database_url:
        instance = tmp_path / "instance"
        instance.mkdir()
        prefix = f"bp-test-{uuid.uuid4().hex}"
        (instance / "config.py").write_text(
            f"RATELIMIT_STORAGE_URI = {redis!r}\nRATELIMIT_KEY_PREFIX = {prefix!r}\n"
            f"LOGIN_RATE_LIMIT = '{LIMIT} per minute'\n"
        )
        env = server_env(database_url, instance)
        env.pop("RATELIMIT_STORAGE_URI", None)  # the instance config decides, as in production
        flask_cli(env, "db-upgrade")
        with gunicorn(env) as (base, access_log):
            browser = Browser(base)
            status, _, page = browser.request("/akun/masuk")
            assert status == 200
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

            def attempt(i: int):
                return browser.request("/akun/masuk", {"csrf_token": token, "email": f"tamu{i}@uji.bp.id",
                                                       "password": "bukan-kata-sandinya"})

            results = []
            with ThreadPoolExecutor(max_workers=2) as pool:
                for start in range(0, ATTEMPTS, 2):
                    results.extend(pool.map(attempt, range(start, start + 2)))
            time.sleep(0.5)  # let gunicorn flush the access log
        import redis as redis_client

        store = redis_client.Redis.from_url(redis)
        counters = store.keys(f"*{prefix}*")
        assert counters, "the counters must live in Redis under the configured prefix"
        store.delete(*counters)
        statuses = [status for status, _, _ in results]
        assert statuses.count(200) == LIMIT, statuses
        assert statuses.count(429) == ATTEMPTS - LIMIT, statuses
        assert all("Email atau kata sandi salah." in body for status, _, body in results if status == 200)
        refused = [(headers, body) for status, headers, body in results if status == 429]
        assert all(int(h["Retry-After"]) > 0 and "Terlalu banyak percobaan" in b for h, b in refused)
        assert all("Traceback" not in b for _, b in refused)
        posts = [line.split() for line in access_log.read_text().splitlines() if " POST /akun/masuk " in line]
        assert len(posts) == ATTEMPTS
        assert len({pid for pid, *_ in posts}) == 2, "both workers must have answered logins"


# --- the counters' storage fails: sign-in goes on (issue #15, item 4) ---------------------------------------

FALLBACK_WARNING = "Rate limit storage unreachable - falling back to in-memory storage"
WRONG = "bukan-kata-sandinya"


class PrivateRedis:
    """A ``redis-server`` of this test alone on a fixed port, which the test may stop and start again."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            reason = "redis-server is not installed (apt-get install redis-server)"
            if in_ci():
                pytest.fail(reason)
            pytest.skip(reason)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not redis_answers(self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                pytest.fail("could not start a private redis-server")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def client(self):
        import redis as redis_client

        return redis_client.Redis.from_url(self.url)


@pytest.fixture
def limiter_back_on_its_storage():
    """``portal.extensions.limiter`` is one object for every app of this process, and remembers that its storage
    failed: put it back on its storage so that the next test's app starts as a fresh worker would."""
    yield
    limiter._storage_dead = False


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _sign_in(app, email: str, password: str, address: str = "203.0.113.9"):
    return app.test_client().post("/akun/masuk", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def unreachable_storage(app_config, limiter_back_on_its_storage):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}")


def test_unreachable_redis_falls_back_to_memory(unreachable_storage, app, make_user, caplog):
    writer = make_user(Role.WRITER, email="penulis@uji.bp.id")
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        answer = _sign_in(app, writer.email, PASSWORD)
        assert answer.status_code == 302 and answer.headers["Location"] == "/"
        assert FALLBACK_WARNING in caplog.text
        # The limits still hold, counted in this worker's memory.
        codes = [_sign_in(app, "sasaran@uji.bp.id", WRONG, address=f"10.0.0.{i}").status_code for i in range(11)]
        assert codes == [200] * 10 + [429]
        assert [_sign_in(app, f"semprot{i}@uji.bp.id", WRONG, address="10.9.9.9").status_code
                for i in range(61)] == [200] * 60 + [429]
        assert _sign_in(app, writer.email, PASSWORD, address="10.8.8.8").status_code == 302
    assert caplog.text.count(FALLBACK_WARNING) == 1, "one warning when it falls back, not one per request"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_redis_stopped_mid_run_then_back(private_redis, app_config, make_user, caplog, limiter_back_on_its_storage):
    from portal import create_app
    from portal.extensions import db

    prefix = f"bp-test-{uuid.uuid4().hex}"
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=private_redis.url, RATELIMIT_KEY_PREFIX=prefix)
    app = create_app(dict(app_config), instance_path=str(Path(app_config["UPLOAD_DIR"]).parent / "instance-redis"))
    with app.app_context():
        from portal.auth.passwords import hash_password
        from portal.models.people import RoleAssignment, User

        db.create_all()
        user = User(email="hadir@uji.bp.id", name="Hadir", password_hash=hash_password(PASSWORD))
        user.roles.append(RoleAssignment(role=Role.READER))
        db.session.add(user)
        db.session.commit()
    store = private_redis.client()

    assert [_sign_in(app, "dicoba@uji.bp.id", WRONG).status_code for _ in range(3)] == [200] * 3
    assert store.dbsize() > 0, "while Redis answers, the counters live there"

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        assert _sign_in(app, "hadir@uji.bp.id", PASSWORD).status_code == 302
        assert FALLBACK_WARNING in caplog.text
        codes = [_sign_in(app, "dicoba@uji.bp.id", WRONG, address=f"10.1.0.{i}").status_code for i in range(11)]
        assert codes == [200] * 10 + [429], "the limits hold in memory (its count starts afresh)"

        private_redis.start()
        store = private_redis.client()
        deadline = time.monotonic() + 70  # Flask-Limiter asks again after 1, 2, 4 ... 32 s
        attempt = 0
        while store.dbsize() == 0:
            assert time.monotonic() < deadline, "the limiter never went back to Redis"
            attempt += 1
            assert _sign_in(app, f"kembali{attempt}@uji.bp.id", WRONG).status_code == 200
            time.sleep(0.5)
    assert _sign_in(app, "hadir@uji.bp.id", PASSWORD).status_code == 302
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_gunicorn_with_redis_unreachable_signs_in_and_logs_the_fallback(tmp_path):
    """The production set-up, Redis down from the start: sign-in works, the limits hold per worker, and the
    warning reaches gunicorn's error log (Flask-Limiter's logger has no handler of its own)."""
    with throwaway_database(tmp_path) as database_url:
        instance = tmp_path / "instance"
        instance.mkdir()
        (instance / "config.py").write_text(f"RATELIMIT_STORAGE_URI = 'redis://127.0.0.1:{free_port()}'\n")
        env = server_env(database_url, instance)
        env.pop("RATELIMIT_STORAGE_URI", None)
        flask_cli(env, "db-upgrade")
        token = re.search(r"/akun/atur-sandi/(\S+)", flask_cli(env, "create-admin", "--email", "admin@uji.bp.id"))
        with gunicorn(env, workers=1) as (base, _access_log):
            browser = Browser(base)
            status, _, page = browser.request(f"/akun/atur-sandi/{token.group(1)}")
            assert status == 200
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            status, _, _ = browser.request(f"/akun/atur-sandi/{token.group(1)}", {
                "csrf_token": csrf, "password": "sawah-hijau-subur-77", "confirm": "sawah-hijau-subur-77"})
            assert status == 302


            def attempt(password: str) -> tuple[int, dict, str]:
                fresh = Browser(base)
                _, _, form = fresh.request("/akun/masuk")
                csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
                return fresh.request("/akun/masuk", {"csrf_token": csrf, "email": "admin@uji.bp.id",
                                                     "password": password})

            status, headers, _ = attempt("sawah-hijau-subur-77")
            assert status == 302 and headers["Location"] == "/"
            answers = [attempt(WRONG) for _ in range(11)]
            assert [status for status, _, _ in answers] == [200] * 10 + [429]
            assert int(answers[-1][1]["Retry-After"]) > 0
            assert "Terlalu banyak percobaan masuk" in answers[-1][2]
            time.sleep(0.5)  # let gunicorn flush its error log
        log = (instance / "error.log").read_text()
        assert FALLBACK_WARNING in log
        assert "Traceback" not in log
