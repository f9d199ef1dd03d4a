"""Operator tools for faults: a portable backup and restore, removing orphan upload files, rebuilding the search index.

A backup is one zip file that works on SQLite and PostgreSQL alike::

    manifest.json             format, created_at, schema revision (alembic_version), dialect, row counts, file hashes
    data/<table>.jsonl        every table of ``db.metadata``, in dependency order, one JSON object per row
    uploads/<path>            every file under UPLOAD_DIR (photos, media, documents)

Values are written as JSON: datetimes and dates as ISO 8601 strings, enums by their stored value. A restore
goes into an EMPTY database at the SAME schema revision, in one transaction; PostgreSQL sequences are then
moved past the restored ids so new rows do not collide, and the full-text search index (derived data, not backed
up) is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from enum import Enum as PyEnum
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Boolean, Date, DateTime, Enum, Float, Integer, String, Table, Text, func, inspect, select, text

from portal import search
from portal.db import update_planner_statistics
from portal.extensions import db
from portal.failures import PortalError
from portal.page_cache import page_cache

FORMAT = "bp-portal-backup"
FORMAT_VERSION = 1
CHUNK = 2000
TEMP_GRACE_SECONDS = 3600


class MaintenanceError(PortalError):
    """A refused backup or restore; the message says what to do."""


# --- values ------------------------------------------------------------------------------------

def _to_json(value):
    if isinstance(value, PyEnum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _from_json(column, value):
    """Turn a JSON value back into what the column's type binds."""
    if value is None:
        return None
    kind = column.type
    impl = getattr(kind, "impl", kind)  # TypeDecorator (UTCDateTime) -> DateTime
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(impl, DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if isinstance(impl, Date):
        return date.fromisoformat(value)
    if isinstance(impl, Boolean):
        return bool(value)
    if isinstance(impl, Float):
        return float(value)
    if isinstance(impl, Integer):
        return int(value)
    if isinstance(impl, (String, Text)):
        return str(value)
    return value


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

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _upload_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".tmp-"))


def backup(target: Path) -> dict:
    """Write the whole database and every upload file to the zip ``target``; returns the manifest."""
    target = Path(target)
    partial = target.with_name(target.name + ".part")
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
            files[rel] = _sha256(path)
            zf.write(path, f"uploads/{rel}", compress_type=zipfile.ZIP_STORED)  # photos are compressed already
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": datetime.now(timezone.utc).isoformat(), "revision": revision,
            "dialect": engine.dialect.name, "tables": counts, "files": files,
        }
        zf.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
    partial.replace(target)  # a crash mid-backup never leaves a zip that looks complete
    return manifest


def _dump_table(conn, table: Table, zf: zipfile.ZipFile) -> int:
    names = [c.name for c in table.columns]
    n = 0
    query = select(table).order_by(*_order_columns(table))
    with zf.open(f"data/{table.name}.jsonl", "w", force_zip64=True) as out:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(query)
        for row in result:
            line = json.dumps({k: _to_json(v) for k, v in zip(names, row)}, ensure_ascii=False)
            out.write(line.encode("utf-8") + b"\n")
            n += 1
    return n


# --- restore -----------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0


def read_manifest(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except KeyError:
        raise MaintenanceError("Berkas ini bukan cadangan portal: manifest.json tidak ada.") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise MaintenanceError("Format cadangan tidak dikenal; gunakan versi portal yang membuatnya.")
    return manifest


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


def _safe_member(name: str) -> PurePosixPath:
    rel = PurePosixPath(name[len("uploads/"):])
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise MaintenanceError(f"Nama berkas tidak aman di dalam cadangan: {name}")
    return rel


def restore(source: Path) -> RestoreResult:
    """Load a backup into the app's empty database and UPLOAD_DIR; all or nothing."""
    result = RestoreResult()
    root = Path(current_app.config["UPLOAD_DIR"])
    written: list[Path] = []
    engine = db.engine
    with zipfile.ZipFile(source) as zf:
        manifest = read_manifest(zf)
        members = set(zf.namelist())
        uploads = [n for n in zf.namelist() if n.startswith("uploads/") and not n.endswith("/")]
        db.session.remove()
        try:
            with engine.begin() as conn:
                check_target(conn, manifest)
                for table in _tables():
                    name = f"data/{table.name}.jsonl"
                    if name not in members:
                        raise MaintenanceError(f"Cadangan tidak memuat tabel {table.name}; skema berbeda.")
                    result.tables[table.name] = _load_table(conn, table, zf.open(name))
                    if result.tables[table.name] != manifest["tables"].get(table.name):
                        raise MaintenanceError(f"Jumlah baris {table.name} tidak cocok dengan manifest; cadangan rusak.")
                for member in uploads:  # files before commit: a failure below undoes both
                    rel = _safe_member(member)
                    path = root.joinpath(*rel.parts)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(member) as src, path.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    written.append(path)
                    expected = manifest["files"].get(rel.as_posix())
                    if expected and _sha256(path) != expected:
                        raise MaintenanceError(f"Berkas {rel} rusak di dalam cadangan (hash tidak cocok).")
                result.files = len(written)
                if conn.dialect.name == "postgresql":
                    reset_sequences(conn)
                search.rebuild_index(conn)  # derived data, not in the backup
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        update_planner_statistics(engine)
    cache = page_cache()
    if cache is not None:  # rows were written below the ORM: the cached public pages know nothing of them
        cache.invalidate()
    return result


def _load_table(conn, table: Table, stream) -> int:
    columns = {c.name: c for c in table.columns}
    batch: list[dict] = []
    n = 0
    for raw in stream:
        if not raw.strip():
            continue
        row = json.loads(raw)
        unknown = set(row) - set(columns)
        if unknown:
            raise MaintenanceError(f"Kolom {', '.join(sorted(unknown))} tidak ada di tabel {table.name}; skema berbeda.")
        batch.append({k: _from_json(columns[k], v) for k, v in row.items()})
        if len(batch) >= CHUNK:
            conn.execute(table.insert(), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        n += len(batch)
    return n


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
    except (MaintenanceError, zipfile.BadZipFile) as exc:
        click.echo(f"Pemulihan dibatalkan, tidak ada yang diubah: {exc}", err=True)
        sys.exit(2)
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
