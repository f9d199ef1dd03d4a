"""A crash in the middle of an upload leaves no half-saved piece, and cleanup-uploads finds its files.

A worker can die (kill -9, out of memory, power) at any point of an upload. The storage writes files
first and the rows after, in one transaction, so the possible states after a crash are:
  - a temporary ``.tmp-*.part`` file (died while writing a file),
  - complete variant files with no Photo row (died after the files, before the commit),
and never a Photo row without its files. ``flask cleanup-uploads`` removes both kinds once they are
older than an hour (younger files may belong to an upload still in flight).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from builders_submissions import jpeg
from sqlalchemy import func, select

from portal import photos, storage
from portal.extensions import db
from portal.maintenance import cleanup_uploads, orphan_uploads
from portal.models import Photo, Piece, PieceStatus


class WorkerDied(BaseException):
    """Stands in for the process dying: not an Exception, so no handler in between catches it."""


def _age(path: Path, seconds: int = 7200) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def _age_all(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            _age(path)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def _upload_piece_with_photos(team, datas, crash_after_files: bool) -> None:
    """What the upload operation does: store files, then add rows and commit in one transaction."""
    piece = Piece(team=team, period="2026-11", status=PieceStatus.DRAFT, title="Tulisan")
    db.session.add(piece)
    for i, data in enumerate(datas):
        stored = photos.store_photo(data)
        piece.photos.append(Photo(position=i, storage_key=stored.key, width=stored.width, height=stored.height,
                                  byte_size=stored.byte_size))
    if crash_after_files:
        raise WorkerDied()
    db.session.commit()


def test_crash_after_files_before_commit_leaves_no_rows_and_cleanup_finds_files(ctx, make_tree):
    tree = make_tree()
    root = storage.upload_root()
    with pytest.raises(WorkerDied):
        _upload_piece_with_photos(tree.team["semarang-TF01"], [jpeg(), jpeg(color=(1, 2, 3))], crash_after_files=True)
    db.session.rollback()  # the dead worker's transaction never committed
    assert db.session.scalar(select(func.count(Piece.id))) == 0
    assert db.session.scalar(select(func.count(Photo.id))) == 0
    left = sorted(p for p in root.rglob("*") if p.is_file())
    assert len(left) == 2 * len(photos.VARIANTS)

    assert orphan_uploads() == []  # too young: could be an upload still in flight
    _age_all(root)
    assert orphan_uploads() == left
    assert cleanup_uploads(dry_run=True) == left and all(p.exists() for p in left)
    assert cleanup_uploads() == left
    assert not any(p.is_file() for p in root.rglob("*"))


def test_crash_while_writing_a_file_leaves_only_a_temporary_file(ctx, monkeypatch):
    original_fsync = os.fsync

    def die(fd):
        raise WorkerDied()

    monkeypatch.setattr(os, "fsync", die)
    target = storage.path_for("photos", storage.new_key(), ".original.jpg")
    # write_atomic removes its temporary file on the way out; a real kill -9 would not, so write one by hand too.
    with pytest.raises(WorkerDied):
        storage.write_atomic(target, b"half a photo")
    monkeypatch.setattr(os, "fsync", original_fsync)
    assert not target.exists()
    stray = target.parent / ".tmp-killed.part"
    stray.write_bytes(b"half a photo")
    _age(stray)
    assert orphan_uploads() == [stray]
    cleanup_uploads()
    assert not stray.exists()


def test_complete_upload_is_kept(ctx, make_tree):
    tree = make_tree()
    _upload_piece_with_photos(tree.team["semarang-TF01"], [jpeg(), jpeg(color=(9, 9, 9))], crash_after_files=False)
    root = storage.upload_root()
    _age_all(root)
    stray_dir = root / "photos" / "zz"
    stray_dir.mkdir(parents=True, exist_ok=True)
    orphan = stray_dir / "zzOrphanKey.thumb.jpg"
    orphan.write_bytes(b"x")
    doc = storage.path_for("documents", "NoSuchProduct", ".pdf")
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_bytes(b"%PDF")
    temp_elsewhere = root / ".tmp-stray.part"
    temp_elsewhere.write_bytes(b"")
    for p in (orphan, doc, temp_elsewhere):
        _age(p)
    assert cleanup_uploads() == sorted([orphan, doc, temp_elsewhere])
    kept = [p for p in root.rglob("*") if p.is_file()]
    assert len(kept) == 2 * len(photos.VARIANTS)
    keys = set(db.session.scalars(select(Photo.storage_key)))
    assert {storage.key_of(p) for p in kept} == keys


def test_cleanup_command(ctx, runner):
    root = storage.upload_root()
    orphan = storage.path_for("media", storage.new_key(), ".mp3")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"ID3")
    _age(orphan)
    listed = runner.invoke(args=["cleanup-uploads", "--dry-run"])
    assert listed.exit_code == 0 and str(orphan) in listed.output and "1 berkas yatim akan dihapus" in listed.output
    assert orphan.exists()
    removed = runner.invoke(args=["cleanup-uploads"])
    assert removed.exit_code == 0 and "1 berkas yatim dihapus" in removed.output
    assert not orphan.exists() and root.is_dir()


def test_cleanup_with_no_upload_folder(ctx):
    assert not storage.upload_root().exists()
    assert cleanup_uploads() == []
