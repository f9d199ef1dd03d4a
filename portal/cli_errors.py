"""How a command of the portal fails: one clear line and a non-zero exit status, never a Python traceback.

Every command added to the app's command group (:class:`PortalCommandGroup`, installed by ``portal.cli``) runs
inside :func:`guarded`, which turns whatever the command raised into a :class:`CommandFailed` through
:func:`explain`:

- the portal's own errors (an exception class defined in the ``portal`` package: ``AccountError``,
  ``MaintenanceError``, ...) carry the message for the operator; exit status 2, like a refused import;
- a database that cannot be reached or has not been migrated, a file that cannot be read or written, a
  migration that cannot run: a message naming the cause and what to do; exit status 1;
- anything else: the exception's type and message, and how to see the traceback (``PORTAL_CLI_TRACEBACK=1``).
"""
from __future__ import annotations

import functools
import os

import click
from alembic.util import CommandError as MigrationError
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from portal.extensions import db

TRACEBACK_VARIABLE = "PORTAL_CLI_TRACEBACK"
UNDEFINED_TABLE = "42P01"  # PostgreSQL's SQLSTATE for a missing table


class CommandFailed(click.ClickException):
    """A command that failed; click prints ``Gagal: <message>`` on stderr and exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"Gagal: {self.format_message()}", file=file, err=True)


def _is_portal_error(exc: BaseException) -> bool:
    return any(cls.__module__.split(".")[0] == "portal" for cls in type(exc).__mro__)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _database_message(exc: SQLAlchemyError) -> str:
    detail = _first_line(exc)
    if "no such table" in detail or getattr(getattr(exc, "orig", None), "sqlstate", None) == UNDEFINED_TABLE:
        return f"Basis data belum disiapkan ({detail}). Jalankan `flask --app portal db-upgrade` lebih dulu."
    if isinstance(exc, IntegrityError):
        return f"Basis data menolak perubahan karena bertentangan dengan data yang sudah ada: {detail}"
    if isinstance(exc, OperationalError):
        return (f"Basis data tidak dapat dipakai: {detail}. Periksa DATABASE_URL dan apakah server basis data "
                "berjalan.")
    return f"Kesalahan basis data: {detail}"


def explain(exc: Exception) -> CommandFailed:
    """The :class:`CommandFailed` an operator sees for ``exc``."""
    if isinstance(exc, CommandFailed):
        return exc
    if _is_portal_error(exc):
        return CommandFailed(str(exc) or type(exc).__name__, exit_code=2)
    if isinstance(exc, SQLAlchemyError):
        return CommandFailed(_database_message(exc))
    if isinstance(exc, MigrationError):
        return CommandFailed(f"Migrasi tidak dapat dijalankan: {exc}")
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        return CommandFailed(f"Berkas{where} tidak dapat dipakai: {exc.strerror}.")
    return CommandFailed(f"Kesalahan tak terduga ({type(exc).__name__}: {_first_line(exc)}). Jalankan lagi dengan "
                         f"{TRACEBACK_VARIABLE}=1 untuk melihat rinciannya.")


def _abandon_transaction() -> None:
    try:  # what the command wrote is abandoned; the session may be unusable (database gone)
        db.session.rollback()
    except Exception:
        pass


def guarded(callback):
    """Wrap a command's callback so any failure leaves through :func:`explain` (idempotent)."""
    if getattr(callback, "portal_guarded", False):
        return callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise  # click's own: usage errors, a declined confirmation, an explicit exit
        except Exception as exc:
            _abandon_transaction()
            if os.environ.get(TRACEBACK_VARIABLE):
                raise
            raise explain(exc) from exc

    run.portal_guarded = True
    return run


def guard_command(command: click.Command) -> click.Command:
    """Guard ``command`` and, for a group, every command in it."""
    if command.callback is not None:
        command.callback = guarded(command.callback)
    for sub in getattr(command, "commands", {}).values():
        guard_command(sub)
    return command


class PortalCommandGroup(AppGroup):
    """The app's command group: every command added to it, by any module, is guarded."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(guard_command(cmd), name)
