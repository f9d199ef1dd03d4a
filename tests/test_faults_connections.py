"""PostgreSQL drops the portal's connections (a restart, an administrator's pg_terminate_backend) while gunicorn
runs it with ONE sync worker: every answer is the portal's own page (never gunicorn's bare "Internal Server
Error"), and the request after the one that met the dropped connection succeeds on the same worker.

The connections are terminated from the test, between two requests (the worker's pooled connection is dead when
the next request takes it) and in the middle of a request (the test holds a lock the request waits for, then
terminates every backend of the database but its own). The in-process tests of each way the end of a request
can fail are in tests/test_db_transactions.py.
"""
from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.browser_support import flask_cli, live_server, server_env, throwaway_database
from tests.support import PASSWORD, requires_postgres

pytestmark = requires_postgres

GUNICORN_BARE_PAGE = "<h1><p>Internal Server Error</p></h1>"


class Browser:
    """One cookie jar and its CSRF token; a new connection per request, redirects not followed."""

    def __init__(self, base: str):
        self.host, self.port = urllib.parse.urlsplit(base).netloc.split(":")
        self.cookie = ""

    def request(self, method: str, path: str, fields: dict | None = None):
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=60)
        headers = {"Cookie": self.cookie}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        page = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, page

    def sign_in(self, email: str) -> None:
        _, _, page = self.request("GET", "/akun/masuk")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, _ = self.request("POST", "/akun/masuk", {"csrf_token": token, "email": email, "password": PASSWORD})
        assert status == 302


def _seed_writer(database_url: str, tmp_path: Path) -> str:
    from portal import create_app
    from portal.auth.passwords import hash_password
    from portal.extensions import db
    from portal.models import City, Kmw, Province, Region, Role, RoleAssignment, Team, TeamKind, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": str(tmp_path / "uploads"),
                      "SECRET_KEY": "k"}, instance_path=str(tmp_path / "seeder"))
    with app.app_context():
        kmw = Kmw(code="KMW-K", name="KMW Uji", region=Region(code="WK", name="Wilayah Uji"))
        city = City(code="9999", name="Kota Uji", province=Province(code="99", name="Provinsi Uji", kmw=kmw))
        team = Team(code="9999-TF01", name="TF 01", kind=TeamKind.TF, city=city)
        user = User(email="penulis@uji.bp.id", name="Penulis Uji", password_hash=hash_password(PASSWORD))
        user.roles.append(RoleAssignment(role=Role.WRITER, team=team))
        db.session.add_all([kmw, user])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return "penulis@uji.bp.id"


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    """The portal under gunicorn with one sync worker, its database, and a signed-in writer's browser."""
    tmp = tmp_path_factory.mktemp("connections")
    with throwaway_database(tmp) as url:
        env = server_env(url, tmp / "instance", PAGE_CACHE="none")  # every request reads the database
        (tmp / "instance").mkdir()
        # A pooled connection is used unchecked, however long it idled: the request after the termination meets
        # the dead connection even on a slow machine (by default only one idle for less than 5 s is).
        (tmp / "instance" / "config.py").write_text("DB_PING_IDLE_SECONDS = 3600\n")
        flask_cli(env, "db-upgrade")
        email = _seed_writer(url, tmp)
        admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)  # it terminates its own too
        try:
            with live_server(env, workers=1) as base:
                writer = Browser(base)
                writer.sign_in(email)
                yield base, writer, admin, Path(env["PORTAL_INSTANCE_PATH"]) / "gunicorn.log"
        finally:
            admin.dispose()


def _terminate_all(admin) -> int:
    """pg_terminate_backend for every backend of the database but the test's own."""
    with admin.connect() as conn:
        return conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()


def _assert_portal_page(status: int, headers, page: str, expected: tuple[int, ...], title: str | None = None):
    assert status in expected, (status, page[:300])
    assert GUNICORN_BARE_PAGE not in page and "Traceback" not in page
    assert "Content-Security-Policy" in headers  # made by the portal, not by gunicorn
    if title:
        assert title in page


def _assert_worker_survived(log: Path) -> None:
    text_ = log.read_text()
    assert "Error handling request" not in text_, text_[-3000:]  # gunicorn's trace of an exception it caught
    assert len(re.findall(r"Booting worker", text_)) == 1, text_[-3000:]  # the same worker answered throughout


@pytest.mark.parametrize("who,path,answers,title", [
    ("writer", "/tidak-ada", (404,), "Halaman tidak ditemukan"),  # the first query is the error page's own
    ("writer", "/tulisan/", (503,), "Layanan sedang tidak tersedia"),
    ("writer", "/", (503,), "Layanan sedang tidak tersedia"),
    ("anonymous", "/elearning/", (503,), "Layanan sedang tidak tersedia"),
])
def test_connection_dropped_between_two_requests(one_worker, who, path, answers, title):
    base, writer, admin, log = one_worker
    browser = writer if who == "writer" else Browser(base)
    assert browser.request("GET", "/tulisan/" if who == "writer" else "/elearning/")[0] == 200  # uses its connection
    assert _terminate_all(admin) >= 1
    _assert_portal_page(*browser.request("GET", path), answers, title)  # met the dead connection
    status, _, page = browser.request("GET", "/tulisan/" if who == "writer" else "/elearning/")
    assert status == 200, page[:300]
    _assert_worker_survived(log)


@contextmanager
def _holding_lock(admin, table: str):
    """A transaction of the test's own that holds an exclusive lock on ``table``: any request reading it waits."""
    with admin.connect() as conn:
        conn.execution_options(isolation_level="READ COMMITTED")
        transaction = conn.begin()
        conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        try:
            yield conn
        finally:
            transaction.rollback()


def _wait_for_a_waiting_request(admin, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with admin.connect() as conn:
            waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                        "AND wait_event_type = 'Lock'")).scalar()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the request never waited for the lock")


@pytest.mark.parametrize("who,path,table", [
    ("writer", "/tulisan/", "user_account"),  # signing the writer in is the request's first read
    ("anonymous", "/elearning/", "piece"),
])
def test_connection_dropped_in_the_middle_of_a_request(one_worker, who, path, table):
    base, writer, admin, log = one_worker
    browser = writer if who == "writer" else Browser(base)
    answers = []
    with _holding_lock(admin, table) as holder:
        request = threading.Thread(target=lambda: answers.append(browser.request("GET", path)))
        request.start()
        _wait_for_a_waiting_request(admin)
        holder.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    request.join(timeout=60)
    assert answers, "no answer"
    _assert_portal_page(*answers[0], (503,), "Layanan sedang tidak tersedia")
    assert "jangan tutup halaman ini" in answers[0][2]
    status, _, page = browser.request("GET", path)
    assert status == 200, page[:300]
    _assert_worker_survived(log)
