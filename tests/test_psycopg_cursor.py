"""The portal's psycopg cursor (``portal.db.psycopg_cursor_factory``) describes every result exactly as psycopg's
own cursor does, whenever its description is read: at once, after the cursor went on to another statement, or
through SQLAlchemy's first (uncached) and later (cached) executions."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select, text

from portal.db import psycopg_cursor_factory
from portal.extensions import db
from tests.support import requires_postgres

pytestmark = requires_postgres

STATEMENTS = [
    "SELECT 1 AS one, 'teks'::text AS words, NULL::int AS nothing",
    "SELECT '2026-11-23 10:00+07'::timestamptz AS moment, 12.50::numeric(6, 2) AS money, true AS yes, "
    "ARRAY[1, 2] AS numbers, 'x'::varchar(40) AS short, '2026-11-23'::date AS day",
    "SELECT id, email, created_at FROM user_account ORDER BY id LIMIT 3",
    "SELECT",  # a result with no column
    "SELECT 1 AS a WHERE false",  # no row, one column
]


def _plain(description) -> list[tuple] | None:
    """Everything a DBAPI description holds, per column (name, type code, sizes, precision, scale, null_ok)."""
    return None if description is None else [(tuple(c), c.type_display) for c in description]


@pytest.fixture
def connections(app):
    """A raw psycopg connection of the app's engine (the portal's cursor) and a plain psycopg one."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        with psycopg.connect(db.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")) as plain:
            yield raw, plain


def test_the_engine_gives_the_portals_cursor(connections):
    raw, _ = connections
    assert type(raw.cursor()) is psycopg_cursor_factory()
    assert issubclass(psycopg_cursor_factory(), psycopg.Cursor)


@pytest.mark.parametrize("sql", STATEMENTS)
def test_the_description_is_psycopgs_read_at_once(connections, sql):
    raw, plain = connections
    ours, theirs = raw.cursor(), plain.cursor()
    ours.execute(sql)
    theirs.execute(sql)
    described, expected = ours.description, theirs.description
    assert len(described) == len(expected)
    assert _plain(described) == _plain(expected)
    assert [c.name for c in described] == [c.name for c in expected]
    if expected:
        assert _plain([described[-1]]) == _plain([expected[-1]]) and _plain(described[0:1]) == _plain(expected[0:1])
    assert bool(described) == bool(expected)
    assert ours.fetchall() == theirs.fetchall()


@pytest.mark.parametrize("sql", STATEMENTS)
def test_the_description_stays_its_statements_after_the_cursor_goes_on(connections, sql):
    raw, plain = connections
    ours, theirs = raw.cursor(), plain.cursor()
    ours.execute(sql)
    described = ours.description  # taken, not read yet
    ours.execute("SELECT 'another' AS other_column, 2 AS number")
    theirs.execute(sql)
    assert _plain(described) == _plain(theirs.description)
    assert [c.name for c in ours.description] == ["other_column", "number"]


def test_no_description_for_a_statement_without_a_result(connections):
    raw, plain = connections
    ours, theirs = raw.cursor(), plain.cursor()
    for cursor in (ours, theirs):
        assert cursor.description is None  # nothing executed yet
        cursor.execute("CREATE TEMPORARY TABLE scratch (n int)")
        assert cursor.description is None
        cursor.execute("INSERT INTO scratch VALUES (1), (2)")
        assert cursor.description is None and cursor.rowcount == 2


def test_sqlalchemy_names_the_columns_first_time_and_later(app, make_user):
    """The first execution of a statement builds SQLAlchemy's result metadata from the description's names; the
    later ones take it from the compiled statement's cache and only look whether there is a description."""
    from portal.models import Role, User

    user = make_user(Role.READER, email="kolom@contoh.id")
    statement = text("SELECT id AS user_id, email AS address FROM user_account WHERE email = :email")
    for _ in range(3):
        row = db.session.execute(statement, {"email": "kolom@contoh.id"}).mappings().one()
        assert dict(row) == {"user_id": user.id, "address": "kolom@contoh.id"}
    mapped = select(User.id, User.email).where(User.id == user.id)
    for _ in range(3):
        assert db.session.execute(mapped).one()._asdict() == {"id": user.id, "email": "kolom@contoh.id"}
    assert db.session.execute(text("UPDATE user_account SET name = name WHERE id = :id"), {"id": user.id}).rowcount == 1
