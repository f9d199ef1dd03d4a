"""The print-ready PDF of a book (fpdf2): cover, table of contents with page numbers, foreword, then each piece
with its title, writer, team, city, province, month and NA at the deciding tier, its text, facts and photos with
captions; a running header (book title, piece title) and page numbers on every page but the cover.

Fonts are DejaVu (``BOOK_FONT_DIR``), embedded as subsets, so Indonesian and any accented text render. The
writers' Markdown arrives as sanitised HTML (``content.BookPiece.body_html``) and goes through fpdf2's
``write_html``, which emits text only through its own escaping: nothing typed can reach PDF syntax.

Photos are read one at a time and scaled to 200 dpi at their printed size before fpdf2 embeds them (fpdf2 keeps
the embedded JPEG bytes until the file is written, so the book's memory grows by the print-size photos only).
"""
from __future__ import annotations

import io
import math
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace, TextStyle

from portal.anthology.content import AnthologyError, BookContent, BookPiece
from portal.anthology.fast_lines import fast_line_breaking
from portal.anthology.photos import print_photo

SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
MARGINS = {"A4": (20.0, 22.0), "A5": (15.0, 17.0)}  # side, top/bottom
BODY_SIZE = {"A4": 10.5, "A5": 9.5}
TOC_ENTRY_H = 12.0
TOC_HEADING_H = 16.0
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
              "BI": "DejaVuSans-BoldOblique.ttf"}
ACCENT = (22, 90, 99)


class BookPDF(FPDF):
    def __init__(self, content: BookContent) -> None:
        fmt = content.page_format if content.page_format in SIZES else "A4"
        super().__init__(unit="mm", format=SIZES[fmt])
        self.fmt = fmt
        side, vertical = MARGINS[fmt]
        self.set_margins(side, vertical, side)
        self.set_auto_page_break(True, vertical)
        self._fonts()
        self.book_title = content.title
        self.running = ""
        self.toc_range = range(0)  # the pages of the table of contents (their header says so)
        self.fresh_page = False  # the table of contents left an empty page: the next section starts on it
        self.chrome = True  # header and footer (never on the cover, page 1)
        self.toc_entries: list[tuple[str, str]] = []  # (title, what follows), in the order of the sections
        self.set_title(content.title)
        self.set_author("Portal Best Practice")
        self.set_lang("id")
        self.set_creator("Portal Best Practice")

    def _fonts(self) -> None:
        folder = Path(current_app.config.get("BOOK_FONT_DIR") or "/usr/share/fonts/truetype/dejavu")
        missing = [name for name in (*FONT_FILES.values(), "DejaVuSansMono.ttf") if not (folder / name).is_file()]
        if missing:
            raise AnthologyError(_("Huruf DejaVu tidak ditemukan di %(folder)s (%(files)s); pasang paket fonts-dejavu-core.",
                              folder=str(folder), files=", ".join(missing)))
        for style, name in FONT_FILES.items():
            self.add_font("Body", style, str(folder / name))
        self.add_font("Mono", "", str(folder / "DejaVuSansMono.ttf"))

    @property
    def content_w(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def header(self) -> None:
        if not self.chrome or self.page == 1:  # the cover
            return
        self.set_font("Body", "", 7.5)
        self.set_text_color(110, 110, 110)
        half = self.content_w / 2 - 2
        self.set_xy(self.l_margin, self.t_margin - 9)
        self.cell(half, 4, fit(self, self.book_title, half), align="L")
        running = _("Daftar isi") if self.page in self.toc_range else self.running
        self.cell(self.content_w - half, 4, fit(self, running, half), align="R")
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.t_margin - 4, self.w - self.r_margin, self.t_margin - 4)
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        if not self.chrome or self.page == 1:  # the cover
            return
        self.set_y(-self.b_margin + 5)
        self.set_font("Body", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, str(self.page_no()), align="C")
        self.set_text_color(0, 0, 0)


def fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def toc_capacity(pdf: BookPDF) -> tuple[int, int]:
    """How many entries the first table-of-contents page (below its heading) and each next page hold."""
    usable = pdf.h - pdf.t_margin - pdf.b_margin
    return int((usable - TOC_HEADING_H) // TOC_ENTRY_H), int(usable // TOC_ENTRY_H)


def toc_pages(entries: int, capacity: tuple[int, int]) -> int:
    first, other = capacity
    return 1 if entries <= first else 1 + math.ceil((entries - first) / other)


def render_toc(pdf: BookPDF, outline) -> None:
    """The table of contents: one entry per section, two fixed lines each, so its page count is known ahead."""
    first, other = toc_capacity(pdf)
    pdf.set_auto_page_break(False)
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font("Body", "B", 16)
    pdf.cell(0, 10, _("Daftar isi"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.t_margin + TOC_HEADING_H)
    on_page, limit = 0, first
    number_w = 14
    top_level = [section for section in outline if section.level == 0]  # body headings are nested bookmarks
    for section, (title, detail) in zip(top_level, pdf.toc_entries, strict=True):
        if on_page == limit:
            pdf.add_page()
            on_page, limit = 0, other
        link = pdf.add_link(page=section.page_number)
        y = pdf.get_y()
        pdf.set_font("Body", "B", 10)
        pdf.cell(pdf.content_w - number_w, 5.5, fit(pdf, title, pdf.content_w - number_w - 2), link=link)
        pdf.set_font("Body", "", 10)
        pdf.cell(number_w, 5.5, str(section.page_number), align="R", link=link, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 8)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(pdf.content_w - number_w, 4.5, fit(pdf, detail, pdf.content_w - number_w - 2),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_y(y + TOC_ENTRY_H)
        on_page += 1
    pdf.set_auto_page_break(True, pdf.b_margin)


def _cover(pdf: BookPDF, content: BookContent) -> None:
    pdf.add_page()
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, pdf.w, pdf.h * 0.62, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, pdf.h * 0.12)
    pdf.set_font("Body", "", 12 if pdf.fmt == "A4" else 10)
    pdf.multi_cell(0, 7, content.scope_label.upper(), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Body", "B", 28 if pdf.fmt == "A4" else 21)
    pdf.multi_cell(0, 12 if pdf.fmt == "A4" else 9, content.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Body", "", 14 if pdf.fmt == "A4" else 11)
    pdf.multi_cell(0, 8, _("Kumpulan best practice tahun %(year)s", year=content.year), align="L", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_text_color(40, 40, 40)
    pdf.set_xy(pdf.l_margin, pdf.h * 0.70)
    pdf.set_font("Body", "", 11 if pdf.fmt == "A4" else 9)
    pdf.multi_cell(0, 6, _("%(n)s tulisan terbaik para pelaku program pemberdayaan masyarakat", n=len(content.pieces)),
                   align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, pdf.h - pdf.b_margin - 8)
    pdf.set_font("Body", "B", 10)
    pdf.cell(0, 6, "Portal Best Practice")
    pdf.set_text_color(0, 0, 0)


def _new_section_page(pdf: BookPDF, running: str) -> None:
    if pdf.fresh_page:
        pdf.fresh_page = False
    else:
        pdf.add_page()
    pdf.running = running


def _foreword(pdf: BookPDF, content: BookContent) -> None:
    _new_section_page(pdf, _("Kata pengantar"))
    pdf.toc_entries.append((_("Kata pengantar"), content.title))
    pdf.start_section(_("Kata pengantar"))
    pdf.set_font("Body", "B", 16)
    pdf.multi_cell(0, 9, _("Kata pengantar"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Body", "", BODY_SIZE[pdf.fmt])
    pdf.multi_cell(0, BODY_SIZE[pdf.fmt] * 0.5, content.foreword, new_x="LMARGIN", new_y="NEXT")


def piece_detail(piece: BookPiece) -> str:
    return " · ".join(part for part in (piece.writer, f"{piece.city}, {piece.province}", piece.month_label()) if part)


def _piece(pdf: BookPDF, piece: BookPiece, number: int, photos: list[Future]) -> list[str]:
    """One piece from a new page; returns notes on photos that could not be printed."""
    notes: list[str] = []
    _new_section_page(pdf, piece.title)
    pdf.toc_entries.append((f"{number}. {piece.title}", piece_detail(piece)))
    pdf.start_section(piece.title)
    pdf.set_font("Body", "B", 17 if pdf.fmt == "A4" else 14)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 8 if pdf.fmt == "A4" else 6.5, piece.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font("Body", "", 8.5)
    rows = [(_("Penulis"), piece.writer or "-"), (_("Tim"), piece.team), (_("Kota/kabupaten"), piece.city),
            (_("Provinsi"), piece.province), (_("Bulan"), piece.month_label()),
            (_("NA tingkat %(tier)s", tier=piece.tier_label), piece.na_text())]
    for label, value in rows:
        pdf.set_font("Body", "B", 8.5)
        pdf.cell(32, 4.5, label)
        pdf.set_font("Body", "", 8.5)
        pdf.multi_cell(0, 4.5, value, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*ACCENT)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.ln(5)
    size = BODY_SIZE[pdf.fmt]
    pdf.set_font("Body", "", size)
    if piece.body_html.strip():
        pdf.write_html(piece.body_html, font_family="Body",
                       tag_styles=_tag_styles(size))
    if piece.facts.strip():
        pdf.ln(2)
        pdf.set_font("Body", "B", size)
        pdf.multi_cell(0, size * 0.55, _("Data dan informasi faktual"), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", size)
        pdf.multi_cell(0, size * 0.5, piece.facts, new_x="LMARGIN", new_y="NEXT")
    for i, photo in enumerate(piece.photos, 1):
        if not _photo(pdf, photos[i - 1].result(), photo.caption):
            notes.append(_('Foto %(i)s dari "%(title)s" tidak ditemukan di server.', i=i, title=piece.title))
    return notes


def _tag_styles(size: float) -> dict:
    headings = {f"h{n}": TextStyle(font_family="Body", font_style="B", color=ACCENT, font_size_pt=size + 4 - n,
                                   t_margin=4, b_margin=2) for n in range(2, 7)}
    return {**headings, "code": FontFace(family="Mono"), "pre": TextStyle(font_family="Mono"),
            "a": FontFace(color=ACCENT)}


def _photo_box(pdf: BookPDF) -> tuple[float, float]:
    """The largest a photo is printed: the column's width, half the page's text height."""
    return pdf.content_w, (pdf.h - pdf.t_margin - pdf.b_margin) * 0.5


def _prepare_photos(pdf: BookPDF, piece: BookPiece, pool: ThreadPoolExecutor) -> list[Future]:
    """Scale a piece's photos for print in a worker thread (Pillow releases the GIL) while the text before them is
    laid out: one piece ahead at most, so at most one piece's photos wait in memory."""
    app = current_app._get_current_object()
    max_w, max_h = _photo_box(pdf)

    def scale(storage_key: str):
        with app.app_context():
            return print_photo(storage_key, max_w, max_h)

    return [pool.submit(scale, photo.storage_key) for photo in piece.photos]


def _photo(pdf: BookPDF, scaled: tuple[bytes, int, int] | None, caption: str) -> bool:
    max_w, max_h = _photo_box(pdf)
    if scaled is None:
        return False
    data, px_w, px_h = scaled
    w = min(max_w, max_h * px_w / px_h)
    h = w * px_h / px_w
    pdf.set_font("Body", "I", 8)
    caption_h = 4.2 * max(1, len(pdf.multi_cell(pdf.content_w, 4.2, caption, dry_run=True, output="LINES"))) \
        if caption else 0
    if pdf.get_y() + 4 + h + caption_h > pdf.page_break_trigger:
        pdf.add_page()
    else:
        pdf.ln(4)
    pdf.image(io.BytesIO(data), x=pdf.l_margin + (pdf.content_w - w) / 2, y=pdf.get_y(), w=w, h=h)
    pdf.set_y(pdf.get_y() + h + 1.5)
    if caption:
        pdf.set_text_color(70, 70, 70)
        pdf.multi_cell(0, 4.2, caption, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    return True


def write_pdf(content: BookContent, path: Path, progress: Callable[[int], None] = lambda n: None) -> tuple[int, list[str]]:
    """Write the book to ``path``; ``progress(n)`` after each piece. Returns the page count and notes."""
    with fast_line_breaking():
        return _write_pdf(content, path, progress)


def _write_pdf(content: BookContent, path: Path, progress: Callable[[int], None]) -> tuple[int, list[str]]:
    pdf = BookPDF(content)
    _cover(pdf, content)
    entries = len(content.pieces) + (1 if content.foreword.strip() else 0)
    pages = toc_pages(entries, toc_capacity(pdf))
    pdf.toc_range = range(pdf.page + 1, pdf.page + 1 + pages)
    # The placeholder ends on a new page, whose header is drawn now: it carries the first section's title.
    pdf.running = _("Kata pengantar") if content.foreword.strip() else (content.pieces[0].title if content.pieces
                                                                         else "")
    pdf.add_page()
    pdf.insert_toc_placeholder(render_toc, pages=pages, reset_page_indices=False)
    pdf.fresh_page = True
    if content.foreword.strip():
        _foreword(pdf, content)
    notes: list[str] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="book-photos") as pool:
        ahead = _prepare_photos(pdf, content.pieces[0], pool) if content.pieces else []
        for number, piece in enumerate(content.pieces, 1):
            photos = ahead
            ahead = _prepare_photos(pdf, content.pieces[number], pool) if number < len(content.pieces) else []
            notes += _piece(pdf, piece, number, photos)
            progress(number)
    pdf.output(str(path))
    return pdf.pages_count, notes
