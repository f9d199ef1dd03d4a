"""Login rate limiting holds across several gunicorn workers, through Redis.

A real server: gunicorn with two sync workers on a migrated database, Flask-Limiter storing its counters in
Redis under a key prefix of its own. Failed logins go over fresh connections, two at a time, so both workers
answer (the access log records which worker answered). With the limit of 10 a minute, exactly 10 attempts are
answered normally and the rest get 429: the workers share one count.

Redis: see ``browser_support.redis_url`` (the one on 127.0.0.1:6379, else a private ``redis-server``). With
neither, the test is skipped with the reason, except in CI (``CI`` or ``REQUIRE_BROWSER=1``), where it fails.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
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

from browser_support import ROOT, flask_cli, free_port, redis_url, server_env, throwaway_database

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
                    raise RuntimeError(errors.read_text() if errors.exists() else "gunicorn did not start")
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
