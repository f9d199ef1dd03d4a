"""A real server process and headless Chromium for the browser tests.

The server is gunicorn with two workers, on its own database (a temp SQLite file, or a throw-away
PostgreSQL database when TEST_DATABASE_URL is set), migrated and loaded the way an operator would.
Screenshots go to ``test-artifacts/`` (not committed).
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support import create_database, drop_database, on_postgres, postgres_admin, suite_clock_shift

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def require_browser() -> None:
    """Skip visibly when Chromium or Playwright is missing; in CI (REQUIRE_BROWSER=1) fail instead."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but {missing}")
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_database(tmp_path: Path):
    """Yield a database URL of its own: PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file."""
    if not on_postgres():
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    with _postgres_database() as url:
        yield url


@contextmanager
def _postgres_database(template: str | None = None):
    """A PostgreSQL database of its own (a copy of ``template`` if given), dropped afterwards."""
    name = f"bp_live_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin()
    try:
        with admin.connect() as conn:
            create_database(conn, name, template)
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            drop_database(conn, name)
        admin.dispose()


_demo_template: tuple[str, Path] | None = None  # (database URL, uploads folder) of this process's loaded demo


def _loaded_demo() -> tuple[str, Path]:
    """The demo loaded once per test process, as an operator loads it (``db-upgrade``, then ``load-demo``, each
    in its own process), kept as a template: a SQLite file, or a PostgreSQL database the copies are made from.
    Loading it took 10-15 s per browser module; copying it takes well under one."""
    global _demo_template
    if _demo_template is None:
        folder = Path(tempfile.mkdtemp(prefix="bp-demo-"))
        atexit.register(shutil.rmtree, folder, True)
        if on_postgres():
            kept = ExitStack()  # the template database, dropped when the process ends
            atexit.register(kept.close)
            url = kept.enter_context(_postgres_database())
        else:
            url = f"sqlite:///{folder / 'demo.db'}"
        env = server_env(url, folder / "instance")
        flask_cli(env, "db-upgrade")
        flask_cli(env, "load-demo")
        _demo_template = url, folder / "instance" / "uploads"
    return _demo_template


@contextmanager
def demo_database(tmp_path: Path, instance: Path):
    """Yield the URL of a database of its own holding the demo (SQLite file or PostgreSQL database, as
    ``throwaway_database``), with the demo's photos in ``instance/uploads``: a copy of the process's loaded demo."""
    template, uploads = _loaded_demo()
    shutil.copytree(uploads, instance / "uploads", dirs_exist_ok=True)
    if not on_postgres():
        source = Path(make_url(template).database)
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", tmp_path / f"live.db{suffix}")
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    with _postgres_database(template=make_url(template).database) as url:
        yield url


def server_env(database_url: str, instance: Path, **extra: str) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "PORTAL_INSTANCE_PATH": str(instance), "SECRET_KEY": "live-test-key",
                "CLOCK_SHIFT_SECONDS": str(suite_clock_shift())})  # the suite's calendar, as in-process
    env.update(extra)
    return env


def flask_cli(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def gunicorn_args(workers: int = 2) -> list[str]:
    """Gunicorn as the README's Production section runs it: sync workers, no threads."""
    return ["-w", str(workers), "--timeout", "60"]


class Server:
    """gunicorn serving the portal on one loopback port. ``move_clock_to`` restarts it on the same port with the
    portal's clock moved (``CLOCK_SHIFT_SECONDS``), as a month passes: browser sessions survive (signed cookies)."""

    def __init__(self, env: dict, workers: int = 2):
        self.env, self.workers, self.port = dict(env), workers, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log = open(Path(env["PORTAL_INSTANCE_PATH"]) / "gunicorn.log", "a")

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *gunicorn_args(self.workers), "-b", f"127.0.0.1:{self.port}",
             "portal:create_app()"], env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(Path(self.log.name).read_text()) from None
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def move_clock_to(self, moment) -> None:
        """Restart with the portal's calendar reading ``moment`` (an aware datetime) now."""
        from portal import clock

        self.stop()
        self.env["CLOCK_SHIFT_SECONDS"] = str(clock.shift_to(moment))
        self.start()

    def close(self) -> None:
        self.stop()
        self.log.close()


@contextmanager
def running_server(env: dict, workers: int = 2):
    server = Server(env, workers)
    try:
        server.start()
        yield server
    finally:
        server.close()


@contextmanager
def live_server(env: dict, workers: int = 2):
    with running_server(env, workers) as server:
        yield server.base


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def clean_artifacts() -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def in_ci() -> bool:
    """CI must not skip what needs a service."""
    return bool(os.environ.get("CI")) or os.environ.get("REQUIRE_BROWSER") == "1"


@contextmanager
def redis_url():
    """Redis for a test: the one on 127.0.0.1:6379 when it answers, else a private ``redis-server``; with neither,
    skip (fail in CI)."""
    if redis_answers(6379):
        yield "redis://127.0.0.1:6379"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "Redis is not reachable on 127.0.0.1:6379 and redis-server is not installed (apt-get install redis-server)"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not redis_answers(port):
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("could not start a private redis-server")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
