"""The photo pipeline and storage: formats, bad files, bombs, EXIF, variants, atomic storage and orphans."""
import io
import os
import time

import pytest
from builders_submissions import (
    HTML_AS_JPG,
    SVG_WITH_SCRIPT,
    jpeg,
    jpeg_with_gps,
    png,
    png_bomb,
    truncated_jpeg,
    webp,
)
from PIL import Image

from portal import photos, storage


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def open_variant(key, variant):
    return Image.open(photos.photo_path(key, variant))


@pytest.mark.parametrize("data", [jpeg(), png(), png(900, 700, "RGBA"), webp()], ids=["jpeg", "png", "png-alpha", "webp"])
def test_accepted_formats_make_every_variant(app, data):
    stored = photos.store_photo(data)
    for variant in photos.VARIANTS:
        path = photos.photo_path(stored.key, variant)
        assert path.exists()
        with Image.open(path) as img:
            assert img.format == "JPEG"
    assert stored.key not in ("photo", "upload") and len(stored.key) >= 30


def test_heic_is_accepted(app):
    from pillow_heif import from_pillow

    buf = io.BytesIO()
    from_pillow(Image.new("RGB", (800, 600), (1, 2, 3))).save(buf, quality=60)
    stored = photos.store_photo(buf.getvalue())
    assert (stored.width, stored.height) == (800, 600)


def test_twelve_megapixel_photo_is_scaled_down(app):
    stored = photos.store_photo(jpeg(4032, 3024, quality=60))
    # Decoded at half scale (the JPEG scale nearest above PHOTO_ORIGINAL_LONG_SIDE); the row records what is kept.
    assert (stored.width, stored.height) == (2016, 1512)
    assert max(open_variant(stored.key, "display").size) == 1600
    assert max(open_variant(stored.key, "phone").size) == 800
    assert max(open_variant(stored.key, "thumb").size) == 400
    assert open_variant(stored.key, "original").size == (2016, 1512)


@pytest.mark.parametrize("data,fragment", [
    (b"just some text, not a photo", "bukan foto"),
    (truncated_jpeg(), "bukan foto"),
    (HTML_AS_JPG, "bukan foto"),
    (SVG_WITH_SCRIPT, "bukan foto"),
    (png_bomb(), "terlalu besar"),
    (jpeg(1, 1), "minimal 640 x 480"),
    (jpeg(600, 460), "minimal 640 x 480"),
    (b"", "kosong"),
], ids=["text", "truncated-jpeg", "html-as-jpg", "svg-script", "bomb-20000x20000", "1x1", "too-small", "empty"])
def test_bad_files_are_refused_and_leave_nothing(app, data, fragment):
    with pytest.raises(photos.PhotoError) as err:
        photos.store_photo(data)
    assert fragment in str(err.value)
    root = storage.upload_root()
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_bomb_below_pillow_limit_is_refused_by_config(app):
    app.config["PHOTO_MAX_PIXELS"] = 1000 * 1000
    with pytest.raises(photos.PhotoError, match="terlalu besar"):
        photos.store_photo(jpeg(1280, 960))


def test_over_size_limit_refused(app):
    app.config["PHOTO_MAX_BYTES"] = 1000
    with pytest.raises(photos.PhotoError, match="maksimal"):
        photos.store_photo(jpeg())


def test_exif_gps_is_gone_and_orientation_applied(app):
    data = jpeg_with_gps(960, 640, orientation=6)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload really carries GPS
    stored = photos.store_photo(data)
    assert (stored.width, stored.height) == (640, 960)  # rotated upright
    for variant in photos.VARIANTS:
        raw = photos.photo_path(stored.key, variant).read_bytes()
        assert b"Exif" not in raw and b"KameraUji" not in raw
        with Image.open(io.BytesIO(raw)) as img:
            assert not img.getexif()
            assert img.size[1] > img.size[0]


def test_remove_photo_deletes_every_variant(app):
    stored = photos.store_photo(jpeg())
    photos.remove_photo(stored.key)
    assert not any(photos.photo_path(stored.key, v).exists() for v in photos.VARIANTS)


def test_storage_keys_cannot_escape(app):
    with pytest.raises(ValueError):
        storage.path_for("photos", "../../etc/passwd", ".jpg")
    with pytest.raises(ValueError):
        storage.path_for("secrets", "abc", ".jpg")


def test_atomic_write_leaves_no_partial_file(app, monkeypatch):
    target = storage.path_for("media", storage.new_key(), ".mp3")

    def boom(*a):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        storage.write_atomic(target, b"x" * 100)
    assert not target.exists() and not any(target.parent.iterdir())


def test_orphans_found_and_cleaned(app, make_tree, make_piece):
    from portal.extensions import db

    tree = make_tree()
    piece = make_piece(tree.team["semarang-TF01"], photos=0)
    kept = photos.store_photo(jpeg())
    lost = photos.store_photo(jpeg())
    fresh = photos.store_photo(jpeg())
    from portal.models.pieces import Photo

    db.session.add(Photo(piece=piece, storage_key=kept.key, width=kept.width, height=kept.height))
    db.session.commit()
    old = time.time() - 7200
    for key in (kept.key, lost.key):
        for v in photos.VARIANTS:
            os.utime(photos.photo_path(key, v), (old, old))
    found = storage.orphans(grace_seconds=3600)
    assert {storage.key_of(p) for p in found} == {lost.key}  # fresh one is in its grace period
    assert storage.cleanup_orphans(dry_run=True) == found and all(p.exists() for p in found)
    storage.cleanup_orphans()
    assert not any(p.exists() for p in found)
    assert photos.photo_path(kept.key, "display").exists() and photos.photo_path(fresh.key, "display").exists()
