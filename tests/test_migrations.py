"""The Alembic migrations build the schema from empty on SQLite and PostgreSQL and match the models."""
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import portal.models  # noqa: F401
from portal import normalise_database_url
from portal.db import alembic_config, include_object
from portal.extensions import db
from tests.support import TEST_DATABASE_URL, requires_postgres


def _check_round_trip(url: str) -> None:
    cfg = alembic_config(url)
    command.upgrade(cfg, "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False, "include_object": include_object}), db.metadata)
        assert diff == [], f"migrations and models differ: {diff}"
        assert "piece" in inspect(conn).get_table_names()
    command.downgrade(cfg, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_migrations_from_empty_on_sqlite(tmp_path):
    _check_round_trip(f"sqlite:///{tmp_path / 'm.db'}")


@requires_postgres
def test_migrations_from_empty_on_postgres():
    base = make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"bp_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _check_round_trip(base.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_embedded_start_applies_migrations(tmp_path, monkeypatch):
    from portal import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"AUTO_MIGRATE": True}, instance_path=str(tmp_path / "inst"))
    with app.app_context():
        assert "user_account" in inspect(db.engine).get_table_names()
        db.engine.dispose()
