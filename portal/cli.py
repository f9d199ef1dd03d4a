"""Command line: ``flask --app portal <command>`` and the ``bp-portal`` quick-start entry point.

A command fails with one clear line and a non-zero exit status, never a traceback: every command added to the
app's group is guarded by ``portal.cli_errors``.
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from portal.anthology.cli import anthology
from portal.cli_errors import PortalCommandGroup, guarded
from portal.jobs import check_consumer_can_start
from portal.maintenance import COMMANDS as maintenance_commands
from portal.tasks import run_consumer, start_worker_process, stop_worker_process


def register_cli(app: Flask) -> None:
    """Replace the app's command group by one that guards every command, then add the portal's commands."""
    group = PortalCommandGroup(name=app.cli.name, help=app.cli.help)
    for name, command in app.cli.commands.items():  # blueprints' groups registered before this step
        group.add_command(command, name)
    app.cli = group
    for command in (db_upgrade, create_admin, import_tree, export_tree, import_accounts, load_demo, set_password_link,
                    anthology, *maintenance_commands):
        app.cli.add_command(command)
    app.cli.add_command(worker)


@click.command("db-upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations to the configured database."""
    from portal.db import upgrade_database

    upgrade_database(revision)
    click.echo(f"Basis data diperbarui ke revisi {revision}.")


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Administrator", show_default=True)
@with_appcontext
def create_admin(email: str, name: str) -> None:
    """Create the first administrator and print a one-time link to set the password."""

    from portal.accounts.operations import create_account
    from portal.models.people import Role

    user, token = create_account(email=email, name=name, roles=[(Role.ADMIN, None)], by=None)
    click.echo(f"Administrator {user.email} dibuat.")
    click.echo(f"Tautan sekali pakai untuk mengatur kata sandi: {_link(token)}")


@click.command("set-password-link")
@click.argument("email")
@with_appcontext
def set_password_link(email: str) -> None:
    """Print a fresh one-time link for an existing account."""
    from portal.accounts.operations import reissue_link

    token = reissue_link(email)
    click.echo(_link(token))


def _link(token: str) -> str:
    """The one-time link as the invitation mail has it (``PORTAL_BASE_URL``)."""
    from portal.mail.outbox import portal_url

    return portal_url("auth.set_password", token=token)


@click.command("import-tree")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_tree(path: Path) -> None:
    """Import the organisation tree from CSV (checks every row; any error imports nothing)."""
    from portal.org.csvio import import_tree_csv

    result = import_tree_csv(path.read_bytes())
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    click.echo(result.summary())


@click.command("export-tree")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_tree(path: Path) -> None:
    """Export the whole organisation tree as CSV (the same format import reads)."""
    from portal.org.csvio import export_tree_csv

    path.write_bytes(export_tree_csv())
    click.echo(f"Ditulis ke {path}.")


@click.command("import-accounts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_accounts(path: Path) -> None:
    """Create accounts from CSV and print each new account's one-time link."""
    from portal.accounts.csvio import import_accounts_csv

    result = import_accounts_csv(path.read_bytes(), by=None)
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    for email, token in result.links:
        click.echo(f"{email}\t{_link(token)}")


@click.command("load-demo")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database already holds an organisation tree or accounts.")
@with_appcontext
def load_demo(if_empty: bool) -> None:
    """Load the demo dataset (provinces in three time zones, one account per role, a month in progress) into an
    empty database; refused when the database holds data, unless --if-empty asks to skip quietly."""
    from portal.demo import DEMO_PASSWORD, demo_logins, load_demo_data

    loaded = load_demo_data(if_empty=if_empty)
    click.echo("Data demo dimuat." if loaded else "Basis data sudah berisi data; data demo tidak dimuat ulang.")
    click.echo(f"Kata sandi semua akun demo: {DEMO_PASSWORD}")
    for role, email in demo_logins():
        click.echo(f"  {role:<32} {email}")


@click.group("bp-portal", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Portal Best Practice. Without a command: demo.

    For everything else (migrations, accounts, backups, the task-queue worker) use "flask --app portal"."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(demo)


@main.command("demo")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, envvar="PORT", show_default=True,
              help="Port on 127.0.0.1 (or the PORT variable).")
def demo(port: int) -> None:
    """Migrate the embedded database, load the demo data when it is empty, and serve the portal on 127.0.0.1 with a
    task-queue consumer beside it, until Ctrl+C."""
    # Links in mail made without a request (the consumer's reminders and outcomes) point to where the demo serves,
    # unless PORTAL_BASE_URL is set: the consumer started below inherits this environment.
    os.environ.setdefault("PORTAL_BASE_URL", f"http://127.0.0.1:{port}")
    app = guarded(_demo_app)(port)
    _serve_with_worker(app, port)


def _demo_app(port: int) -> Flask:
    from portal import create_app

    app = create_app({"AUTO_MIGRATE": True})
    with app.app_context():
        from portal.demo import DEMO_PASSWORD, demo_logins, load_demo_data

        if load_demo_data(if_empty=True, photos_now=False):
            click.echo("Foto-foto demo digambar oleh pekerja latar; semuanya tampil dalam satu atau dua menit.")
        else:
            click.echo("Basis data sudah berisi data; data demo tidak dimuat ulang.")
        click.echo("")
        click.echo(f"Portal Best Practice berjalan di http://127.0.0.1:{port}/")
        click.echo(f"Akun demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
        logins = demo_logins()
        width = max(len(role) for role, _ in logins)
        for role, email in logins:
            click.echo(f"  {role:<{width}}  {email}")
        click.echo("")
    return app


def _serve_with_worker(app: Flask, port: int) -> None:
    """Serve the portal with one consumer of the task queue beside it (``flask --app portal worker``, which builds
    the bundles), stopped when the server stops: Ctrl+C or SIGTERM."""
    consumer = start_worker_process(workers=1)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        app.run(host="127.0.0.1", port=port, debug=False, threaded=True)
    finally:
        stop_worker_process(consumer)


@click.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads: jobs run at the same time by this consumer.")
@click.option("--parent-pid", type=int, hidden=True)  # the quick start's consumer stops when its server is gone
@with_appcontext
def worker(workers: int, parent_pid: int | None) -> None:
    """Run a consumer of the task queue (TASK_QUEUE_URL) until SIGINT or SIGTERM: it builds the bundles and takes
    back the jobs of consumers that died. Any number may run, on any number of machines sharing one Redis."""
    check_consumer_can_start()
    run_consumer(current_app._get_current_object(), workers, parent_pid=parent_pid)
