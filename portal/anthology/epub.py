"""The EPUB 3 of a book for phones, built with ebooklib: cover, navigation document (and the EPUB 2 NCX for
older readers), the foreword and one XHTML chapter per piece with its photos at phone size (800 px long side).

ebooklib holds every item in memory until it writes the zip, so the photos go in already at phone size (tens of
kilobytes each): a year of 200 photos stays a few megabytes. Text typed by users is escaped for XHTML here
(``markupsafe.escape``), and the sanitised body HTML is re-serialised as XML by ebooklib (lxml).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from ebooklib import epub
from flask_babel import gettext as _
from markupsafe import escape

from portal.anthology.content import BookContent, BookPiece
from portal.anthology.photos import phone_photo

STYLE = """
body { font-family: serif; line-height: 1.5; margin: 0 4%; }
h1 { font-size: 1.4em; line-height: 1.25; color: #165a63; }
h2, h3, h4 { font-size: 1.1em; }
.meta { font-size: 0.85em; color: #444; border-bottom: 1px solid #165a63; padding-bottom: 0.5em; }
.meta dt { font-weight: bold; float: left; clear: left; width: 8em; }
.meta dd { margin-left: 8.5em; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; font-style: italic; color: #555; }
.facts { white-space: pre-wrap; }
"""


def _page(title: str, body: str) -> str:
    return f"<html><head><title>{escape(title)}</title></head><body>{body}</body></html>"


def _chapter(piece: BookPiece, number: int, book: epub.EpubBook, notes: list[str]) -> epub.EpubHtml:
    meta = [(_("Penulis"), piece.writer or "-"), (_("Tim"), piece.team), (_("Kota/kabupaten"), piece.city),
            (_("Provinsi"), piece.province), (_("Bulan"), piece.month_label()),
            (_("NA tingkat %(tier)s", tier=piece.tier_label), piece.na_text())]
    parts = [f"<h1>{escape(piece.title)}</h1>", '<dl class="meta">']
    parts += [f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in meta]
    parts.append("</dl>")
    parts.append(piece.body_html)  # already sanitised HTML; ebooklib writes it back as XHTML
    if piece.facts.strip():
        parts.append(f"<h2>{escape(_('Data dan informasi faktual'))}</h2><p class=\"facts\">{escape(piece.facts)}</p>")
    for i, photo in enumerate(piece.photos, 1):
        scaled = phone_photo(photo.storage_key)
        if scaled is None:
            notes.append(_('Foto %(i)s dari "%(title)s" tidak ditemukan di server.', i=i, title=piece.title))
            continue
        data, width, height = scaled
        name = f"images/foto-{number:03d}-{i}.jpg"
        book.add_item(epub.EpubItem(uid=f"foto-{number:03d}-{i}", file_name=name, media_type="image/jpeg",
                                    content=data))
        parts.append(f'<figure><img src="{name}" width="{width}" height="{height}" alt="{escape(photo.caption)}"/>'
                     f"<figcaption>{escape(photo.caption)}</figcaption></figure>")
    chapter = epub.EpubHtml(title=piece.title, file_name=f"tulisan-{number:03d}.xhtml", lang="id")
    chapter.content = _page(piece.title, "".join(str(p) for p in parts))
    return chapter


def write_epub(content: BookContent, path: Path, cover: bytes, identifier: str,
               progress: Callable[[int], None] = lambda n: None) -> list[str]:
    """Write the EPUB to ``path``; ``progress(n)`` after each piece. Returns notes on photos left out."""
    book = epub.EpubBook()
    book.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identifier)}")
    book.set_title(content.title)
    book.set_language("id")
    book.add_author("Portal Best Practice")
    book.add_metadata("DC", "description", _("Kumpulan best practice tahun %(year)s", year=content.year))
    book.set_cover("cover.jpg", cover)
    book.get_item_with_id("cover").is_linear = True  # the first page readers open (a non-linear one needs a link)
    style = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css", content=STYLE)
    book.add_item(style)
    chapters: list[epub.EpubHtml] = []
    if content.foreword.strip():
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in content.foreword.split("\n\n") if p.strip())
        foreword = epub.EpubHtml(title=_("Kata pengantar"), file_name="kata-pengantar.xhtml", lang="id")
        foreword.content = _page(_("Kata pengantar"), f"<h1>{escape(_('Kata pengantar'))}</h1>{paragraphs}")
        chapters.append(foreword)
    notes: list[str] = []
    for number, piece in enumerate(content.pieces, 1):
        chapters.append(_chapter(piece, number, book, notes))
        progress(number)
    for chapter in chapters:
        chapter.add_item(style)
        book.add_item(chapter)
    book.toc = [epub.Link(c.file_name, c.title, c.file_name.removesuffix(".xhtml")) for c in chapters]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(title=_("Daftar isi")))
    book.spine = ["cover", "nav", *chapters]
    epub.write_epub(str(path), book, {"epub3_pages": False})
    return notes

