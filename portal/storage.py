"""Uploaded files on disk: random names, atomic writes, and finding files that no row points to.

Layout under ``UPLOAD_DIR``::

    photos/<k2>/<key>.<variant>.jpg      variants: original, display, phone, thumb
    media/<k2>/<key>.<ext>               the file of a media piece
    documents/<k2>/<key>.<ext>           knowledge-product documents
    imports/<k2>/<key>.<part>            a converted Word document waiting for the writer's review (no row:
                                         removed when used or cancelled, else as an orphan once stale)
    books/<k2>/<key>.pdf|.epub|.cover.jpg  the files of an anthology book's last successful build

``<key>`` comes from ``secrets.token_urlsafe`` (never the uploaded name); ``<k2>`` is its first two
characters, so no directory grows to tens of thousands of entries. Files are written before their
database row exists, so a crash leaves at most an orphan file, never a row without its file;
``orphans()`` finds those files (with a grace period for uploads still in flight).

A disk that is full or will not be written (``ENOSPC``, ``EDQUOT``, ``EROFS``, ``EACCES``...) makes
:func:`write_atomic` raise :class:`StorageUnavailable`, whose message tells the uploader; the app's error handler
(``portal/errors.py``) answers it for every upload endpoint. Upload sizes are read and worded here too.
"""
from __future__ import annotations

import errno
import io
import logging
import math
import os
import secrets
import tempfile
import time
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

from portal.extensions import db
from portal.models.books import AnthologyBook
from portal.models.pieces import KnowledgeProduct, MediaFile, Photo

log = logging.getLogger(__name__)

KINDS = ("photos", "media", "documents", "imports", "books")
TRANSIENT_KINDS = ("imports",)  # no row ever refers to them; never backed up
FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class StorageUnavailable(OSError):
    """The upload folder refused a file: full, read-only, not ours. An ``OSError`` with the cause's errno;
    ``message`` tells the uploader, in Indonesian, that this file is not stored and what they typed is."""

    def __init__(self, cause: OSError):
        super().__init__(cause.errno, cause.strerror or str(cause), cause.filename)
        self.cause = cause
        self.full = cause.errno in FULL

    @property
    def message(self) -> str:
        if self.full:
            return _("Penyimpanan penuh: berkas ini belum tersimpan. Isian Anda yang lain tetap tersimpan; "
                     "coba unggah lagi nanti.")
        return _("Penyimpanan berkas sedang tidak dapat ditulisi: berkas ini belum tersimpan. Isian Anda yang lain "
                 "tetap tersimpan; coba unggah lagi nanti.")


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def new_key() -> str:
    """A random, URL-safe storage key (32 characters)."""
    return secrets.token_urlsafe(24)


def path_for(kind: str, key: str, suffix: str) -> Path:
    """Where the file ``<key><suffix>`` of ``kind`` lives; the key is checked so no path can escape."""
    if kind not in KINDS:
        raise ValueError(f"unknown storage kind: {kind!r}")
    if not key or not all(c.isalnum() or c in "-_" for c in key):
        raise ValueError("invalid storage key")
    return upload_root() / kind / key[:2] / f"{key}{suffix}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file in the same directory, then rename it into place.

    Raises :class:`StorageUnavailable` when the file system refuses (nothing is left behind); the operators find
    the ``OSError`` with its path in the log."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        if tmp is not None:
            _unlink(Path(tmp))
        if isinstance(error, OSError):
            log.error("the upload folder refused a file: %s", error)
            raise StorageUnavailable(error) from error
        raise


def remove_files(paths) -> list[Path]:
    """Remove files, ignoring ones already gone (used to undo a failed upload and after deleting a row).

    A file the file system will not remove (read-only, gone bad) is logged and left: its row is already gone or
    never came, so ``cleanup-uploads`` finds it later. Returns the files left behind."""
    left = []
    for path in paths:
        if not _unlink(Path(path)):
            left.append(Path(path))
    return left


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("could not remove an uploaded file: %s", error)
        return False
    return True


def key_of(path: Path) -> str:
    """The storage key of a stored file name (``<key>.<variant>.jpg`` or ``<key>.<ext>``)."""
    return path.name.split(".", 1)[0]


def _known_keys() -> dict[str, set[str]]:

    return {
        "photos": set(db.session.scalars(db.select(Photo.storage_key))),
        "media": set(db.session.scalars(db.select(MediaFile.storage_key))),
        "documents": set(db.session.scalars(
            db.select(KnowledgeProduct.document_key).where(KnowledgeProduct.document_key.is_not(None)))),
        "imports": set(),  # a review left open is stale after the grace period
        "books": set(db.session.scalars(
            db.select(AnthologyBook.file_key).where(AnthologyBook.file_key.is_not(None)))),
    }


def orphans(grace_seconds: int = 3600) -> list[Path]:
    """Stored files (and left-over temporary files) with no database row, older than ``grace_seconds``.

    The grace period protects uploads in flight: their files exist a moment before their row does.
    """
    root = upload_root()
    known = _known_keys()
    cutoff = time.time() - grace_seconds
    found: list[Path] = []
    for kind in KINDS:
        base = root / kind
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            if path.name.startswith(".tmp-") or key_of(path) not in known[kind]:
                found.append(path)
    return sorted(found)


def cleanup_orphans(grace_seconds: int = 3600, dry_run: bool = False) -> list[Path]:
    """Delete the files ``orphans()`` finds (unless ``dry_run``); returns the ones deleted (or to delete)."""
    found = orphans(grace_seconds)
    if dry_run:
        return found
    left = set(remove_files(found))
    return [p for p in found if p not in left]


# --- upload sizes ----------------------------------------------------------------------------------

KB = 1024
MB = 1024 * 1024


class FileTooLarge(ValueError):
    """An upload over its limit; ``str(error)`` states its real size and the limit."""

    def __init__(self, size: int, limit: int):
        super().__init__(too_large_message(size, limit))
        self.size, self.limit = size, limit


def read_upload(upload, limit: int) -> bytes:
    """The bytes of an uploaded file (a werkzeug ``FileStorage``), or :class:`FileTooLarge` with its real size.

    At most ``limit + 1`` bytes are held; the size of a larger file is found by seeking to its end (werkzeug
    spools uploads to a temporary file) or, on a stream that cannot seek, by reading the rest in chunks."""
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(_stream_size(upload.stream, len(data)), limit)
    return data


def _stream_size(stream, already_read: int) -> int:
    try:
        stream.seek(0, io.SEEK_END)
        return stream.tell()
    except (AttributeError, OSError, ValueError):
        size = already_read
        while chunk := stream.read(MB):
            size += len(chunk)
        return size


def too_large_message(size: int, limit: int) -> str:
    """The one message for a file over its limit, e.g. "Berkas 16,0 MB melebihi batas maksimal 15 MB"."""
    return _("Berkas %(size)s melebihi batas maksimal %(limit)s. Kecilkan berkas lalu unggah lagi.",
             size=format_size(size, round_up=True), limit=format_size(limit))


def format_size(n_bytes: int, *, round_up: bool = False) -> str:
    """``n_bytes`` in MB (KB, bytes below that): whole numbers as they are ("15 MB"), others to a tenth ("16,4 MB").

    ``round_up`` (a file's size against a limit) rounds up and always shows the tenth, so a file just over a
    limit of 15 MB reads "15,1 MB", never "15,0 MB"."""
    if n_bytes < KB:
        return f"{n_bytes} B"
    unit, scale = ("MB", MB) if n_bytes >= MB else ("KB", KB)
    if n_bytes % scale == 0 and not round_up:
        return f"{format_decimal(n_bytes // scale)} {unit}"
    tenths = n_bytes * 10 / scale
    tenths = math.ceil(tenths) if round_up else math.floor(tenths)
    return f"{format_decimal(tenths / 10, format='#,##0.0')} {unit}"
