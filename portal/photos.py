"""Photo uploads: decode safely, orient, strip metadata, make the sizes the pages need, store.

Only JPEG, PNG, WebP and HEIC are decoded (Pillow is told the formats, so an HTML or SVG file named
``.jpg`` is refused). Every stored variant is re-encoded from pixels, never copied, so no EXIF (and no
GPS position) leaves the server. Variants, made once at upload:

``original``  the full photo after EXIF orientation, re-encoded
``display``   long side ``PHOTO_DISPLAY_LONG_SIDE`` (1600) for the piece page
``phone``     long side ``PHOTO_PHONE_LONG_SIDE`` (800) for small screens (srcset)
``thumb``     long side ``PHOTO_THUMB_LONG_SIDE`` (400) for lists

The public pages also offer ``display``, ``phone`` and ``thumb`` as WebP (about a third smaller at the same
look) to browsers that accept it (``<picture>``): :func:`webp_variant` makes that copy from the variant's JPEG on
its first request and keeps it beside the JPEG, so photos stored before WebP was offered get one too and an upload
pays nothing for it.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from portal import storage
from portal.failures import PortalError

try:  # HEIC from iPhones
    from pillow_heif import register_heif_opener

    register_heif_opener()
    ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")

VARIANTS = ("original", "display", "phone", "thumb")
CONTENT_TYPE = "image/jpeg"
SUFFIX = ".jpg"
WEBP_VARIANTS = ("display", "phone", "thumb")
WEBP_CONTENT_TYPE = "image/webp"
WEBP_QUALITY = 76


class PhotoError(PortalError, ValueError):
    """A photo we refuse; ``str(error)`` is an Indonesian message saying what to do."""


@dataclass(frozen=True)
class StoredPhoto:
    key: str
    width: int  # of the original after orientation
    height: int
    byte_size: int  # all variants on disk


def _long_sides() -> dict[str, int | None]:
    cfg = current_app.config
    return {"original": None, "display": cfg["PHOTO_DISPLAY_LONG_SIDE"],
            "phone": cfg.get("PHOTO_PHONE_LONG_SIDE", 800), "thumb": cfg["PHOTO_THUMB_LONG_SIDE"]}


def decode(data: bytes, *, max_pixels: int | None = None, check_min_size: bool = True) -> Image.Image:
    """Decode an uploaded photo into an upright RGB image, or raise ``PhotoError``."""
    cfg = current_app.config
    max_pixels = max_pixels or cfg["PHOTO_MAX_PIXELS"]
    if len(data) > cfg["PHOTO_MAX_BYTES"]:
        raise PhotoError(storage.too_large_message(len(data), cfg["PHOTO_MAX_BYTES"]))
    if not data:
        raise PhotoError(_("Berkas foto kosong. Pilih foto lain."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoError(_("Foto %(w)d x %(h)d piksel terlalu besar untuk diproses; kecilkan lalu unggah lagi.",
                                   w=width, h=height))
            _decode_reduced(image, cfg.get("PHOTO_ORIGINAL_LONG_SIDE"))
            image.load()
            image = ImageOps.exif_transpose(image)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_("Foto terlalu besar untuk diproses; kecilkan lalu unggah lagi.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise PhotoError(_("Berkas ini bukan foto yang dapat dibaca atau rusak. Unggah foto JPEG, PNG, WebP, atau HEIC."
                           )) from None
    if check_min_size:
        short, long = sorted(image.size)
        min_short, min_long = cfg["PHOTO_MIN_SHORT_SIDE"], cfg["PHOTO_MIN_LONG_SIDE"]
        if short < min_short or long < min_long:
            raise PhotoError(_("Foto berukuran %(w)d x %(h)d piksel; minimal %(a)d x %(b)d piksel. Unggah foto yang lebih besar.",
                               w=image.width, h=image.height, a=min_long, b=min_short))
    return _to_rgb(image)


def _decode_reduced(image: Image.Image, long_side: int | None) -> None:
    """Scale a large photo down while decoding: the JPEG decoder picks the smallest of 1/2, 1/4 and 1/8 whose
    long side is still at least ``long_side`` (a 4032 x 3024 phone photo is kept as 2016 x 1512), which costs a
    fraction of a full decode; other formats are scaled to ``long_side``. Far above the minimum photo size."""
    if not long_side or max(image.size) <= long_side:
        return
    width, height = image.size
    scale = long_side / max(width, height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    if image.format == "JPEG":
        image.draft("RGB", target)
    else:
        image.thumbnail(target, Image.Resampling.BICUBIC)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def encode_variants(image: Image.Image) -> dict[str, bytes]:
    """JPEG bytes of every variant; no EXIF, ICC or other metadata is written.
    Each smaller variant is scaled from the previous one, which is much faster than from the original."""
    out = {}
    source = image
    for variant, long_side in _long_sides().items():
        img = source
        if long_side and max(source.size) > long_side:
            img = source.copy()
            img.thumbnail((long_side, long_side), Image.Resampling.BICUBIC, reducing_gap=2.0)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=90 if variant == "original" else 82, optimize=variant != "original")
        out[variant] = buf.getvalue()
        source = img
    return out


def store_photo(data: bytes) -> StoredPhoto:
    """Decode, re-encode and write every variant under a new random key; on any failure nothing stays on disk.

    The caller creates the ``Photo`` row afterwards and calls ``remove_photo(key)`` if that fails.
    """
    image = decode(data)
    variants = encode_variants(image)
    key = storage.new_key()
    written = []
    try:
        for variant, payload in variants.items():
            path = photo_path(key, variant)
            storage.write_atomic(path, payload)
            written.append(path)
    except BaseException:
        storage.remove_files(written)
        raise
    return StoredPhoto(key=key, width=image.width, height=image.height,
                       byte_size=sum(len(p) for p in variants.values()))


def photo_path(key: str, variant: str):
    if variant not in VARIANTS:
        raise ValueError(f"unknown photo variant: {variant!r}")
    return storage.path_for("photos", key, f".{variant}{SUFFIX}")


def webp_path(key: str, variant: str):
    if variant not in WEBP_VARIANTS:
        raise ValueError(f"no WebP copy of the variant {variant!r}")
    return storage.path_for("photos", key, f".{variant}.webp")


def webp_variant(key: str, variant: str):
    """The WebP copy of a variant: made from the variant's JPEG the first time it is asked for, then kept.
    None when the JPEG is missing. Two requests at once both write the same bytes; the rename keeps one."""
    path = webp_path(key, variant)
    if path.is_file():
        return path
    source = photo_path(key, variant)
    if not source.is_file():
        return None
    with Image.open(source, formats=["JPEG"]) as image:
        buf = io.BytesIO()
        image.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)
    storage.write_atomic(path, buf.getvalue())
    return path


def remove_photo(key: str) -> None:
    """Delete every variant of a stored photo, and the WebP copies made of them."""
    storage.remove_files([photo_path(key, v) for v in VARIANTS] + [webp_path(key, v) for v in WEBP_VARIANTS])

