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

    for view in (read, write_then_refuse, change_without_flush, read_then_fail, update_with_core):
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
