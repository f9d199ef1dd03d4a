"""The cover picture of a book (JPEG): shown on the public list and used as the EPUB's cover image."""
from __future__ import annotations

import io
import textwrap
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont

from portal.anthology.content import BookContent

SIZE = (600, 800)
ACCENT = (22, 90, 99)


def _font(bold: bool, size: int):
    folder = Path(current_app.config.get("BOOK_FONT_DIR") or "/usr/share/fonts/truetype/dejavu")
    path = folder / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size) if path.is_file() else ImageFont.load_default(size)


def cover_jpeg(content: BookContent) -> bytes:
    image = Image.new("RGB", SIZE, (250, 248, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE[0], int(SIZE[1] * 0.62)), fill=ACCENT)
    x, y = 44, 90
    draw.text((x, y), content.scope_label.upper()[:40], font=_font(False, 22), fill=(255, 255, 255))
    y += 60
    title_font = _font(True, 40)
    for line in textwrap.wrap(content.title, width=22)[:6]:
        draw.text((x, y), line, font=title_font, fill=(255, 255, 255))
        y += 50
    y += 14
    draw.text((x, y), _("Kumpulan best practice tahun %(year)s", year=content.year), font=_font(False, 20),
              fill=(225, 238, 238))
    draw.text((x, int(SIZE[1] * 0.70)), _("%(n)s tulisan", n=len(content.pieces)), font=_font(False, 22),
              fill=(40, 40, 40))
    draw.text((x, SIZE[1] - 70), "Portal Best Practice", font=_font(True, 22), fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
