"""How a request's transaction ends (portal/db.py): COMMIT when it only read, ROLLBACK otherwise.

The ``app`` fixture keeps one application context open for the whole test, so its requests never reach the
end-of-context teardown. These tests build their own app and let each request push and pop its own context,
as gunicorn does.
"""
from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import event, text

from portal import create_app
from portal.extensions import db
from portal.models.org import Region
from tests.support import requires_postgres


@pytest.fixture
def bare_config():
    """Settings of ``bare_app`` on top of the test app's; a test may change them before using ``bare_app``."""
    return {}


@pytest.fixture
def bare_app(app, app_config, bare_config, tmp_path):
    """A second app on the test database (schema and emptied tables from ``app``) with routes that read,
    write or fail, and no application context pushed."""
    other = create_app({**app_config, **bare_config}, instance_path=str(tmp_path / "instance-bare"))

    def read():
        return ",".join(r.code for r in db.session.scalars(db.select(Region).order_by(Region.code)))

    def write_then_refuse():
        db.session.add(Region(code="X1", name="Flushed, then refused"))
        db.session.flush()
        abort(403)

    def change_without_flush():
        region = db.session.scalar(db.select(Region).where(Region.code == "W1"))
        region.name = "Changed in memory only"
        return "ok"

    def read_then_fail():
        db.session.scalars(db.select(Region)).all()
        raise RuntimeError("broken view")

    def update_with_core():
        db.session.execute(text("UPDATE region SET name = 'Core update' WHERE code = 'W1'"))
        return "ok"

    def read_then_connection_dropped():
        """The server drops the connection after the last SELECT: the teardown's COMMIT fails."""
        page = read()
        _terminate_backends(db.engine.url)
        return page

    def write_then_connection_dropped():
        """The server drops the connection of a transaction that wrote: the teardown's ROLLBACK fails."""
        db.session.add(Region(code="X2", name="Flushed, then the connection dropped"))
        db.session.flush()
        _terminate_backends(db.engine.url)
        return "ok"

    def read_then_swallowed_disconnect():
        """Something catches the error of a dropped connection (as the error page's own rendering does) and the
        request goes on: its transaction is left invalidated."""
        page = read()
        _terminate_backends(db.engine.url)
        try:
            read()
        except Exception:
            pass
        return page

    def read_then_invalidated():
        """What SQLAlchemy does to a connection it finds dropped, on any database: invalidate it, transaction open."""
        page = read()
        db.session.connection().invalidate()
        return page

    for view in (read, write_then_refuse, change_without_flush, read_then_fail, update_with_core,
                 read_then_connection_dropped, write_then_connection_dropped, read_then_swallowed_disconnect,
                 read_then_invalidated):
        other.add_url_rule(f"/_test/{view.__name__}", view.__name__, view)
    other.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        db.session.add(Region(code="W1", name="Wilayah I"))
        db.session.commit()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def endings(bare_app):
    """The list of "commit"/"rollback" the app's connections ended transactions with."""
    seen = []
    with bare_app.app_context():
        engine = db.engine
    event.listen(engine, "commit", lambda conn: seen.append("commit"))
    event.listen(engine, "rollback", lambda conn: seen.append("rollback"))
    return seen


def _names(app) -> tuple[str, ...]:
    with app.app_context():
        rows = db.session.execute(text("SELECT code, name FROM region ORDER BY code")).all()
        db.session.rollback()
    return tuple(f"{code}:{name}" for code, name in rows)


def test_a_request_that_only_read_commits(bare_app, endings):
    response = bare_app.test_client().get("/_test/read")
    assert response.status_code == 200 and response.get_data(as_text=True) == "W1"
    assert endings == ["commit"]


def test_flushed_writes_of_a_refused_request_are_rolled_back(bare_app, endings):
    assert bare_app.test_client().get("/_test/write_then_refuse").status_code == 403
    assert endings[0] == "rollback"  # then the refusal is written to the audit log in a transaction of its own
    assert _names(bare_app) == ("W1:Wilayah I",)


def test_unflushed_changes_are_not_committed(bare_app, endings):
    assert bare_app.test_client().get("/_test/change_without_flush").status_code == 200
    assert endings == ["rollback"]
    assert _names(bare_app) == ("W1:Wilayah I",)


def test_a_core_update_is_not_committed_by_the_teardown(bare_app, endings):
    assert bare_app.test_client().get("/_test/update_with_core").status_code == 200
    assert endings == ["rollback"]
    assert _names(bare_app) == ("W1:Wilayah I",)


def test_a_failed_request_rolls_back(bare_app, endings):
    """The error handler rolls back first; the error page's own reads may then end with COMMIT."""
    assert bare_app.test_client().get("/_test/read_then_fail").status_code == 500
    assert endings[0] == "rollback"  # before the error page is rendered


def test_select_rows_reads_in_the_sessions_transaction_and_sees_its_pending_changes(app):
    """portal.db.select_rows: the session's connection and transaction, pending objects flushed first (as the
    session's own execute does), none with autoflush off."""
    from portal.db import select_rows

    codes = db.select(Region.code).order_by(Region.code)
    db.session.add(Region(code="Z9", name="Belum disimpan"))
    with db.session.no_autoflush:
        assert "Z9" not in select_rows(codes).scalars().all()
    assert "Z9" in select_rows(codes).scalars().all()  # flushed, not committed
    assert select_rows(db.select(Region.name).where(Region.code == "Z9")).scalar_one() == "Belum disimpan"
    db.session.rollback()
    assert "Z9" not in select_rows(codes).scalars().all()


def test_a_request_whose_reads_used_select_rows_still_commits(bare_app, endings):
    from portal.db import select_rows

    with bare_app.app_context():
        assert select_rows(db.select(Region.code)).scalars().all() == ["W1"]
        assert db.session().in_transaction()  # the session's own, ended with the context
    assert endings == ["commit"]


@requires_postgres
def test_postgres_keeps_prepared_statements_across_requests(bare_app):
    """psycopg prepares a statement at its fifth run and forgets all of them at a ROLLBACK."""
    client = bare_app.test_client()
    for _ in range(8):
        assert client.get("/_test/read").status_code == 200
    with bare_app.app_context():
        prepared = db.session.scalar(
            text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM region%'"))
        db.session.rollback()
    assert prepared >= 1


def _terminate_backends(url) -> None:
    """Kill, from a connection of its own, every other server process of the database (as a PostgreSQL restart
    or an administrator's pg_terminate_backend does)."""
    from sqlalchemy import create_engine

    killer = create_engine(url)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    killer.dispose()


def _terminate_app_connections(app) -> int:
    """Kill, from outside, every server process serving the app's pooled connections."""
    with app.app_context():
        url = db.engine.url
    from sqlalchemy import create_engine

    killer = create_engine(url)
    with killer.connect() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ''"
            " AND state = 'idle'")).scalar()
    killer.dispose()
    return killed


@requires_postgres
def test_a_connection_lost_while_idle_is_replaced_before_use(bare_config, request):
    bare_config["DB_PING_IDLE_SECONDS"] = 0  # every checkout comes after a long enough idle time
    bare_app = request.getfixturevalue("bare_app")
    client = bare_app.test_client()
    assert client.get("/_test/read").status_code == 200
    assert _terminate_app_connections(bare_app) >= 1
    assert client.get("/_test/read").status_code == 200  # checked, found dead, replaced: the reader sees nothing


@requires_postgres
def test_a_connection_lost_while_busy_costs_one_request(bare_app):
    """Within the idle time a connection is used unchecked (no extra round trip per request): if the server
    dropped it meanwhile, that request gets the 503 page and the pool starts afresh."""
    client = bare_app.test_client()
    assert client.get("/_test/read").status_code == 200
    assert _terminate_app_connections(bare_app) >= 1
    assert client.get("/_test/read").status_code == 503
    assert client.get("/_test/read").status_code == 200


# --- the end of a request whose connection the server dropped: the teardown never raises ---------------------

def _get_and_release(app, path: str):
    """GET ``path``; no session outlives the request, and no connection stays checked out of the pool."""
    sessions = db.session.registry.registry  # the scoped sessions by application context
    before = set(sessions)
    response = app.test_client().get(path)
    assert set(sessions) <= before, "the request's session was not removed"
    with app.app_context():
        assert db.engine.pool.checkedout() == 0
    return response


@requires_postgres
def test_commit_failing_at_the_end_of_a_read_keeps_the_response(bare_app):
    response = _get_and_release(bare_app, "/_test/read_then_connection_dropped")
    assert response.status_code == 200 and response.get_data(as_text=True) == "W1"  # the page was made: it goes out
    assert _get_and_release(bare_app, "/_test/read").get_data(as_text=True) == "W1"  # on a fresh connection


@requires_postgres
def test_rollback_failing_at_the_end_of_a_write_still_releases_the_session(bare_app):
    assert _get_and_release(bare_app, "/_test/write_then_connection_dropped").status_code == 200
    assert _get_and_release(bare_app, "/_test/read").get_data(as_text=True) == "W1"
    assert _names(bare_app) == ("W1:Wilayah I",)  # the flushed row died with its connection


@requires_postgres
def test_a_swallowed_disconnect_does_not_break_the_teardown(bare_app):
    """The defect of issue #15: the teardown read the invalidated connection, raised PendingRollbackError, the
    response became the WSGI server's bare error page and the session stayed behind."""
    response = _get_and_release(bare_app, "/_test/read_then_swallowed_disconnect")
    assert response.status_code == 200 and response.get_data(as_text=True) == "W1"
    assert _get_and_release(bare_app, "/_test/read").status_code == 200


def test_an_invalidated_connection_does_not_break_the_teardown(bare_app, endings):
    response = _get_and_release(bare_app, "/_test/read_then_invalidated")
    assert response.status_code == 200 and response.get_data(as_text=True) == "W1"
    assert "commit" not in endings  # nothing is committed on a connection found dropped
    assert _get_and_release(bare_app, "/_test/read").get_data(as_text=True) == "W1"
    assert endings[-1] == "commit"


@pytest.mark.parametrize("view", ["read", "write_then_refuse", "read_then_fail", "update_with_core"])
def test_every_request_releases_its_session(bare_app, view):
    _get_and_release(bare_app, f"/_test/{view}")
