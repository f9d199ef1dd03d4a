"""Atom feeds (RFC 4287) of new best practices: one national, one per province. Written with xml.etree."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from flask import url_for

from portal.models.pieces import Piece
from portal.timeutil import now_utc

ATOM = "http://www.w3.org/2005/Atom"
SUMMARY_CHARS = 300
_MARKUP = re.compile(r"[#*_>`\[\]()|~-]+")


def _iso(value: datetime) -> str:
    return value.isoformat()  # timezone-aware UTC from the database: RFC 3339 as Atom requires


def _plain(markdown_text: str) -> str:
    return " ".join(_MARKUP.sub(" ", markdown_text).split())


def summary_of(markdown_text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first words of a piece as plain text (Markdown marks dropped), for feeds and link previews.

    Only the beginning of the text is read (a piece's text is 5 kB and more; reading it whole was 2 % of a piece's
    first rendering). The plain text of a beginning is a beginning of the whole's plain text (a word cut short is
    the start of that word; marks and spaces cut short are dropped as they would be anyway), so once it is longer
    than ``limit`` the summary is the same."""
    text = markdown_text or ""
    size = 4 * limit + 64
    while size < len(text):
        beginning = _plain(text[:size])
        if len(beginning) > limit:
            return beginning[:limit].rsplit(" ", 1)[0] + "…"
        size *= 2
    plain = _plain(text)
    return plain if len(plain) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


def build_feed(title: str, self_url: str, alternate_url: str, pieces: list[Piece]) -> bytes:
    """A valid Atom document: feed id/title/updated/link/author, one entry per piece (newest first)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    updated = max((p.published_at for p in pieces if p.published_at), default=None) or now_utc()
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=alternate_url)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Portal Best Practice"
    for piece in pieces:
        url = url_for("elearning.piece", piece_id=piece.id, _external=True)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}title").text = piece.title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(piece.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _iso(piece.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=url)
        writer = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(writer, f"{{{ATOM}}}name").text = f"{piece.team.name}, {piece.team.city.name}"
        level = "Best practice nasional" if piece.best_practice and piece.best_practice.value == "national" \
            else "Best practice provinsi"
        ET.SubElement(entry, f"{{{ATOM}}}category", term=piece.period, label=piece.period.label())
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = (
            f"{level} {piece.period.label()} · {piece.team.city.name}, {piece.team.city.province.name}. "
            + summary_of(piece.body_md))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
