"""The backup zip: its layout, its values, and reading one without trusting it.

A backup is one zip file that works on SQLite and PostgreSQL alike::

    manifest.json             format, format_version, created_at, schema revision (alembic_version), dialect,
                              tables (row counts), files (upload path -> SHA-256), sizes (member -> bytes unpacked)
    data/<table>.jsonl        every table of ``db.metadata``, in dependency order, one JSON object per row
    uploads/<path>            every file under UPLOAD_DIR (photos, media, documents)

Values are written as JSON: datetimes and dates as ISO 8601 strings, enums by their stored value.

A restore reads a zip someone hands it, so before anything is written :func:`inspect_backup` checks that the
zip's directory and the manifest agree: no name leaves its folder, every member is listed (the manifest, a
table, an upload with its hash) and present once, and each member and the whole stay under
``RESTORE_MAX_MEMBER_BYTES`` and ``RESTORE_MAX_TOTAL_BYTES`` by the directory's sizes and the manifest's. While
unpacking, :func:`read_blocks` stops a member that yields more than it declared (a zip's header can lie) and
turns damaged compressed data into a :class:`MaintenanceError`.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum as PyEnum
from pathlib import Path

from sqlalchemy import Boolean, Date, DateTime, Enum, Float, Integer, String, Text

from portal.failures import PortalError

FORMAT = "bp-portal-backup"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 had no "sizes"; its members are checked by the zip's directory alone
MANIFEST = "manifest.json"
BLOCK = 1 << 20
MAX_MANIFEST_BYTES = 256 << 20  # about a million upload files listed with their hashes and sizes
MAX_ROW_BYTES = 16 << 20  # one row as a JSON line; the longest real rows (a piece's text) are a few tens of KB
SHA256 = re.compile(r"[0-9a-f]{64}")
DRIVE = re.compile(r"[A-Za-z]:")
DAMAGED_DATA = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


class MaintenanceError(PortalError):
    """A refused backup or restore; the message says what to do."""


@dataclass(frozen=True)
class RestoreLimits:
    """The most a restore unpacks: per member and in total (bytes, as unpacked)."""

    member_bytes: int
    total_bytes: int

    @classmethod
    def from_config(cls, config: Mapping) -> RestoreLimits:
        return cls(int(config["RESTORE_MAX_MEMBER_BYTES"]), int(config["RESTORE_MAX_TOTAL_BYTES"]))


@dataclass
class BackupContents:
    """A checked backup: its manifest and its members by table name and by path under UPLOAD_DIR."""

    manifest: dict
    tables: dict[str, zipfile.ZipInfo]
    uploads: dict[str, zipfile.ZipInfo]


def size_text(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB ({n} bait)" if n >= 1 << 20 else f"{n} bait"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


# --- values ------------------------------------------------------------------------------------

def to_json(value):
    if isinstance(value, PyEnum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def from_json(column, value):
    """Turn a JSON value back into what the column's type binds (ValueError or TypeError when it cannot)."""
    if value is None:
        return None
    kind = column.type
    impl = getattr(kind, "impl", kind)  # TypeDecorator (UTCDateTime) -> DateTime
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(impl, DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
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


# --- reading a backup --------------------------------------------------------------------------

@contextmanager
def open_backup(path: Path) -> Iterator[zipfile.ZipFile]:
    """The backup as an open zip; a missing, foreign, damaged or truncated file is a MaintenanceError."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise MaintenanceError(f"Berkas cadangan {path} tidak ada.") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise MaintenanceError(f"{path} bukan berkas zip yang utuh ({exc}); cadangan rusak atau terpotong.") from None
    with zf:
        yield zf


def read_blocks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, block by block; never more than its declared size, damaged data refused.

    zipfile cuts a member off at its declared size and then reports a CRC error, which hides a header that lies.
    The member is opened as declared plus one byte, without zipfile's CRC check, so data inflating beyond its
    declared size shows itself and is stopped there; the CRC is checked here instead.
    """
    declared = info.file_size
    probe = copy.copy(info)
    probe.file_size = declared + 1
    del probe.CRC  # zipfile checks the CRC only when the ZipInfo has one
    seen = 0
    crc = 0
    try:
        with zf.open(probe) as src:
            while block := src.read(BLOCK):
                seen += len(block)
                if seen > declared:
                    raise MaintenanceError(f"{info.filename} mengembang melebihi ukuran yang dinyatakan "
                                           f"({size_text(declared)}); cadangan ditolak.")
                crc = zlib.crc32(block, crc)
                yield block
    except DAMAGED_DATA as exc:
        raise MaintenanceError(f"{info.filename} rusak di dalam cadangan ({exc}); cadangan ditolak.") from None
    if seen != declared or crc != info.CRC:
        raise MaintenanceError(f"{info.filename} rusak di dalam cadangan (ukuran atau CRC tidak cocok); cadangan "
                               "ditolak.")


def read_lines(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of a JSON-lines member; a line longer than MAX_ROW_BYTES is refused."""
    pending = b""
    number = 0
    for block in read_blocks(zf, info):
        *lines, pending = (pending + block).split(b"\n")
        for line in lines:
            number += 1
            yield number, line
        if len(pending) > MAX_ROW_BYTES:
            raise MaintenanceError(f"Baris {number + 1} di {info.filename} lebih panjang dari "
                                   f"{size_text(MAX_ROW_BYTES)}; cadangan rusak.")
    if pending:
        yield number + 1, pending


def check_name(name: str) -> None:
    """Refuse a member name that is absolute, climbs out of its folder or is otherwise not a plain path."""
    parts = name.removesuffix("/").split("/")
    if (name.startswith("/") or "\\" in name or "\x00" in name or DRIVE.match(name)
            or any(part in ("", ".", "..") for part in parts)):
        raise MaintenanceError(f"Nama berkas tidak aman di dalam cadangan: {name!r}; cadangan ditolak, tidak ada "
                               "yang ditulis.")


def read_manifest(zf: zipfile.ZipFile, limits: RestoreLimits) -> dict:
    """The manifest, checked for its format and shape."""
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise MaintenanceError("Berkas ini bukan cadangan portal: manifest.json tidak ada.") from None
    _check_size(info.filename, info.file_size, limits)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise MaintenanceError(f"manifest.json berukuran {size_text(info.file_size)}, lebih dari "
                               f"{size_text(MAX_MANIFEST_BYTES)}; cadangan ditolak.")
    try:
        manifest = json.loads(b"".join(read_blocks(zf, info)))
    except ValueError:
        raise MaintenanceError("manifest.json rusak (bukan JSON yang sah); cadangan rusak.") from None
    if (not isinstance(manifest, dict) or manifest.get("format") != FORMAT
            or manifest.get("format_version") not in READABLE_VERSIONS):
        raise MaintenanceError("Format cadangan tidak dikenal; gunakan versi portal yang membuatnya.")
    _check_shape(manifest)
    return manifest


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_shape(manifest: dict) -> None:
    tables, files = manifest.get("tables"), manifest.get("files")
    sizes = manifest.get("sizes", {}) if manifest["format_version"] < 2 else manifest.get("sizes")
    problems = []
    if not isinstance(tables, dict) or not all(isinstance(k, str) and _is_count(v) for k, v in tables.items()):
        problems.append("tables")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) and SHA256.fullmatch(v)
                                              for k, v in files.items()):
        problems.append("files")
    if not isinstance(sizes, dict) or not all(isinstance(k, str) and _is_count(v) for k, v in sizes.items()):
        problems.append("sizes")
    if not isinstance(manifest.get("revision"), (str, type(None))):
        problems.append("revision")
    if problems:
        raise MaintenanceError(f"manifest.json rusak (isian {', '.join(problems)} tidak sah); cadangan rusak.")


def _check_size(name: str, declared: int, limits: RestoreLimits) -> None:
    if declared > limits.member_bytes:
        raise MaintenanceError(f"{name} berukuran {size_text(declared)} setelah dibuka, melebihi "
                               f"RESTORE_MAX_MEMBER_BYTES ({size_text(limits.member_bytes)}); cadangan ditolak, "
                               "tidak ada yang ditulis. Naikkan batas itu hanya untuk cadangan yang Anda percayai.")


def inspect_backup(zf: zipfile.ZipFile, limits: RestoreLimits) -> BackupContents:
    """Check the whole backup before anything is written; returns its members by table and by upload path."""
    infos = zf.infolist()
    for info in infos:
        check_name(info.filename)
    manifest = read_manifest(zf, limits)
    twice = sorted(name for name, n in Counter(info.filename for info in infos).items() if n > 1)
    if twice:
        raise MaintenanceError(f"Berkas {', '.join(twice[:5])} muncul lebih dari sekali di dalam cadangan; cadangan "
                               "ditolak.")
    tables = {f"data/{name}.jsonl": name for name in manifest["tables"]}
    uploads = {f"uploads/{rel}": rel for rel in manifest["files"]}
    for name in uploads:
        check_name(name)
    members = {info.filename: info for info in infos if not info.is_dir()}
    listed = {MANIFEST, *tables, *uploads}
    unlisted = sorted(set(members) - listed)
    if unlisted:
        raise MaintenanceError(f"Cadangan memuat berkas yang tidak tercantum di manifest: {', '.join(unlisted[:5])}"
                               f"{' ...' if len(unlisted) > 5 else ''}; cadangan ditolak, tidak ada yang ditulis.")
    missing = sorted(listed - set(members))
    if missing:
        raise MaintenanceError(f"Cadangan tidak memuat {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''} "
                               "yang tercantum di manifest; cadangan rusak atau tidak lengkap.")
    _check_sizes(manifest, [members[name] for name in sorted(listed)], limits)
    return BackupContents(manifest=manifest, tables={table: members[name] for name, table in tables.items()},
                          uploads={rel: members[name] for name, rel in uploads.items()})


def _check_sizes(manifest: dict, infos: list[zipfile.ZipInfo], limits: RestoreLimits) -> None:
    sizes = manifest.get("sizes")
    if sizes is not None and set(sizes) != {info.filename for info in infos} - {MANIFEST}:
        raise MaintenanceError("Isian sizes di manifest.json tidak cocok dengan isi cadangan; cadangan rusak.")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise MaintenanceError(f"{info.filename} terenkripsi atau dimampatkan dengan cara yang tidak dikenal; "
                                   "cadangan ditolak.")
        if sizes is not None and info.filename != MANIFEST and sizes[info.filename] != info.file_size:
            raise MaintenanceError(f"Ukuran {info.filename} berbeda antara daftar isi zip "
                                   f"({size_text(info.file_size)}) dan manifest ({size_text(sizes[info.filename])}); "
                                   "cadangan rusak.")
        _check_size(info.filename, info.file_size, limits)
        total += info.file_size
    if total > limits.total_bytes:
        raise MaintenanceError(f"Isi cadangan berukuran {size_text(total)} setelah dibuka, melebihi "
                               f"RESTORE_MAX_TOTAL_BYTES ({size_text(limits.total_bytes)}); cadangan ditolak, tidak "
                               "ada yang ditulis.")
