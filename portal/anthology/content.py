"""What goes into a book: the candidate pieces of a year and scope, and each chosen piece as the builders need it.

Candidates are published best practices of the year: the national winners for the national book, the province's
best practices (a national winner was a provincial one first) for a provincial book. A chosen piece that is no
longer published, or no longer a best practice of the book's scope, is *left out* of the next build and named.

Everything user-typed is cleaned here once for both outputs: control characters that neither PDF text nor XML
may carry are dropped, and the Markdown body is rendered by ``portal.text.render_markdown`` (raw HTML escaped,
the result sanitised by nh3) before either builder sees it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import tiers
from portal.extensions import db
from portal.failures import PortalError
from portal.models.books import AnthologyBook
from portal.models.org import City, Province, Team
from portal.models.pieces import BestPractice, Piece
from portal.models.reviews import Entry, Panel, PanelStatus, Tier
from portal.period import Period
from portal.text import render_markdown

FIRST_YEAR, LAST_YEAR = 2000, 2100


class AnthologyError(PortalError):
    """A book operation refused or a book that cannot be built; the message says what to fix."""

# C0 controls but tab and newline, DEL, C1 controls, surrogates, and the two XML non-characters.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str | None) -> str:
    """User-typed text made safe for PDF text and XML: unsafe control characters dropped, line ends unified."""
    return _UNSAFE.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def one_line(value: str | None) -> str:
    return " ".join(clean_text(value).split())


@dataclass(frozen=True)
class BookPhoto:
    storage_key: str
    caption: str


@dataclass
class BookPiece:
    piece_id: int
    title: str
    writer: str
    team: str
    city: str
    province: str
    period: Period
    tier_label: str
    na: float | None
    body_html: str  # sanitised HTML (portal.text.render_markdown)
    facts: str
    photos: list[BookPhoto] = field(default_factory=list)

    def month_label(self) -> str:
        return self.period.label()

    def na_text(self) -> str:
        return "-" if self.na is None else f"{self.na:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


@dataclass
class BookContent:
    title: str
    foreword: str
    year: int
    scope_label: str  # "Nasional" / "Provinsi Jawa Tengah"
    page_format: str
    pieces: list[BookPiece]


def year_periods(year: int) -> tuple[Period, Period]:
    return Period(f"{year:04d}-01"), Period(f"{year:04d}-12")


def valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _in_scope(province_id: int | None):
    """The published best practices of a book's scope, as a statement over Piece joined to its team and city."""
    stmt = (select(Piece).join(Team, Piece.team_id == Team.id).join(City, Team.city_id == City.id)
            .where(Piece.published_at.is_not(None)))
    if province_id is None:
        return stmt.where(Piece.best_practice == BestPractice.NATIONAL)
    return stmt.where(Piece.best_practice.in_((BestPractice.PROVINCE, BestPractice.NATIONAL)),
                      City.province_id == province_id)


def candidates(year: int, province_id: int | None) -> list[Piece]:
    """The year's candidate pieces of the scope, by month, then NA at the deciding tier (highest first)."""
    first, last = year_periods(year)
    pieces = list(db.session.scalars(
        _in_scope(province_id).where(Piece.period >= first, Piece.period <= last)
        .options(joinedload(Piece.team).joinedload(Team.city).joinedload(City.province))
        .order_by(Piece.period, Piece.id)).unique())
    na = deciding_na(pieces)
    return sorted(pieces, key=lambda p: (p.period, -(na.get(p.id) or 0.0), p.id))


def still_in_scope(piece_ids: list[int], province_id: int | None) -> set[int]:
    """Which of these pieces are still published best practices of the scope."""
    if not piece_ids:
        return set()
    return set(db.session.scalars(_in_scope(province_id).with_only_columns(Piece.id)
                                  .where(Piece.id.in_(piece_ids))))


def deciding_tier(piece: Piece) -> Tier:
    """The tier whose decision made the piece a best practice at its level."""
    for policy in tiers.POLICIES.values():
        if policy.best_practice is not None and policy.best_practice == piece.best_practice:
            return policy.tier
    return Tier.PROVINCE


def deciding_na(pieces: list[Piece]) -> dict[int, float | None]:
    """NA of each piece at its deciding tier (closed panels only), in one query."""
    if not pieces:
        return {}
    rows = db.session.execute(
        select(Entry.piece_id, Panel.tier, Entry.na).join(Panel, Entry.panel_id == Panel.id)
        .where(Entry.piece_id.in_([p.id for p in pieces]), Panel.status == PanelStatus.CLOSED)).all()
    by_piece = {(row.piece_id, row.tier): row.na for row in rows}
    return {p.id: by_piece.get((p.id, deciding_tier(p))) for p in pieces}


TIER_LABELS = {Tier.CITY: "Korkot", Tier.PROVINCE: "KMW", Tier.NATIONAL: "KMP"}


def scope_label(province: Province | None) -> str:
    return _("Nasional") if province is None else _("Provinsi %(name)s", name=province.name)


def default_title(year: int, province: Province | None) -> str:
    if province is None:
        return _("Antologi Best Practice Nasional %(year)s", year=year)
    return _("Antologi Best Practice Provinsi %(name)s %(year)s", name=province.name, year=year)


def book_pieces(piece_ids: list[int]) -> list[BookPiece]:
    """The pieces in the order given, with what the builders print (photos' files are read later, one by one)."""
    if not piece_ids:
        return []
    rows = db.session.scalars(
        select(Piece).where(Piece.id.in_(piece_ids))
        .options(joinedload(Piece.team).joinedload(Team.city).joinedload(City.province),
                 selectinload(Piece.photos))).unique().all()
    by_id = {p.id: p for p in rows}
    ordered = [by_id[i] for i in piece_ids if i in by_id]
    na = deciding_na(ordered)
    return [BookPiece(
        piece_id=p.id, title=one_line(p.title) or _("Tanpa judul"), writer=one_line(p.author_name),
        team=one_line(p.team.name), city=one_line(p.team.city.name), province=one_line(p.team.city.province.name),
        period=p.period, tier_label=TIER_LABELS[deciding_tier(p)], na=na.get(p.id),
        body_html=clean_text(str(render_markdown(p.body_md or ""))), facts=clean_text(p.facts),
        photos=[BookPhoto(ph.storage_key, one_line(ph.caption)) for ph in p.photos]) for p in ordered]


@dataclass
class Assembly:
    content: BookContent
    left_out: list[str]  # titles of chosen pieces no longer published in the scope


def assemble(book: AnthologyBook, piece_ids: list[int] | None = None) -> Assembly:
    """The book's content from its chosen pieces (or ``piece_ids``), leaving out what is no longer published."""
    chosen = [ap.piece_id for ap in book.pieces] if piece_ids is None else piece_ids
    keep = still_in_scope(chosen, book.province_id)
    titles = dict(db.session.execute(select(Piece.id, Piece.title).where(Piece.id.in_(chosen))).all()) if chosen \
        else {}
    left_out = [one_line(titles.get(i, "")) or f"#{i}" for i in chosen if i not in keep]
    content = BookContent(
        title=one_line(book.title) or default_title(book.year, book.province), foreword=clean_text(book.foreword),
        year=book.year, scope_label=scope_label(book.province), page_format=book.page_format,
        pieces=book_pieces([i for i in chosen if i in keep]))
    return Assembly(content, left_out)
