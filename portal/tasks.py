"""The task queue: a huey instance made from the app's settings, and the consumer that runs its tasks.

``TASK_QUEUE_URL`` chooses the storage: ``sqlite`` (default: ``instance/task_queue.db``, the web workers and
consumers of one machine), ``sqlite:///PATH`` (another file) or ``redis://host:port/db`` (any number of consumers
on any number of machines). A malformed value stops the start-up with a message saying what to write.

Every app has its own huey instance (``app.extensions["task_queue"]``), made when first used, so that a web
worker that never enqueues opens nothing. Features add their tasks with :func:`on_queue`, given the huey instance
and the app; a task body runs inside ``app.app_context()`` (see :func:`in_app_context`).

A consumer (``flask --app portal worker``) runs the tasks in threads of its own process, each in its own app
context and so with its own database session. SIGTERM stops it at once, SIGINT after the running tasks finish
(or ``STOP_TIMEOUT_SECONDS``); a task still running is abandoned and its job queued again (``portal/jobs.py``).
"""
from __future__ import annotations

import functools
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app
from huey import PriorityRedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from portal.config import ConfigurationError
from portal.extensions import db

log = logging.getLogger(__name__)

EXTENSION = "task_queue"
SQLITE_DEFAULT_FILE = "task_queue.db"
STOP_TIMEOUT_SECONDS = 10


class TaskQueueSettingError(ConfigurationError):
    """A setting of the task queue or the jobs the portal cannot work with (``TASK_QUEUE_URL`` malformed, ...);
    the message says what to write instead. It stops the start-up, as one line on the command line."""


class TaskQueueUnavailable(Exception):
    """The queue's storage does not answer (Redis down, the SQLite file not writable)."""


@dataclass(frozen=True)
class QueueStorage:
    """Where the queue lives: ``kind`` "sqlite" (``location`` a file path) or "redis" (``location`` a URL)."""

    kind: str
    location: str

    def describe(self) -> str:
        return f"SQLite {self.location}" if self.kind == "sqlite" else self.location


def parse_queue_url(value: str, instance_path: str) -> QueueStorage:
    """``sqlite``, ``sqlite:///PATH`` (relative to the instance folder) or ``redis://[:password@]host[:port][/db]``."""
    text = (value or "").strip()
    help_text = ("tulis 'sqlite' (berkas di folder instance), 'sqlite:///path/ke/antrean.db' atau "
                 "'redis://host:6379/0'")
    if text == "sqlite":
        return QueueStorage("sqlite", str(Path(instance_path) / SQLITE_DEFAULT_FILE))
    if text.startswith("sqlite:///") and len(text) > len("sqlite:///"):
        path = Path(text[len("sqlite:///"):])
        return QueueStorage("sqlite", str(path if path.is_absolute() else Path(instance_path) / path))
    try:
        parts = urlsplit(text)
        port = parts.port  # a port that is not a number raises ValueError
    except ValueError:
        raise TaskQueueSettingError(f"TASK_QUEUE_URL {value!r} bukan alamat antrean: {help_text}.") from None
    if parts.scheme in ("redis", "rediss"):
        database = parts.path.lstrip("/")
        if not parts.hostname or (database and not database.isdigit()) or parts.query or parts.fragment:
            raise TaskQueueSettingError(
                f"TASK_QUEUE_URL {value!r}: alamat Redis berisi host dan paling banyak nomor basis data, "
                f"misalnya redis://127.0.0.1:6379/0.")
        if port is not None and not 0 < port < 65536:
            raise TaskQueueSettingError(f"TASK_QUEUE_URL {value!r}: port harus antara 1 dan 65535.")
        return QueueStorage("redis", text)
    raise TaskQueueSettingError(f"TASK_QUEUE_URL {value!r} bukan alamat antrean: {help_text}.")


def check_settings(app: Flask) -> None:
    """Stop the start-up on settings the jobs cannot work with."""
    parse_queue_url(app.config["TASK_QUEUE_URL"], app.instance_path)
    name = app.config["TASK_QUEUE_NAME"]
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", str(name or "")):
        raise TaskQueueSettingError(f"TASK_QUEUE_NAME {name!r}: hanya huruf, angka dan _ . : - (paling banyak 100).")
    for key, least in (("JOB_LEASE_SECONDS", 1), ("JOB_MAX_ATTEMPTS", 1), ("JOB_RETRY_DELAY_SECONDS", 0)):
        value = app.config[key]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < least:
            raise TaskQueueSettingError(f"{key} {value!r}: tulis bilangan, paling kecil {least}.")


def make_huey(app: Flask) -> Huey:
    storage = parse_queue_url(app.config["TASK_QUEUE_URL"], app.instance_path)
    name = app.config["TASK_QUEUE_NAME"]
    if storage.kind == "sqlite":
        Path(storage.location).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=storage.location, results=False, timeout=15)
    return PriorityRedisHuey(name, url=storage.location, results=False)


@dataclass
class TaskQueue:
    """The app's huey instance, made on first use with every task that :func:`on_queue` registered."""

    app: Flask
    registrars: list[Callable[[Huey, Flask], dict]] = field(default_factory=list)
    _huey: Huey | None = None
    tasks: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def huey(self) -> Huey:
        with self._lock:
            if self._huey is None:
                huey = make_huey(self.app)
                for register in self.registrars:
                    self.tasks.update(register(huey, self.app))
                self._huey = huey
            return self._huey

    def task(self, name: str):
        """A registered task by name: calling it enqueues it."""
        self.huey  # noqa: B018  (makes the instance, which registers the tasks)
        return self.tasks[name]

    def describe(self) -> str:
        return parse_queue_url(self.app.config["TASK_QUEUE_URL"], self.app.instance_path).describe()

    def check(self) -> None:
        """Raise :class:`TaskQueueUnavailable` unless the storage answers (a consumer checks before it starts)."""
        try:
            huey = self.huey
            huey.pending_count()
        except Exception as exc:  # sqlite3 or redis errors, whichever storage it is
            raise TaskQueueUnavailable(f"Antrean pekerjaan latar ({self.describe()}) tidak dapat dihubungi: "
                                       f"{exc}. Periksa TASK_QUEUE_URL.") from exc


def init_app(app: Flask) -> None:
    check_settings(app)
    app.extensions[EXTENSION] = TaskQueue(app)


def on_queue(app: Flask, register: Callable[[Huey, Flask], dict]) -> None:
    """``register(huey, app)`` adds tasks to the app's huey instance and returns them by name."""
    app.extensions[EXTENSION].registrars.append(register)


def queue_of(app: Flask | None = None) -> TaskQueue:
    return (app or current_app).extensions[EXTENSION]


def in_app_context(app: Flask, func: Callable) -> Callable:
    """``func`` run inside an app context of its own, its database session removed afterwards."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return run


# --- the consumer --------------------------------------------------------------------------------

class PortalConsumer(Consumer):
    """huey's consumer; ``handle_signals=False`` when it runs inside another program (a test) that keeps its own
    signal handlers."""

    def __init__(self, huey: Huey, *, handle_signals: bool = True, **options):
        self.handle_signals = handle_signals
        super().__init__(huey, **options)

    def _set_signal_handlers(self):
        if self.handle_signals:
            super()._set_signal_handlers()


def make_consumer(app: Flask, workers: int = 2, *, periodic: bool = True, handle_signals: bool = True) -> Consumer:
    """A consumer of the app's queue with ``workers`` threads; ``periodic`` runs the periodic tasks too."""
    return PortalConsumer(queue_of(app).huey, handle_signals=handle_signals, workers=workers, periodic=periodic,
                          worker_type="thread", max_delay=2.0, shutdown_timeout=STOP_TIMEOUT_SECONDS,
                          check_worker_health=True, health_check_interval=10)


def run_consumer(app: Flask, workers: int, *, parent_pid: int | None = None) -> None:
    """Run a consumer in the foreground until SIGINT or SIGTERM (``flask --app portal worker``).
    ``parent_pid``: also stop once that process, which started this one, is gone (the quick start's consumer)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    consumer = make_consumer(app, workers)
    if parent_pid:
        _watch_parent(parent_pid)
    log.info("consumer of %s started with %d worker thread(s)", queue_of(app).describe(), workers)
    consumer.run()


def _watch_parent(parent: int) -> None:
    """SIGTERM to this process once its parent has gone (it is then adopted by another), even if that happened
    while this one was starting: a parent killed with SIGKILL leaves no consumer behind."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        log.warning("the process that started this consumer is gone: stopping")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


# --- the quick start's consumer ------------------------------------------------------------------

def start_worker_process(workers: int = 1) -> subprocess.Popen:
    """``flask --app portal worker`` as a child process, with this process's environment (same instance), that
    stops by itself if this process dies."""
    command = [sys.executable, "-m", "flask", "--app", "portal", "worker", "--workers", str(workers),
               "--parent-pid", str(os.getpid())]
    return subprocess.Popen(command, env=dict(os.environ))


def stop_worker_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not stopped after ``STOP_TIMEOUT_SECONDS``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
