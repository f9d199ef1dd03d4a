"""Constants and markers shared by test modules (import these, never the conftest module itself)."""
from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from portal import clock, normalise_database_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "kata-sandi-uji-9431"

# The calendar the whole suite runs on, in-process and in the servers it starts (portal/clock.py): the tests name
# their months (2026-10 previous, 2026-11 current, 2026-12 next: a piece written now belongs to December), so
# "now" must be the same day of the cycle whatever day the suite runs. Tests of the cycle's edges set their own.
SUITE_TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def suite_clock_shift() -> int:
    return clock.shift_to(SUITE_TODAY)


def on_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


requires_postgres = pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL: set TEST_DATABASE_URL")


# --- the suite's throw-away PostgreSQL databases ----------------------------------------------------

def postgres_admin() -> Engine:
    """An AUTOCOMMIT engine on TEST_DATABASE_URL's own database, from which the suite creates and drops its own."""
    return create_engine(make_url(normalise_database_url(TEST_DATABASE_URL)), isolation_level="AUTOCOMMIT")


def end_connections(conn, name: str) -> None:
    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})


def create_database(conn, name: str, template: str | None = None) -> None:
    """``CREATE DATABASE``, empty or as a file-level copy of ``template`` (which must have no connections)."""
    conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    # A throw-away database need not wait for the disk at each commit.
    conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))


def drop_database(conn, name: str) -> None:
    end_connections(conn, name)
    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
