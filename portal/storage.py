"""Uploaded files on disk: random names, atomic writes, and finding files that no row points to.

Layout under ``UPLOAD_DIR``::

    photos/<k2>/<key>.<variant>.jpg      variants: original, display, phone, thumb
    media/<k2>/<key>.<ext>               the file of a media piece
    documents/<k2>/<key>.<ext>           knowledge-product documents

``<key>`` comes from ``secrets.token_urlsafe`` (never the uploaded name); ``<k2>`` is its first two
characters, so no directory grows to tens of thousands of entries. Files are written before their
database row exists, so a crash leaves at most an orphan file, never a row without its file;
``orphans()`` finds those files (with a grace period for uploads still in flight).
"""
from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path

from flask import current_app

from portal.extensions import db
from portal.models.pieces import KnowledgeProduct, MediaFile, Photo

KINDS = ("photos", "media", "documents")


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
    """Write ``data`` to a temporary file in the same directory, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        _unlink(Path(tmp))
        raise


def remove_files(paths) -> None:
    """Remove files, ignoring ones already gone (used to undo a failed upload and after deleting a row)."""
    for path in paths:
        _unlink(Path(path))


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def key_of(path: Path) -> str:
    """The storage key of a stored file name (``<key>.<variant>.jpg`` or ``<key>.<ext>``)."""
    return path.name.split(".", 1)[0]


def _known_keys() -> dict[str, set[str]]:

    return {
        "photos": set(db.session.scalars(db.select(Photo.storage_key))),
        "media": set(db.session.scalars(db.select(MediaFile.storage_key))),
        "documents": set(db.session.scalars(
            db.select(KnowledgeProduct.document_key).where(KnowledgeProduct.document_key.is_not(None)))),
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
    """Delete the files ``orphans()`` finds (unless ``dry_run``); returns them."""
    found = orphans(grace_seconds)
    if not dry_run:
        remove_files(found)
    return found
