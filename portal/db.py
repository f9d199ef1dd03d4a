"""Database plumbing: SQLite pragmas and Alembic migrations run from the app."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine

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
