"""Every command of the portal fails with a clear message and a non-zero exit, never a traceback (issue #15).

The commands are enumerated from ``app.cli.commands``. A new command is run by the two sweeps without anyone
listing it (a database that cannot be reached, as a real ``python -m flask`` subprocess; a database never
migrated), and test_every_command_has_bad_inputs_of_its_own fails until BAD_INPUTS gives it cases of its own.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from sqlalchemy import text

from portal import create_app
from portal.db import upgrade_database
from portal.extensions import db
from portal.models.people import Role
from tests.browser_support import throwaway_database
from tests.builders_backup import assert_nothing_written, craft, make_small_backup
from tests.support import on_postgres, suite_clock_shift

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
# A line such as "KeyError: 'x'" or "sqlalchemy.exc.IntegrityError: ..." (click's "Error: ..." is a sentence)
PYTHON_EXCEPTION = re.compile(r"^(([A-Za-z_]\w*\.)*[A-Z]\w*(Error|Exception|Warning)|Exception)\b")


def assert_clear_failure(code: int, stdout: str, stderr: str, fragment: str | None = None) -> None:
    """A non-zero exit, no traceback, and a last line on stderr that is a sentence, not a Python exception."""
    output = stdout + stderr
    assert code != 0, output
    assert "Traceback" not in output, output
    assert stderr.strip(), f"a failure says why on stderr; stdout was: {stdout}"
    assert not PYTHON_EXCEPTION.match(stderr.strip().splitlines()[-1]), stderr
    if fragment is not None:
        assert fragment in output, output


def assert_runner_failure(result, fragment: str | None = None) -> None:
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not an exception escaping click
    assert_clear_failure(result.exit_code, result.stdout, result.stderr, fragment)


def sample_args(command: click.Command, existing: Path, new: Path) -> list[str]:
    """Plausible arguments for any command: every argument and required option, from its declared type."""
    args: list[str] = []
    for param in command.params:
        if not (isinstance(param, click.Argument) or param.required):
            continue
        kind = param.type
        if isinstance(kind, click.Path):
            value = str(existing if kind.exists else new)
        elif isinstance(kind, click.Choice):
            value = str(kind.choices[0])
        elif isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
            value = "1"
        else:
            value = "seseorang@contoh.id"
        args += [value] if isinstance(param, click.Argument) else [param.opts[0], value]
    return args


def flask_command(env: dict, *args: str, input: str = "y\n") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], env=env, cwd=ROOT, input=input,
                          capture_output=True, text=True, timeout=300)


def operator_env(tmp_path: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_CLI_TRACEBACK"}
    env.update({"DATABASE_URL": database_url, "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
                "UPLOAD_DIR": str(tmp_path / "uploads"), "SECRET_KEY": "cli-test-key",
                "CLOCK_SHIFT_SECONDS": str(suite_clock_shift())})
    return env


# --- the sweeps: every command, found by enumeration ------------------------------------------------

def test_every_command_fails_clearly_when_the_database_cannot_be_reached(app, tmp_path):
    unreachable = ("postgresql://postgres@127.0.0.1:1/tidak_ada" if on_postgres()
                   else f"sqlite:///{tmp_path / 'folder-tidak-ada' / 'portal.db'}")
    env = operator_env(tmp_path, unreachable)
    for name, command in sorted(app.cli.commands.items()):
        args = sample_args(command, DATA / "tree_good.csv", tmp_path / f"keluaran-{name}")
        done = flask_command(env, name, *args)
        assert_clear_failure(done.returncode, done.stdout, done.stderr)
        if name not in ("import-accounts", "restore"):  # these refuse the sample file before any query
            assert "Basis data tidak dapat dipakai" in done.stderr, (name, done.stderr)


def test_every_command_fails_clearly_on_a_database_never_migrated(tmp_path):
    with throwaway_database(tmp_path) as url:
        bare = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(tmp_path / "up"),
                           "SECRET_KEY": "k"}, instance_path=str(tmp_path / "bare-instance"))
        with bare.app_context():
            runner = bare.test_cli_runner()
            for name, command in sorted(bare.cli.commands.items()):
                if name == "db-upgrade":
                    continue  # migrating such a database is its job
                args = sample_args(command, DATA / "tree_good.csv", tmp_path / f"keluaran-{name}")
                result = runner.invoke(args=[name, *args], input="y\n")
                assert_runner_failure(result)
                if name not in ("import-accounts", "restore"):  # these refuse the sample file before any query
                    assert "db-upgrade" in result.stderr, (name, result.stderr)
            db.engine.dispose()


# --- each command's own bad inputs ----------------------------------------------------------------

@dataclass
class Case:
    """``prepare(ctx)`` builds what the case needs and returns the command line; ``fragment`` must be said."""

    prepare: object
    fragment: str
    fresh_database: bool = False  # run against an empty, unmigrated SQLite database of its own
    input: str | None = None


class Context:
    def __init__(self, tmp_path, make_tree, make_user):
        self.tmp_path, self.make_tree, self.make_user = tmp_path, make_tree, make_user

    def file(self, name: str, data: bytes) -> str:
        path = self.tmp_path / name
        path.write_bytes(data)
        return str(path)

    def backup(self, **edits) -> str:
        source = make_small_backup(self.tmp_path)
        return str(craft(source, self.tmp_path / "diubah.zip", **edits) if edits else source)


def _truncated(ctx: Context) -> list[str]:
    raw = Path(ctx.backup()).read_bytes()
    return ["restore", ctx.file("terpotong.zip", raw[: len(raw) // 2]), "--yes"]


def _other_revision(ctx: Context) -> list[str]:
    source = ctx.backup()
    upgrade_database()  # the fresh database now carries the newest revision; the backup has none
    return ["restore", source, "--yes"]


def _bad_json_line(contents: dict) -> None:
    contents["data/province.jsonl"] += b'{"id": 2, "code": "34", \n'


JUNK = bytes(range(256)) * 4

BAD_INPUTS: dict[str, list[Case]] = {
    "db-upgrade": [
        Case(lambda ctx: ["db-upgrade", "--revision", "tidak-ada"], "Migrasi tidak dapat dijalankan",
             fresh_database=True),
    ],
    "create-admin": [
        Case(lambda ctx: (ctx.make_user(Role.READER, email="admin@contoh.id"), ["create-admin", "--email", "admin@contoh.id"])[1],
             "Email admin@contoh.id sudah terdaftar"),
        Case(lambda ctx: ["create-admin", "--email", "bukan-email"], "Alamat email tidak valid"),
        Case(lambda ctx: ["create-admin", "--email", "a@contoh.id", "--name", "  "], "Isi nama"),
        Case(lambda ctx: ["create-admin"], "Missing option '--email'"),
    ],
    "set-password-link": [
        Case(lambda ctx: ["set-password-link", "siapa@contoh.id"], "Tidak ada akun dengan email siapa@contoh.id"),
    ],
    "import-tree": [
        Case(lambda ctx: ["import-tree", str(ctx.tmp_path / "tidak-ada.csv")], "does not exist"),
        Case(lambda ctx: ["import-tree", ctx.file("rusak.csv", JUNK)], "UTF-8"),
        Case(lambda ctx: ["import-tree", str(DATA / "tree_bad_row.csv")], "Baris 3, kolom zona_waktu"),
    ],
    "export-tree": [
        Case(lambda ctx: ["export-tree", str(ctx.tmp_path / "folder-tidak-ada" / "pohon.csv")],
             "No such file or directory"),
        Case(lambda ctx: ["export-tree", str(ctx.tmp_path)], "is a directory"),
    ],
    "import-accounts": [
        Case(lambda ctx: ["import-accounts", str(ctx.tmp_path / "tidak-ada.csv")], "does not exist"),
        Case(lambda ctx: ["import-accounts", ctx.file("rusak.csv", JUNK)], "UTF-8"),
        Case(lambda ctx: ["import-accounts", ctx.file("akun.csv", b"email,nama,peran,lingkup_kode\n"
                                                                   b"c@contoh.id,Citra,writer,TIDAK-ADA\n")],
             "Baris 2, kolom lingkup_kode"),
    ],
    "load-demo": [
        Case(lambda ctx: (ctx.make_tree(), ["load-demo"])[1], "Basis data sudah berisi data"),
        Case(lambda ctx: (ctx.make_user(Role.READER), ["load-demo"])[1], "Basis data sudah berisi data"),
    ],
    "backup": [
        Case(lambda ctx: ["backup", str(ctx.tmp_path / "folder-tidak-ada" / "cadangan.zip")], "tidak ada"),
        Case(lambda ctx: ["backup", str(ctx.tmp_path)], "is a directory"),
    ],
    "restore": [
        Case(lambda ctx: ["restore", str(ctx.tmp_path / "tidak-ada.zip"), "--yes"], "does not exist"),
        Case(lambda ctx: ["restore", ctx.file("catatan.zip", b"bukan zip"), "--yes"], "bukan berkas zip yang utuh"),
        Case(_truncated, "bukan berkas zip yang utuh"),
        Case(lambda ctx: ["restore", ctx.backup(members=_bad_json_line), "--yes"],
             "Baris 2 di data/province.jsonl rusak"),
        Case(lambda ctx: ["restore", ctx.backup(members=lambda c: c.pop("data/kmw.jsonl")), "--yes"],
             "tidak memuat data/kmw.jsonl"),
        Case(lambda ctx: ["restore", ctx.backup(members=lambda c: c.update({"uploads/x.php": b"<?php"})), "--yes"],
             "tidak tercantum di manifest: uploads/x.php"),
        Case(lambda ctx: ["restore", ctx.file("lain.zip", _zip({"hello.txt": b"hi"})), "--yes"], "bukan cadangan"),
        Case(lambda ctx: (ctx.make_tree(), ["restore", ctx.backup(), "--yes"])[1], "tidak kosong"),
        Case(_other_revision, "Revisi skema berbeda", fresh_database=True),
        Case(lambda ctx: ["restore", ctx.backup()], "Aborted", input="n\n"),
    ],
    "cleanup-uploads": [
        Case(lambda ctx: ["cleanup-uploads"], "db-upgrade", fresh_database=True),
        Case(lambda ctx: ["cleanup-uploads", "--semua"], "No such option"),
    ],
    "rebuild-search-index": [
        Case(lambda ctx: ["rebuild-search-index"], "db-upgrade", fresh_database=True),
    ],
    "anthology": [
        Case(lambda ctx: (ctx.make_tree(), ["anthology", "--year", "2031", "--out", str(ctx.tmp_path / "buku")])[1],
             "Tidak ada best practice nasional yang terbit pada tahun 2031"),
        Case(lambda ctx: ["anthology", "--year", "1999", "--out", str(ctx.tmp_path / "buku")],
             "Tahun 1999 tidak dapat dipakai"),
        Case(lambda ctx: ["anthology", "--year", "2026", "--province", "424242", "--out", str(ctx.tmp_path)],
             "Provinsi dengan ID 424242 tidak ada"),
        Case(lambda ctx: ["anthology", "--year", "2026", "--out", ctx.file("bukan-folder.txt", b"x")], "is a file"),
        Case(lambda ctx: ["anthology", "--year", "2026", "--out", str(ctx.tmp_path), "--format", "B5"], "'B5'"),
        Case(lambda ctx: ["anthology", "--out", str(ctx.tmp_path)], "Missing option '--year'"),
        Case(lambda ctx: ["anthology", "--year", "2026", "--out", str(ctx.tmp_path / "b")], "db-upgrade",
             fresh_database=True),
    ],
    "worker": [
        Case(lambda ctx: ["worker"], "db-upgrade", fresh_database=True),
        Case(lambda ctx: ["worker", "--workers", "0"], "0 is not in the range"),
    ],
}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_every_command_has_bad_inputs_of_its_own(app):
    assert set(app.cli.commands) == set(BAD_INPUTS), "give each new command its bad inputs in BAD_INPUTS"


@pytest.mark.parametrize("name,number", [(name, i) for name, cases in BAD_INPUTS.items() for i in range(len(cases))])
def test_bad_input(app, runner, tmp_path, make_tree, make_user, name, number):
    case = BAD_INPUTS[name][number]
    ctx = Context(tmp_path, make_tree, make_user)
    if case.fresh_database:
        fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
                            "UPLOAD_DIR": str(tmp_path / "fresh-uploads"), "SECRET_KEY": "k"},
                           instance_path=str(tmp_path / "fresh-instance"))
        with fresh.app_context():
            args = case.prepare(ctx)
            result = fresh.test_cli_runner().invoke(args=args, input=case.input)
            db.engine.dispose()
    else:
        args = case.prepare(ctx)
        result = runner.invoke(args=args, input=case.input)
    assert args[0] == name
    assert_runner_failure(result, case.fragment)
    if name == "restore" and not case.fresh_database and case.fragment != "tidak kosong":
        db.session.rollback()
        assert_nothing_written(app, tmp_path)
    if name == "backup":
        assert not list(tmp_path.rglob("*.part"))


# --- the two failures of the issue, as an operator meets them ----------------------------------------

def test_load_demo_on_a_database_with_data(app, tmp_path, make_tree, database_url):
    make_tree()
    db.session.remove()
    done = flask_command(operator_env(tmp_path, database_url), "load-demo")
    assert_clear_failure(done.returncode, done.stdout, done.stderr, "Basis data sudah berisi data")
    assert done.returncode == 2
    skipped = flask_command(operator_env(tmp_path, database_url), "load-demo", "--if-empty")
    assert skipped.returncode == 0 and "data demo tidak dimuat ulang" in skipped.stdout


def test_restore_of_a_backup_with_a_damaged_table_file(app, tmp_path, database_url):
    damaged = Context(tmp_path, None, None).backup(members=_bad_json_line)
    db.session.remove()
    done = flask_command(operator_env(tmp_path, database_url), "restore", damaged, "--yes")
    assert_clear_failure(done.returncode, done.stdout, done.stderr,
                         "Pemulihan dibatalkan, tidak ada yang diubah: Baris 2 di data/province.jsonl rusak")
    assert done.returncode == 2
    assert_nothing_written(app, tmp_path)


def test_bp_portal_reports_bad_arguments_and_an_unreachable_database(tmp_path):
    def bp_portal(*args: str, database_url: str) -> subprocess.CompletedProcess:
        code = f"import sys; from portal.cli import main; sys.argv = ['bp-portal', *{list(args)!r}]; main()"
        return subprocess.run([sys.executable, "-c", code], env=operator_env(tmp_path, database_url), cwd=ROOT,
                              capture_output=True, text=True, timeout=300)

    sqlite = f"sqlite:///{tmp_path / 'demo.db'}"
    for args, why in ((["serve"], "No such command 'serve'"), (["demo", "--port", "lima-ribu"], "'--port'")):
        done = bp_portal(*args, database_url=sqlite)
        assert_clear_failure(done.returncode, done.stdout, done.stderr, why)
        assert "Usage: bp-portal" in done.stderr
    assert "demo" in bp_portal("--help", database_url=sqlite).stdout
    done = bp_portal("demo", database_url=f"sqlite:///{tmp_path / 'folder-tidak-ada' / 'demo.db'}")
    assert_clear_failure(done.returncode, done.stdout, done.stderr, "Basis data tidak dapat dipakai")


# --- the guard itself -------------------------------------------------------------------------------

def test_a_command_added_later_by_any_module_is_guarded(app, runner, monkeypatch):
    @click.command("uji-rusak")
    def broken() -> None:
        raise RuntimeError("sesuatu patah")

    app.cli.add_command(broken)
    result = runner.invoke(args=["uji-rusak"])
    assert_runner_failure(result, "Kesalahan tak terduga (RuntimeError: sesuatu patah)")
    assert "PORTAL_CLI_TRACEBACK=1" in result.stderr and result.exit_code == 1
    monkeypatch.setenv("PORTAL_CLI_TRACEBACK", "1")  # the operator asks for the traceback: it comes through
    assert isinstance(runner.invoke(args=["uji-rusak"]).exception, RuntimeError)


def test_a_failed_command_leaves_the_session_usable(app, runner, make_user):
    make_user(Role.READER, email="ada@contoh.id")
    assert runner.invoke(args=["create-admin", "--email", "ada@contoh.id"]).exit_code == 2
    assert db.session.execute(text("SELECT 1")).scalar() == 1


# --- settings the portal cannot work with stop start-up ------------------------------------------------

@pytest.mark.parametrize("url, fragment", [
    ("foo://x", "DATABASE_URL tidak dapat dipakai"),
    ("not a url", "DATABASE_URL tidak dapat dipakai"),
    ("postgresql+psycopg2://u@127.0.0.1/db", "memerlukan paket yang tidak terpasang"),
])
def test_an_unusable_database_url_stops_start_up_with_one_line(tmp_path, url, fragment):
    from portal.config import ConfigurationError

    with pytest.raises(ConfigurationError, match=fragment):
        create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path / "instance"))
    done = flask_command(operator_env(tmp_path, url), "db-upgrade")
    assert_clear_failure(done.returncode, done.stdout, done.stderr, fragment)
