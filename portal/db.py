"""Database plumbing: SQLite pragmas, how a request's session ends, and Alembic migrations run from the app."""
from __future__ import annotations

import functools
import logging
import re
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_registered = False


def register_sqlite_pragmas() -> None:
    """WAL journal, foreign keys and a busy timeout on every SQLite connection."""
    global _registered
    if _registered:
        return
    _registered = True

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, connection_record):  # pragma: no cover - trivial
        module = type(dbapi_connection).__module__
        if not module.startswith("sqlite3"):
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# --- compiled statements -----------------------------------------------------------------------

class CompiledCache:
    """SQLAlchemy's cache of compiled statements, found by the statement's key object before its value.

    At every execution SQLAlchemy looks the statement up in its cache of compiled SQL by the statement's cache
    key: a nested tuple of everything the SQL depends on (1,932 items for the signed-in person's statement, more
    for a page's joined loads), which Python hashes again at every lookup (tuples do not keep their hash): about
    20-50 microseconds for that one statement, as much as SQLite takes to run it. A statement built once (the
    portal keeps its frequent ones at module level) keeps its key object for good (SQLAlchemy memoizes it on the
    statement), so here the compiled form is found first by the identity of that object, the dialect and the
    other parts of SQLAlchemy's key (a small tuple), and only then, for a key object not seen lately, by value in
    SQLAlchemy's own ``LRUCache``. The key objects found by identity are kept referenced by their entries, so an
    identity is never reused while it is in the cache. Set as the engine's ``compiled_cache`` execution option
    (``portal.register_extensions``); SQLAlchemy uses whatever cache object that option names.
    """

    def __init__(self, size: int = 500, by_identity: int = 500) -> None:
        from sqlalchemy.util import LRUCache

        self._by_value = LRUCache(size)
        self._by_identity: dict[tuple, tuple] = {}
        self._identity_size = by_identity

    @staticmethod
    def _identity(key: tuple) -> tuple:
        dialect, statement_key, *rest = key  # SQLAlchemy's key: (dialect, cache key tuple, column keys, flags...)
        return (id(dialect), id(statement_key), *rest)

    def _value_key(self, key: tuple) -> tuple:
        """The key by value: SQLAlchemy's own (the test suite shares one cache between its apps' dialects)."""
        return key

    def get(self, key, default=None):
        entry = self._by_identity.get(self._identity(key))
        if entry is not None and entry[0] is key[1] and entry[1] is key[0]:
            return entry[2]
        compiled = self._by_value.get(self._value_key(key))
        if compiled is None:
            return default
        self._keep(key, compiled)
        return compiled

    def __setitem__(self, key, compiled) -> None:
        self._by_value[self._value_key(key)] = compiled
        self._keep(key, compiled)

    def _keep(self, key, compiled) -> None:
        if len(self._by_identity) >= self._identity_size:
            self._by_identity.clear()  # statements built per request churn; the lasting ones come back at once
        self._by_identity[self._identity(key)] = (key[1], key[0], compiled)


# --- PostgreSQL cursors ------------------------------------------------------------------------
#
# SQLAlchemy reads ``cursor.description`` after every statement, but for a statement it has compiled before
# (every statement of a page after the worker's first requests) it only looks whether it is ``None``: the
# columns' names and types come from the compiled statement's cached result metadata. psycopg makes a new list
# of ``Column`` objects at each read (a name decoded and a type looked up per column, in Python): about 8 % of
# the worker's instructions on a score sheet (72 columns in 4 statements) and 7 % on a closed panel's results.
# The cursor below answers with the same columns, made when first read.

@functools.cache
def psycopg_cursor_factory():
    """The cursor class for psycopg connections (``connect_args={"cursor_factory": ...}``): psycopg's client
    cursor, whose ``description`` makes its ``Column`` objects when something reads one of them."""
    from collections.abc import Sequence

    import psycopg
    from psycopg.pq import ExecStatus

    returns_rows = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)
    plain_description = psycopg.Cursor.description.fget

    class _Result:
        """What ``psycopg.Column`` reads from its cursor, kept for one result."""

        __slots__ = ("pgresult", "_encoding", "adapters")

        def __init__(self, cursor, result):
            self.pgresult, self._encoding, self.adapters = result, cursor._encoding, cursor.adapters

    class Description(Sequence):
        """``cursor.description`` as psycopg gives it (a list of ``Column``), its columns made on first use
        from the result the cursor had when the description was taken."""

        __slots__ = ("_cursor", "_result", "_columns")

        def __init__(self, cursor, result):
            self._cursor, self._result, self._columns = cursor, result, None

        def _made(self) -> list:
            if self._columns is None:
                cursor = self._cursor
                if cursor.pgresult is not self._result:  # the cursor has gone on to another statement
                    cursor = _Result(cursor, self._result)
                self._columns = plain_description(cursor)
                self._cursor = None
            return self._columns

        def __len__(self) -> int:
            return self._result.nfields

        def __getitem__(self, index):
            return self._made()[index]

        def __iter__(self):
            return iter(self._made())

        def __eq__(self, other):
            return self._made() == (other._made() if isinstance(other, Description) else other)

        __hash__ = None

        def __repr__(self) -> str:
            return repr(self._made())

    class Cursor(psycopg.Cursor):
        @property
        def description(self):
            result = self.pgresult
            if result and (result.nfields or result.status in returns_rows):
                return Description(self, result)
            return None

    return Cursor


# --- ending a request's transaction --------------------------------------------------------------
#
# A request that only read ends its transaction with COMMIT instead of the ROLLBACK that closing the session
# would send. Both end a read-only transaction the same way, but psycopg forgets every prepared statement of
# the connection at a ROLLBACK. With COMMIT, a statement the worker has run five times is prepared once on its
# pooled connection and PostgreSQL stops parsing and planning it on every request (the user with their roles
# took 3 ms to plan). A transaction that wrote anything, or a request that failed, still ends with ROLLBACK.

_ONLY_READS = "portal_only_reads"  # on the pooled DBAPI connection's info: no statement but SELECT so far
_CONNECTION = "portal_connection"  # on the session's info: the connection of its current transaction
_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_tracking = False


def _track_reads() -> None:
    global _tracking
    if _tracking:
        return
    _tracking = True

    @event.listens_for(Session, "after_begin")
    def _began(session, transaction, connection):
        connection.info[_ONLY_READS] = True
        session.info[_CONNECTION] = connection

    @event.listens_for(Session, "after_transaction_end")
    def _ended(session, transaction):
        if transaction.parent is None:
            session.info.pop(_CONNECTION, None)

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        if executemany or not _READ.match(statement):
            conn.info[_ONLY_READS] = False


def select_rows(statement, params: dict | None = None):
    """Run a SELECT of plain columns (no mapped objects) on the request session's connection; returns its
    ``Result`` (``.all()``, ``.first()``, ``.one()``, ``.scalars()``).

    ``db.session.execute`` takes even a select of columns through the ORM's execution (its compile state, the
    ORM result and the session's execute events): about 100 microseconds a statement on the benchmarks'
    machine, as much as the statement itself (a piece's tier results 226 -> 113, its confirmations 176 -> 80,
    in-process on SQLite). The same transaction is used, and the session's pending changes are flushed first,
    as its own execute would (unless autoflush is off). Only for SELECT: writes go through the session, whose
    events see them (``portal.page_cache``)."""
    from portal.extensions import db

    session = db.session()
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending
    return session.connection().execute(statement, params or {})


def commit_if_only_read(session: Session) -> bool:
    """COMMIT the session's transaction when it ran nothing but SELECTs and holds no unflushed change.

    Never raises: it runs after the response is made, which a failure here must not replace. A connection the
    server dropped (a PostgreSQL restart, ``pg_terminate_backend``) leaves the transaction invalidated, or makes
    the COMMIT fail; either way the transaction is rolled back, and :func:`release_session` then lets go of it.
    """
    try:
        connection = session.info.get(_CONNECTION)
        if (connection is None or connection.invalidated or not session.in_transaction()
                or not connection.info.get(_ONLY_READS) or session.new or session.dirty or session.deleted):
            return False
        # The session is closed right after: expiring every object it loaded (the default at a commit) would be
        # work for nothing, a walk over the whole identity map at the end of each request.
        session.expire_on_commit = False
        session.commit()
        return True
    except Exception:  # the response is already made; a failed COMMIT of a read must not turn it into an error
        log.warning("COMMIT of a read-only transaction failed", exc_info=True)
        try:
            session.rollback()
        except Exception:
            log.warning("ROLLBACK after the failed COMMIT failed too", exc_info=True)
        return False


def release_session(scoped: scoped_session) -> None:
    """Close the current session and forget it, whatever state its connection is in; never raises.

    Closing ends the transaction with a ROLLBACK, which raises when the server has dropped the connection. The
    session is forgotten all the same, so the next request of this worker starts a new one on a fresh
    connection instead of finding this one still waiting for a rollback.
    """
    if not scoped.registry.has():
        return
    session = scoped.registry()
    try:
        session.close()
    except Exception:
        log.warning("closing the request's session failed; its connections are dropped", exc_info=True)
        try:
            session.invalidate()  # the pool forgets the connections instead of reusing them
        except Exception:
            log.warning("dropping the session's connections failed", exc_info=True)
    finally:
        scoped.registry.clear()


def end_request_sessions(app: Flask, db) -> None:
    """At the end of each application context (each request): COMMIT a transaction that only read, then close
    and forget the session, whatever happened. Registered after ``db.init_app``, so it runs before
    Flask-SQLAlchemy's own teardown (teardown functions run in reverse order), which then finds nothing to do.

    Nothing here may raise: an exception in a teardown function replaces the response with the WSGI server's
    bare error page, and skips the teardown functions after it, so the session would outlive its request.
    """
    _track_reads()

    @app.teardown_appcontext
    def _end_session(exc):
        if not db.session.registry.has():
            return
        if exc is None:
            commit_if_only_read(db.session())
        release_session(db.session)


# --- planner statistics ------------------------------------------------------------------------

def update_planner_statistics(engine: Engine) -> None:
    """After rows were loaded in bulk (a restore, the benchmark dataset), do what autovacuum would do some minutes
    later on PostgreSQL: VACUUM (the visibility map, without which no index-only scan pays off) and ANALYZE.

    Until then the planner takes freshly loaded tables for nearly empty: it read the 48,570 entries of the national
    dataset whole where an index finds a team's 24 (1.4 ms instead of 0.3 ms per request), and counted the
    published pieces per province from the table instead of the partial index made for it (12 ms instead of 2).
    SQLite plans without statistics unless ``ANALYZE`` was run once, and then keeps stale ones: left as it is.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # VACUUM: no transaction
        conn.execute(text("VACUUM ANALYZE"))


# --- checking pooled connections ---------------------------------------------------------------

_LAST_USED = "portal_last_used"


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use only when it has been idle for ``idle_seconds`` or more.

    SQLAlchemy's ``pool_pre_ping`` checks it before every use: one more round trip per request, for connections
    that were in use a moment ago. A dead connection (the server restarted, a firewall dropped it while idle) is
    replaced before the request uses it, as with ``pool_pre_ping``. A connection that dies while busy makes its
    request fail (the 503 page) and SQLAlchemy then replaces every connection of the pool.
    """
    if engine.dialect.name == "sqlite":  # a file: nothing to lose while idle
        return

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        last_used = record.info.get(_LAST_USED)
        if last_used is not None and time.monotonic() - last_used < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("idle connection lost") from error  # the pool connects again

    @event.listens_for(engine, "checkin")
    def _stamp(dbapi_connection, record):
        record.info[_LAST_USED] = time.monotonic()


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or current_app.config["SQLALCHEMY_DATABASE_URI"]).replace("%", "%%"))
    return cfg


def upgrade_database(revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on the app's database (inside an app context)."""
    command.upgrade(alembic_config(), revision)


def downgrade_database(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


# Objects made by raw DDL in migrations (full-text search) that the ORM metadata does not describe.
UNMODELLED_PREFIXES = ("piece_search", "ix_piece_fulltext")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: leave the raw-DDL search objects alone."""
    return not (reflected and compare_to is None and name and name.startswith(UNMODELLED_PREFIXES))
