"""Backups for the restore tests: a small real backup, and the tools to rewrite one by hand."""
from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from portal import create_app
from portal.backup_format import MANIFEST
from portal.extensions import db
from portal.maintenance import backup
from portal.models.org import Kmw, Province, Region

PHOTO = "photos/ab/abcdefgh.jpg"
DOCUMENT = "documents/cd/cdefghij.pdf"
SOURCE_FILES = {PHOTO: bytes(range(256)) * 20, DOCUMENT: b"%PDF-1.4\n" + bytes(range(255, -1, -1)) * 12}


def make_small_backup(tmp_path: Path) -> Path:
    """``tmp_path/cadangan.zip``: a backup of a SQLite source of its own with a region, a KMW, a province and two
    upload files (PHOTO and DOCUMENT)."""
    source = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'source.db'}",
                         "UPLOAD_DIR": str(tmp_path / "source-uploads"), "SECRET_KEY": "k"},
                        instance_path=str(tmp_path / "source-instance"))
    with source.app_context():
        db.create_all()
        kmw = Kmw(code="KMW-A", name="KMW A", region=Region(code="W1", name="Wilayah I"))
        db.session.add(Province(code="33", name="Jawa Tengah", kmw=kmw))
        db.session.commit()
        for rel, data in SOURCE_FILES.items():
            path = Path(source.config["UPLOAD_DIR"], rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        zip_path = tmp_path / "cadangan.zip"
        backup(zip_path)
        db.engine.dispose()
    return zip_path


def _listed(manifest: dict, name: str) -> bool:
    return name in {f"data/{t}.jsonl" for t in manifest["tables"]} | {f"uploads/{f}" for f in manifest["files"]}


def craft(source: Path, out: Path, *, members=None, manifest=None, raw_manifest: bytes | None = None,
          follow_sizes: bool = True, compress_type: int = zipfile.ZIP_DEFLATED) -> Path:
    """Rewrite the backup ``source`` as ``out``: ``members(dict name -> bytes)`` and ``manifest(dict)`` edit it
    in place; the manifest's sizes then follow the members, unless ``follow_sizes`` is False."""
    with zipfile.ZipFile(source) as zf:
        contents = {name: zf.read(name) for name in zf.namelist() if name != MANIFEST}
        data = json.loads(zf.read(MANIFEST))
    if members:
        members(contents)
    if manifest:
        manifest(data)
    if follow_sizes:
        data["sizes"] = {name: len(body) for name, body in contents.items() if _listed(data, name)}
    with zipfile.ZipFile(out, "w", compression=compress_type) as zf:
        for name, body in contents.items():
            zf.writestr(name, body)
        zf.writestr(MANIFEST, raw_manifest if raw_manifest is not None else json.dumps(data))
    return out


def declare_size(zip_path: Path, name: str, size: int) -> None:
    """Make the zip's local header and central directory say ``name`` unpacks to ``size`` bytes (a lie)."""
    raw = bytearray(zip_path.read_bytes())
    with zipfile.ZipFile(zip_path) as zf:
        info, offset = zf.getinfo(name), zf.start_dir
    assert raw[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", raw, info.header_offset + 22, size)
    while raw[offset:offset + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", raw, offset + 28)
        if raw[offset + 46:offset + 46 + name_len].decode() == name:
            struct.pack_into("<I", raw, offset + 24, size)
            break
        offset += 46 + name_len + extra_len + comment_len
    else:
        raise AssertionError(f"{name} not in the central directory")
    zip_path.write_bytes(bytes(raw))


def add_upload(rel: str, body: bytes):
    """Edits that add ``body`` as a listed upload, with its right hash."""
    def members(contents):
        contents[f"uploads/{rel}"] = body

    def manifest(data):
        data["files"][rel] = hashlib.sha256(body).hexdigest()

    return members, manifest


def rename_upload(old: str, new_name: str):
    """Edits that move the upload ``old`` to the member ``new_name``, listed as such in the manifest."""
    def members(contents):
        contents[new_name] = contents.pop(f"uploads/{old}")

    def manifest(data):
        data["files"][new_name.removeprefix("uploads/")] = data["files"].pop(old)

    return members, manifest


def assert_nothing_written(app, tmp_path: Path) -> None:
    """No row in any table, no file or folder in UPLOAD_DIR, nothing named escaped* anywhere it could go."""
    for table in db.metadata.sorted_tables:
        assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
    root = Path(app.config["UPLOAD_DIR"])
    assert not root.exists() or list(root.rglob("*")) == [], list(root.rglob("*"))
    assert not list(tmp_path.rglob("escaped*")) and not Path("/escaped.txt").exists()
