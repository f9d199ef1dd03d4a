"""A restore refuses damaged and hostile backups before writing anything (issue #15).

Each backup here is a real zip: a small SQLite source is backed up (tests/builders_backup.py), then the zip is rewritten by hand (a file
the manifest does not list, a zip bomb, a header that lies about a member's size, a '../' name, a wrong hash,
a damaged or truncated zip, bad JSON lines, ...). Every one must be refused with a clear MaintenanceError,
leaving the target database (SQLite or PostgreSQL) without a row and the upload folder without a file.
"""
from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from pathlib import Path

import pytest

from portal.backup_format import FORMAT_VERSION, MANIFEST
from portal.extensions import db
from portal.maintenance import MaintenanceError, restore
from tests.builders_backup import (
    PHOTO,
    SOURCE_FILES,
    add_upload,
    assert_nothing_written,
    craft,
    declare_size,
    make_small_backup,
    rename_upload,
)


@pytest.fixture
def small_backup(tmp_path, app) -> Path:
    return make_small_backup(tmp_path)


def refused(app, tmp_path, zip_path: Path, match: str) -> None:
    with pytest.raises(MaintenanceError, match=match):
        restore(zip_path)
    db.session.rollback()
    assert_nothing_written(app, tmp_path)


def test_the_untouched_backup_restores(app, tmp_path, small_backup):
    with zipfile.ZipFile(small_backup) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        assert manifest["format_version"] == FORMAT_VERSION
        assert manifest["sizes"] == {i.filename: i.file_size for i in zf.infolist() if i.filename != MANIFEST}
    result = restore(small_backup)
    assert result.files == 2 and result.tables["province"] == 1
    root = Path(app.config["UPLOAD_DIR"])
    assert {rel: Path(root, rel).read_bytes() for rel in SOURCE_FILES} == SOURCE_FILES
    assert not list(root.rglob(".tmp-*"))


def test_a_format_1_backup_without_sizes_still_restores(app, tmp_path, small_backup):
    def version_1(data):
        data["format_version"] = 1
        del data["sizes"]

    old = craft(small_backup, tmp_path / "v1.zip", manifest=version_1, follow_sizes=False)
    assert restore(old).files == 2


@pytest.mark.parametrize("name", ["uploads/photos/zz/extra.jpg", "run.sh", "data/extra.jsonl", "uploads/.htaccess"])
def test_refuses_a_file_the_manifest_does_not_list(app, tmp_path, small_backup, name):
    evil = craft(small_backup, tmp_path / "unlisted.zip", members=lambda c: c.update({name: b"#!/bin/sh\nrm -rf /\n"}))
    refused(app, tmp_path, evil, f"tidak tercantum di manifest: {name}")


@pytest.mark.parametrize("name", [
    "uploads/../../escaped.txt", "uploads/photos/../../../escaped.txt", "/tmp/escaped.txt", "/escaped.txt",
    "uploads\\..\\..\\escaped.txt", "uploads//escaped.txt", "uploads/./escaped.txt", "C:/escaped.txt",
])
def test_refuses_names_that_leave_the_upload_folder(app, tmp_path, small_backup, name):
    members, manifest = rename_upload(PHOTO, name)
    listed = craft(small_backup, tmp_path / "listed.zip", members=members, manifest=manifest)
    refused(app, tmp_path, listed, "tidak aman")
    unlisted = craft(small_backup, tmp_path / "unlisted.zip", members=lambda c: c.update({name: b"x"}))
    refused(app, tmp_path, unlisted, "tidak aman")


def test_refuses_a_hash_mismatch_and_takes_back_the_files_already_written(app, tmp_path, small_backup):
    def damage(contents):  # the photo comes after the document: the document is written, then taken back
        body = contents[f"uploads/{PHOTO}"]
        contents[f"uploads/{PHOTO}"] = bytes([body[0] ^ 1]) + body[1:]

    refused(app, tmp_path, craft(small_backup, tmp_path / "hash.zip", members=damage), "hash tidak cocok")


def test_refuses_a_zip_bomb_above_the_member_limit(app, tmp_path, small_backup):
    app.config["RESTORE_MAX_MEMBER_BYTES"] = 8 << 20
    members, manifest = add_upload("media/zz/bom.mp4", bytes(32 << 20))  # 32 MiB of zeros: about 32 KB zipped
    bomb = craft(small_backup, tmp_path / "bomb.zip", members=members, manifest=manifest)
    assert bomb.stat().st_size < 200_000
    refused(app, tmp_path, bomb, "media/zz/bom.mp4 berukuran 32.0 MiB .* RESTORE_MAX_MEMBER_BYTES")


def test_refuses_a_member_declared_larger_than_the_default_limit(app, tmp_path, small_backup):
    members, manifest = add_upload("media/zz/bom.mp4", bytes(1 << 20))

    def declared(data):
        manifest(data)
        data["sizes"]["uploads/media/zz/bom.mp4"] = 3 << 30

    bomb = craft(small_backup, tmp_path / "bomb.zip", members=members, manifest=manifest)
    bomb = craft(bomb, tmp_path / "bomb-3g.zip", manifest=declared, follow_sizes=False)
    declare_size(bomb, "uploads/media/zz/bom.mp4", 3 << 30)
    refused(app, tmp_path, bomb, "3072.0 MiB .* RESTORE_MAX_MEMBER_BYTES")


def test_refuses_a_backup_above_the_total_limit(app, tmp_path, small_backup):
    app.config["RESTORE_MAX_TOTAL_BYTES"] = 8000  # each member fits, the two files together do not
    refused(app, tmp_path, small_backup, "RESTORE_MAX_TOTAL_BYTES")


@pytest.mark.parametrize("member", [f"uploads/{PHOTO}", "data/region.jsonl"])
def test_stops_a_member_that_inflates_beyond_what_its_header_says(app, tmp_path, small_backup, member):
    honest = bytes(4 << 20) if member.startswith("uploads/") else b'{"id": 1, "code": "W1", "name": "x"}\n' * 50_000
    declared = 1000

    def members(contents):
        contents[member] = honest

    def manifest(data):  # the manifest agrees with the lie: the zip's header is all there is to go by
        if member.startswith("uploads/"):
            data["files"][PHOTO] = hashlib.sha256(honest[:declared]).hexdigest()
        data["sizes"][member] = declared

    liar = craft(small_backup, tmp_path / "liar.zip", members=members)
    liar = craft(liar, tmp_path / "liar-2.zip", manifest=manifest, follow_sizes=False)
    declare_size(liar, member, declared)
    with zipfile.ZipFile(liar) as zf:
        assert zf.getinfo(member).file_size == declared
    refused(app, tmp_path, liar, f"{member} mengembang melebihi ukuran yang dinyatakan")


def test_refuses_sizes_where_the_manifest_and_the_zip_disagree(app, tmp_path, small_backup):
    def wrong(data):
        data["sizes"][f"uploads/{PHOTO}"] += 1

    refused(app, tmp_path, craft(small_backup, tmp_path / "sizes.zip", manifest=wrong, follow_sizes=False),
            "berbeda antara daftar isi zip .* dan manifest")


def _drop(name):
    return lambda contents: contents.pop(name)


def _append(name, line: bytes):
    return lambda contents: contents.update({name: contents[name] + line})


def _region_id(contents):
    contents["data/region.jsonl"] = contents["data/region.jsonl"].replace(b'"id": 1', b'"id": "satu"')


def _twice(contents):
    contents["data/region.jsonl"] += contents["data/region.jsonl"]


DAMAGED = {
    "missing table file": (dict(members=_drop("data/kmw.jsonl")), "tidak memuat data/kmw.jsonl"),
    "table in neither zip nor manifest": (dict(members=_drop("data/kmw.jsonl"),
                                               manifest=lambda d: d["tables"].pop("kmw")),
                                          "tidak memuat tabel kmw"),
    "missing listed upload": (dict(members=_drop(f"uploads/{PHOTO}")), f"tidak memuat uploads/{PHOTO}"),
    "bad JSON line": (dict(members=_append("data/province.jsonl", b'{"id": 7, "code": \n')),
                      "Baris 2 di data/province.jsonl rusak"),
    "JSON line not an object": (dict(members=_append("data/province.jsonl", b"[1, 2]\n")), "bukan objek JSON"),
    "line not UTF-8": (dict(members=_append("data/province.jsonl", b'{"name": "\xff\xfe"}\n')), "rusak"),
    "value the column cannot take": (dict(members=_region_id), "Baris 1 di data/region.jsonl: nilai tidak sah"),
    "unknown column": (dict(members=_append("data/region.jsonl", b'{"id": 2, "warna": "merah"}\n')),
                       "Kolom warna tidak ada"),
    "rows the database refuses": (dict(members=_twice, manifest=lambda d: d["tables"].update(region=2)),
                                  "Data tabel region tidak dapat dimuat"),
    "row count unlike the manifest": (dict(manifest=lambda d: d["tables"].update(province=2)),
                                      "Jumlah baris province tidak cocok"),
    "manifest not JSON": (dict(raw_manifest=b'{"format": "bp-portal-backup", '), "manifest.json rusak"),
    "manifest of another program": (dict(raw_manifest=b'{"format": "lain"}'), "Format cadangan tidak dikenal"),
    "manifest with a bad hash": (dict(manifest=lambda d: d["files"].update({PHOTO: "abc"})), "isian files"),
    "manifest with bad counts": (dict(manifest=lambda d: d["tables"].update(region=-1)), "isian tables"),
    "stored with bzip2": (dict(compress_type=zipfile.ZIP_BZIP2), "tidak dikenal"),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_refuses_damaged_contents(app, tmp_path, small_backup, case):
    edits, match = DAMAGED[case]
    refused(app, tmp_path, craft(small_backup, tmp_path / "rusak.zip", **edits), match)


def test_refuses_a_member_present_twice(app, tmp_path, small_backup):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate name it is asked to write
        twice = craft(small_backup, tmp_path / "twice.zip")
        with zipfile.ZipFile(twice, "a") as zf:
            zf.writestr(f"uploads/{PHOTO}", b"another photo")
    refused(app, tmp_path, twice, "muncul lebih dari sekali")


def test_refuses_damaged_compressed_data(app, tmp_path, small_backup):
    with zipfile.ZipFile(small_backup) as zf:
        info = zf.getinfo("data/province.jsonl")
    raw = bytearray(small_backup.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start, start + info.compress_size):
        raw[i] ^= 0x55
    damaged = tmp_path / "flipped.zip"
    damaged.write_bytes(bytes(raw))
    refused(app, tmp_path, damaged, "data/province.jsonl rusak di dalam cadangan")


@pytest.mark.parametrize("keep", [0.5, 0.9, -1, -22, 100])
def test_refuses_a_truncated_zip(app, tmp_path, small_backup, keep):
    raw = small_backup.read_bytes()
    cut = tmp_path / "terpotong.zip"
    cut.write_bytes(raw[:int(len(raw) * keep)] if isinstance(keep, float) else raw[:keep])
    refused(app, tmp_path, cut, "bukan berkas zip yang utuh")


def test_refuses_a_file_that_is_not_a_zip_or_not_there(app, tmp_path):
    (tmp_path / "catatan.zip").write_text("bukan zip")
    refused(app, tmp_path, tmp_path / "catatan.zip", "bukan berkas zip yang utuh")
    refused(app, tmp_path, tmp_path / "tidak-ada.zip", "tidak ada")


def test_never_overwrites_another_file_and_keeps_an_identical_one(app, tmp_path, small_backup):
    root = Path(app.config["UPLOAD_DIR"])
    other = root / PHOTO
    other.parent.mkdir(parents=True)
    other.write_bytes(b"a photo that was here before")
    with pytest.raises(MaintenanceError, match="sudah ada dengan isi lain"):
        restore(small_backup)
    assert other.read_bytes() == b"a photo that was here before"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [PHOTO]
    other.write_bytes(SOURCE_FILES[PHOTO])
    assert restore(small_backup).files == 2
    assert {rel: (root / rel).read_bytes() for rel in SOURCE_FILES} == SOURCE_FILES
