"""The photos of a book, read one at a time and scaled for where they land (print or phone)."""
from __future__ import annotations

import io
import logging

from flask import current_app
from PIL import Image

from portal.photos import photo_path

log = logging.getLogger(__name__)
PRINT_DPI = 150  # BOOK_PRINT_DPI: photos printed at column width; a year's PDF stays around 30 MB
PHONE_LONG_SIDE = 800


def _source(storage_key: str, variants: tuple[str, ...]):
    for variant in variants:
        try:
            path = photo_path(storage_key, variant)
        except ValueError:
            return None
        if path.is_file():
            return path
    return None


def scaled_jpeg(storage_key: str, long_side: int, variants: tuple[str, ...],
                slack: float = 1.0) -> tuple[bytes, int, int] | None:
    """The stored photo as JPEG bytes with its long side at most ``long_side`` pixels (``slack`` times that for a
    stored variant used as it is), with its size; None when no variant is on disk or it cannot be read. Only this
    one photo is decoded (reduced while decoding), and only when it must be scaled."""
    path = _source(storage_key, variants)
    if path is None:
        return None
    try:
        with Image.open(path) as image:
            if image.format == "JPEG" and max(image.size) <= long_side * slack:  # variants carry no metadata
                return path.read_bytes(), image.width, image.height
            if image.format == "JPEG":
                image.draft("RGB", (long_side, long_side))
            image = image.convert("RGB")
            if max(image.size) > long_side:
                image.thumbnail((long_side, long_side), Image.Resampling.BILINEAR)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82)
            return out.getvalue(), image.width, image.height
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        log.warning("photo %s could not be read for the book: %s", storage_key, error)
        return None


def print_photo(storage_key: str, max_w_mm: float, max_h_mm: float) -> tuple[bytes, int, int] | None:
    """For the PDF: the display variant (or the original) scaled to ``BOOK_PRINT_DPI`` (150) at its largest printed
    size (about 1,000 px across an A4 column), re-encoded at quality 82. fpdf2 keeps every embedded photo in
    memory until it writes the file, so this size is what a book's memory grows by per photo (about 100 KB)."""
    dpi = int(current_app.config.get("BOOK_PRINT_DPI") or PRINT_DPI)
    long_side = round(max(max_w_mm, max_h_mm) / 25.4 * dpi)
    return scaled_jpeg(storage_key, long_side, ("display", "original"), slack=1.1)


def phone_photo(storage_key: str) -> tuple[bytes, int, int] | None:
    """For the EPUB: the phone variant (800 px), or a larger one scaled to it."""
    return scaled_jpeg(storage_key, PHONE_LONG_SIDE, ("phone", "display", "original"))
