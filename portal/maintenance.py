"""Operator tools for faults: a portable backup and restore, removing orphan upload files, rebuilding the search index.

The backup zip's layout and values, and the checks that make a restore trust nothing in it, are in
``portal.backup_format``. A restore goes into an EMPTY database at the SAME schema revision, in one transaction;
everything that can be checked without writing is checked first (the zip, the target database, the upload
folder); a failure after that rolls the rows back and removes the files written. PostgreSQL sequences are then
moved past the restored ids so new rows do not collide, and the full-text search index (derived data, not backed
up) is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Integer, Table, func, inspect, select, text
from sqlalchemy.exc import DataError, IntegrityError

from portal import search
from portal.backup_format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupContents,
    MaintenanceError,
    RestoreLimits,
    from_json,
    inspect_backup,
    open_backup,
    read_blocks,
    read_lines,
    sha256_of,
    size_text,
    to_json,
)
from portal.cli_errors import CommandFailed
from portal.db import update_planner_statistics
from portal.extensions import db
from portal.page_cache import page_cache

__all__ = ["MaintenanceError", "backup", "restore", "reset_sequences", "orphan_uploads", "cleanup_uploads", "COMMANDS"]

CHUNK = 2000
TEMP_GRACE_SECONDS = 3600


# --- schema revision and emptiness ----------------------------------------------------------------

def schema_revision(connection) -> str | None:
    """The Alembic revision stamped in the database, or None for a schema built without migrations."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _tables() -> list[Table]:
    import portal.models  # noqa: F401  (every table registered)

    return list(db.metadata.sorted_tables)


def _order_columns(table: Table) -> list:
    return list(table.primary_key.columns) or list(table.columns)


# --- backup ------------------------------------------------------------------------------------

def _upload_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    from portal.storage import TRANSIENT_KINDS

    transient = {root / kind for kind in TRANSIENT_KINDS}
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")
                  and not any(parent in transient for parent in p.parents))


def backup(target: Path) -> dict:
    """Write the whole database and every upload file to the zip ``target``; returns the manifest."""
    target = Path(target)
    if not target.parent.is_dir():
        raise MaintenanceError(f"Folder {target.parent} tidak ada; buat dulu atau pilih tempat lain untuk cadangan.")
    partial = target.with_name(target.name + ".part")
    try:
        manifest = _write_backup(partial)
    except BaseException:
        partial.unlink(missing_ok=True)  # a failure (disk full, database gone) leaves no half backup behind
        raise
    partial.replace(target)  # a crash mid-backup never leaves a zip that looks complete
    return manifest


def _write_backup(partial: Path) -> dict:
    engine = db.engine
    counts: dict[str, int] = {}
    files: dict[str, str] = {}
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
        with engine.connect().execution_options(**options) as conn:  # one snapshot on PostgreSQL
            revision = schema_revision(conn)
            for table in _tables():
                counts[table.name] = _dump_table(conn, table, zf)
            conn.rollback()
        root = Path(current_app.config["UPLOAD_DIR"])
        for path in _upload_files(root):
            rel = path.relative_to(root).as_posix()
            files[rel] = sha256_of(path)
            zf.write(path, f"uploads/{rel}", compress_type=zipfile.ZIP_STORED)  # photos are compressed already
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(), "revision": revision,
            "dialect": engine.dialect.name, "tables": counts, "files": files,
            "sizes": {info.filename: info.file_size for info in zf.infolist()},
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def _dump_table(conn, table: Table, zf: zipfile.ZipFile) -> int:
    names = [c.name for c in table.columns]
    n = 0
    query = select(table).order_by(*_order_columns(table))
    with zf.open(f"data/{table.name}.jsonl", "w", force_zip64=True) as out:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(query)
        for row in result:
            line = json.dumps({k: to_json(v) for k, v in zip(names, row)}, ensure_ascii=False)
            out.write(line.encode("utf-8") + b"\n")
            n += 1
    return n


# --- restore -----------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0


def check_target(conn, manifest: dict) -> None:
    """Refuse unless the target database has the backup's schema revision, every table, and no rows."""
    revision = schema_revision(conn)
    if revision != manifest.get("revision"):
        raise MaintenanceError(
            f"Revisi skema berbeda: cadangan {manifest.get('revision') or '(tanpa migrasi)'}, basis data tujuan "
            f"{revision or '(tanpa migrasi)'}. Jalankan `flask --app portal db-upgrade` pada basis data kosong "
            "dengan versi portal yang sama dengan cadangan, lalu pulihkan lagi."
        )
    existing = set(inspect(conn).get_table_names())
    tables = {t.name: t for t in _tables()}
    missing = [name for name in manifest["tables"] if name not in existing or name not in tables]
    if missing:
        raise MaintenanceError(f"Tabel tidak ada di basis data tujuan: {', '.join(sorted(missing))}. "
                               "Jalankan db-upgrade terlebih dahulu.")
    filled = [name for name in tables if name in existing
              and conn.execute(select(func.count()).select_from(tables[name])).scalar()]
    if filled:
        raise MaintenanceError(f"Basis data tujuan tidak kosong (tabel berisi: {', '.join(filled)}). "
                               "Pemulihan hanya ke basis data kosong, agar tidak ada data yang tertimpa.")


def restore(source: Path, limits: RestoreLimits | None = None) -> RestoreResult:
    """Load a backup into the app's empty database and UPLOAD_DIR; all or nothing.

    ``limits`` defaults to the app's RESTORE_MAX_MEMBER_BYTES and RESTORE_MAX_TOTAL_BYTES.
    """
    limits = limits or RestoreLimits.from_config(current_app.config)
    result = RestoreResult()
    engine = db.engine
    with open_backup(Path(source)) as zf:
        contents = inspect_backup(zf, limits)
        absent = [table.name for table in _tables() if table.name not in contents.tables]
        if absent:
            raise MaintenanceError(f"Cadangan tidak memuat tabel {', '.join(absent)}; skema berbeda.")
        files = RestoredFiles(Path(current_app.config["UPLOAD_DIR"]))
        files.check(contents)
        db.session.remove()
        try:
            with engine.begin() as conn:
                check_target(conn, contents.manifest)
                for table in _tables():
                    member = contents.tables[table.name]
                    result.tables[table.name] = _load_table(conn, table, member.filename, read_lines(zf, member))
                    if result.tables[table.name] != contents.manifest["tables"][table.name]:
                        raise MaintenanceError(f"Jumlah baris {table.name} tidak cocok dengan manifest; cadangan rusak.")
                for rel, member in contents.uploads.items():  # files before commit: a failure below undoes both
                    files.write(zf, rel, member, contents.manifest["files"][rel])
                result.files = len(contents.uploads)
                if conn.dialect.name == "postgresql":
                    reset_sequences(conn)
                search.rebuild_index(conn)  # derived data, not in the backup
        except BaseException:
            files.undo()
            raise
        update_planner_statistics(engine)
    cache = page_cache()
    if cache is not None:  # rows were written below the ORM: the cached public pages know nothing of them
        cache.invalidate()
    return result


class RestoredFiles:
    """The upload files a restore writes under ``root``: checked before, written through a temporary name with
    their hash verified, and taken back (with the folders made for them) when the restore fails."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.present: set[str] = set()
        self.written: list[Path] = []
        self.folders: list[Path] = []

    def path(self, rel: str) -> Path:
        return self.root.joinpath(*rel.split("/"))

    def check(self, contents: BackupContents) -> None:
        """Refuse before writing: another file already at a listed path, or too little free disk space."""
        needed = 0
        for rel, member in contents.uploads.items():
            path = self.path(rel)
            if not (path.exists() or path.is_symlink()):
                needed += member.file_size
            elif path.is_file() and not path.is_symlink() and sha256_of(path) == contents.manifest["files"][rel]:
                self.present.add(rel)  # the same file is there already: left as it is, never removed
            else:
                raise MaintenanceError(f"{path} sudah ada dengan isi lain; pemulihan tidak menimpa berkas. Pindahkan "
                                       "isi UPLOAD_DIR yang lama ke tempat lain, lalu pulihkan lagi.")
        existing = self.root
        while not existing.exists():
            existing = existing.parent
        free = shutil.disk_usage(existing).free
        if needed > free:
            raise MaintenanceError(f"Ruang disk untuk UPLOAD_DIR tidak cukup: perlu {size_text(needed)}, tersedia "
                                   f"{size_text(free)}.")

    def write(self, zf: zipfile.ZipFile, rel: str, member: zipfile.ZipInfo, expected_sha256: str) -> None:
        if rel in self.present:
            return
        path = self.path(rel)
        self._make_folders(path.parent)
        temp = path.with_name(f".tmp-restore-{path.name}")  # cleanup-uploads removes one a crash leaves behind
        digest = hashlib.sha256()
        try:
            with temp.open("wb") as out:
                for block in read_blocks(zf, member):
                    digest.update(block)
                    out.write(block)
            if digest.hexdigest() != expected_sha256:
                raise MaintenanceError(f"Berkas {rel} rusak di dalam cadangan (hash tidak cocok).")
            temp.replace(path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        self.written.append(path)

    def _make_folders(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            made.mkdir()
            self.folders.append(made)

    def undo(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)
        for folder in reversed(self.folders):
            try:
                folder.rmdir()
            except OSError:  # something else was put there meanwhile: leave it
                pass


def _load_table(conn, table: Table, member: str, lines) -> int:
    columns = {c.name: c for c in table.columns}
    batch: list[dict] = []
    n = 0
    for number, raw in lines:
        if not raw.strip():
            continue
        batch.append(_row(table, columns, member, number, raw))
        if len(batch) >= CHUNK:
            n += _insert(conn, table, batch)
            batch = []
    if batch:
        n += _insert(conn, table, batch)
    return n


def _row(table: Table, columns: dict, member: str, number: int, raw: bytes) -> dict:
    try:
        row = json.loads(raw)
    except ValueError:
        row = None
    if not isinstance(row, dict):
        raise MaintenanceError(f"Baris {number} di {member} rusak (bukan objek JSON yang sah); cadangan rusak.")
    unknown = set(row) - set(columns)
    if unknown:
        raise MaintenanceError(f"Kolom {', '.join(sorted(unknown))} tidak ada di tabel {table.name}; skema berbeda.")
    try:
        return {k: from_json(columns[k], v) for k, v in row.items()}
    except (ValueError, TypeError) as exc:
        raise MaintenanceError(f"Baris {number} di {member}: nilai tidak sah ({exc}); cadangan rusak.") from None


def _insert(conn, table: Table, batch: list[dict]) -> int:
    try:
        conn.execute(table.insert(), batch)
    except (IntegrityError, DataError) as exc:
        detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        raise MaintenanceError(f"Data tabel {table.name} tidak dapat dimuat ({detail}); cadangan rusak.") from None
    return len(batch)


def reset_sequences(conn) -> None:
    """Move every PostgreSQL id sequence to max(id), so the next insert gets a fresh id."""
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": table.name, "c": pk[0].name}).scalar()
        if sequence:
            conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 1), '
                              f'(SELECT MAX("{pk[0].name}") FROM "{table.name}") IS NOT NULL)'), {"s": sequence})


# --- orphan uploads ------------------------------------------------------------------------------

def orphan_uploads(grace_seconds: int = TEMP_GRACE_SECONDS) -> list[Path]:
    """Files under UPLOAD_DIR that no Photo, MediaFile or KnowledgeProduct row references, and temporary
    files left by interrupted uploads, older than ``grace_seconds`` (uploads in flight are left alone)."""
    import time

    from portal import storage

    found = set(storage.orphans(grace_seconds))
    root = Path(current_app.config["UPLOAD_DIR"])
    cutoff = time.time() - grace_seconds
    if root.is_dir():  # temporary files anywhere, not only in the known kinds' folders
        for path in root.rglob(".tmp-*"):
            if path.is_file() and path.stat().st_mtime <= cutoff:
                found.add(path)
    return sorted(found)


def cleanup_uploads(dry_run: bool = False, grace_seconds: int = TEMP_GRACE_SECONDS) -> list[Path]:
    """Remove (or, with ``dry_run``, only list) the files :func:`orphan_uploads` finds."""
    found = orphan_uploads(grace_seconds)
    if not dry_run:
        for path in found:
            path.unlink(missing_ok=True)
    return found


# --- commands ------------------------------------------------------------------------------------

@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Back up the database and every uploaded file into one zip (portable between SQLite and PostgreSQL)."""
    manifest = backup(path)
    rows = sum(manifest["tables"].values())
    click.echo(f"Cadangan ditulis ke {path}: {rows} baris dari {len(manifest['tables'])} tabel, "
               f"{len(manifest['files'])} berkas, revisi skema {manifest['revision'] or '(tanpa migrasi)'}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Restore a backup into an EMPTY database at the same schema revision (all or nothing)."""
    if not yes:
        click.confirm(f"Pulihkan {path} ke {db.engine.url.render_as_string(hide_password=True)}?", abort=True)
    try:
        result = restore(path)
    except MaintenanceError as exc:  # raised before the commit: the rows are rolled back, the files removed
        raise CommandFailed(f"Pemulihan dibatalkan, tidak ada yang diubah: {exc}", exit_code=2) from exc
    click.echo(f"Dipulihkan: {sum(result.tables.values())} baris, {result.files} berkas.")


@click.command("cleanup-uploads")
@click.option("--dry-run", is_flag=True, help="Only list the files that would be removed.")
@with_appcontext
def cleanup_uploads_command(dry_run: bool) -> None:
    """Remove upload files no database row refers to (and temporary files older than an hour)."""
    found = cleanup_uploads(dry_run=dry_run)
    for path in found:
        click.echo(str(path))
    verb = "akan dihapus" if dry_run else "dihapus"
    click.echo(f"{len(found)} berkas yatim {verb}.")


@click.command("rebuild-search-index")
@with_appcontext
def rebuild_search_index_command() -> None:
    """Rebuild the full-text search index from the published pieces (after writes that bypassed the portal)."""
    count = search.rebuild_index()
    db.session.commit()
    click.echo(f"Indeks pencarian dibangun ulang: {count} tulisan terbit.")


COMMANDS = (backup_command, restore_command, cleanup_uploads_command, rebuild_search_index_command)
