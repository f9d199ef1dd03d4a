"""Read-only queries of the public pages. Only published pieces ever leave this module.

A piece is public iff ``Piece.published_at IS NOT NULL`` (set by the panels' decision). Lists are loaded with
joins and ``selectinload`` so a page costs a fixed number of queries, never one per row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, case, distinct, func, literal, select
from sqlalchemy.orm import defer, joinedload, selectinload

from portal import scoring_adapter, tiers
from portal.db import select_rows
from portal.extensions import db
from portal.kept import Kept
from portal.models.elearning import Award, Comment, CommentReport, Confirmation
from portal.models.org import City, Province, Team
from portal.models.people import User
from portal.models.pieces import BestPractice, KnowledgeProduct, MediaFile, Piece
from portal.models.reviews import Entry, Panel, PanelStatus, RubricVersion, Tier
from portal.nodes import CityRef, ProvinceRef, TeamRef
from portal.pagination import PER_PAGE, Page
from portal.period import Period
from portal.submissions.queries import PIECE_TEXT_COLUMNS, PieceText

BEST_PRACTICES = (BestPractice.PROVINCE, BestPractice.NATIONAL)


def _list_options():
    """For lists: the piece without its text (lists never show it; at national scale bodies dominate the query)."""
    return (*_piece_options(), defer(Piece.body_md), defer(Piece.facts))


def _piece_options():
    return (joinedload(Piece.team).joinedload(Team.city).joinedload(City.province), selectinload(Piece.photos))


def _published(listed: bool = True):
    """Published pieces; ``listed`` keeps those with a best-practice level (what the lists show)."""
    stmt = select(Piece).join(Team, Piece.team_id == Team.id).join(City, Team.city_id == City.id) \
        .where(Piece.published_at.is_not(None))
    return stmt.where(Piece.best_practice.is_not(None)) if listed else stmt


def _paginate(stmt, page: int, order, with_text: bool = False) -> Page:
    page = max(1, page)
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Piece.id).subquery())) or 0
    options = _piece_options() if with_text else _list_options()
    items = db.session.scalars(
        stmt.order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE).options(*options)
    ).unique().all()
    return Page(items=list(items), total=total, page=page)


def national_pieces(period: str | None = None, page: int = 1, with_text: bool = False) -> Page:
    """National best practices, newest month first (one month if ``period`` is given); ``with_text`` also loads
    the text (feeds quote it; the list pages do not)."""
    stmt = _published().where(Piece.best_practice == BestPractice.NATIONAL)
    if period:
        stmt = stmt.where(Piece.period == period)
    return _paginate(stmt, page, [Piece.period.desc(), Piece.published_at.desc(), Piece.id.desc()], with_text)


def provincial_pieces(province_id: int | None = None, period: str | None = None, page: int = 1,
                      with_text: bool = False) -> Page:
    """Provincial best practices (a national winner was declared provincial first, so it is listed too)."""
    stmt = _published().where(Piece.best_practice.in_(BEST_PRACTICES))
    if province_id:
        stmt = stmt.where(City.province_id == province_id)
    if period:
        stmt = stmt.where(Piece.period == period)
    return _paginate(stmt, page, [Piece.period.desc(), Piece.published_at.desc(), Piece.id.desc()], with_text)


def latest(best_practice: BestPractice, limit: int = 6) -> list[Piece]:
    stmt = _published().where(Piece.best_practice == best_practice)
    return list(db.session.scalars(
        stmt.order_by(Piece.published_at.desc(), Piece.id.desc()).limit(limit).options(*_list_options())
    ).unique().all())


# The months and the provinces' counts that the lists and the search form offer are the same for every reader
# and change only when something is published or withdrawn (a public change: see portal/kept.py).
_filters: Kept[list] = Kept(64)


def published_periods(best_practice: BestPractice | None = None, province_id: int | None = None) -> list[str]:
    """Months that have published best practices, newest first (kept per worker)."""
    return _filters.get(("periods", best_practice, province_id),
                        lambda: _published_periods(best_practice, province_id))


def _published_periods(best_practice: BestPractice | None, province_id: int | None) -> list[str]:
    stmt = select(distinct(Piece.period)).where(Piece.published_at.is_not(None), Piece.best_practice.is_not(None))
    if best_practice is not None:
        stmt = stmt.where(Piece.best_practice == best_practice)
    if province_id:  # joins only then: without them SQLite reads the month index, one entry per month
        stmt = stmt.join(Team, Piece.team_id == Team.id).join(City, Team.city_id == City.id) \
            .where(City.province_id == province_id)
    return sorted(db.session.scalars(stmt).all(), reverse=True)


class ProvinceName(NamedTuple):
    id: int
    name: str


def provinces_with_counts() -> list[tuple[ProvinceName, int]]:
    """Every province with its number of published best practices (zero included), by name (kept per worker)."""
    return _filters.get(("provinces",), _provinces_with_counts)


def _provinces_with_counts() -> list[tuple[ProvinceName, int]]:
    counts = dict(db.session.execute(
        select(City.province_id, func.count(Piece.id)).join(Team, Team.city_id == City.id)
        .join(Piece, Piece.team_id == Team.id)
        .where(Piece.published_at.is_not(None), Piece.best_practice.is_not(None))
        .group_by(City.province_id)
    ).all())
    provinces = db.session.execute(select(Province.id, Province.name).order_by(Province.name)).all()
    return [(ProvinceName(p.id, p.name), counts.get(p.id, 0)) for p in provinces]


def province(province_id: int) -> Province | None:
    return db.session.get(Province, province_id)


# The statements of a piece's page, built once: SQLAlchemy reuses their cache keys instead of walking them (and
# their eager-load options) at every rendering.
_PUBLIC_PIECE = (_published(listed=False).where(Piece.id == bindparam("piece_id"))
                 .options(joinedload(Piece.team).joinedload(Team.city).joinedload(City.province)))
_TIER_RESULTS = (select(Panel.tier, Panel.period, Entry.na, Entry.rank, Entry.passed, Entry.selected,
                        RubricVersion.passing_grade)
                 .join(Panel, Entry.panel_id == Panel.id)
                 .outerjoin(RubricVersion, RubricVersion.id == Panel.rubric_id)
                 .where(Entry.piece_id == bindparam("piece_id"), Panel.status == PanelStatus.CLOSED))
_COMMENTS = (select(Comment.id, Comment.parent_id, Comment.kind, Comment.body, Comment.created_at, Comment.hidden,
                    Comment.hidden_reason, User.name.label("author"))
             .join(User, User.id == Comment.user_id)
             .where(Comment.piece_id == bindparam("piece_id"))
             .order_by(Comment.created_at, Comment.id))
_CONFIRMATIONS = {
    False: select(func.count(Confirmation.id), literal(0)).where(Confirmation.piece_id == bindparam("piece_id")),
    True: select(func.count(Confirmation.id), func.count(case((Confirmation.user_id == bindparam("user_id"), 1))))
    .where(Confirmation.piece_id == bindparam("piece_id")),
}
_AWARDS = (select(Award.id, Award.piece_id, Award.title, Award.description)
           .where(Award.piece_id.in_(bindparam("piece_ids", expanding=True)), Award.revoked_at.is_(None))
           .order_by(Award.recorded_at, Award.id))


@dataclass(frozen=True, slots=True)
class ShownPiece(PieceText):
    """A published piece as its page shows it, read as a row at every rendering (every signed-in reader's page is
    rendered): what the article, the badges, the moderation rule (``rules.can_moderate``: its city) and the
    certificates (``rewards.certificates.downloadable``) read of it. Writes (comments, confirmations) take
    ``public_piece``."""

    period: Period
    published_at: datetime
    best_practice: BestPractice | None
    confirmations: int  # how many readers confirmed it (``confirmations_of``, read in the same statement)
    confirmed: bool  # whether the reader it was read for is one of them
    media: ShownMedia | None  # its media file, as the mapped piece's ``media`` (a piece has at most one)
    comment_count: int  # all its comments, hidden ones and replies included: none, no statement for them
    award_count: int  # its standing awards: none, no statement for them


class ShownMedia(NamedTuple):
    content_type: str
    extension: str


def _counted(model, *where):
    """How many rows of ``model`` belong to the piece of the statement: a column of the piece's own statement."""
    return select(func.count(model.id)).where(model.piece_id == Piece.id, *where).scalar_subquery()


# What the piece's page shows besides the piece is counted in the piece's statement: its confirmations, and whether
# the reader is among them (with no reader, ``user_id`` is NULL and matches none), its comments and its standing
# awards (when there are none, their statements are not sent: ``comments_for``, ``awards_for``). A piece has at
# most one media file.
_SHOWN_PIECE = (select(*PIECE_TEXT_COLUMNS, Team.name, Team.city_id, City.name, Province.name, Province.kmw_id,
                       Piece.period, Piece.published_at, Piece.best_practice,
                       _counted(Confirmation), _counted(Confirmation, Confirmation.user_id == bindparam("user_id")),
                       MediaFile.content_type, MediaFile.extension,
                       _counted(Comment), _counted(Award, Award.revoked_at.is_(None)))
                .join(Team, Team.id == Piece.team_id).join(City, City.id == Team.city_id)
                .join(Province, Province.id == City.province_id)
                .outerjoin(MediaFile, MediaFile.piece_id == Piece.id)
                .where(Piece.id == bindparam("piece_id"), Piece.published_at.is_not(None)))


def shown_piece(piece_id: int, reader_id: int | None = None) -> ShownPiece | None:
    """The published piece with its team, city and province, its media file, its confirmations (how many, and
    whether ``reader_id`` confirmed it) and how many comments and standing awards it has, as one row, or None (the
    caller answers 404). Most pieces have no comment and no award: :func:`comments_for` and :func:`awards_for`
    then send no statement."""
    row = select_rows(_SHOWN_PIECE, {"piece_id": piece_id, "user_id": reader_id}).first()
    if row is None:
        return None
    (*texts, team_name, city_id, city_name, province_name, kmw_id, period, published_at, best_practice,
     confirmations, confirmed, media_type, media_extension, comment_count, award_count) = row
    team = TeamRef(texts[-1], team_name, city_id, CityRef(city_id, city_name, ProvinceRef(province_name, kmw_id)))
    return ShownPiece(*texts, team=team, period=period, published_at=published_at, best_practice=best_practice,
                      confirmations=confirmations or 0, confirmed=bool(confirmed),
                      media=ShownMedia(media_type, media_extension) if media_type is not None else None,
                      comment_count=comment_count or 0, award_count=award_count or 0)


def public_piece(piece_id: int) -> Piece | None:
    """The piece (with its team, city and province) if it is published, else None (the caller answers 404).
    Its photos and media load when first used: the article that shows them is usually kept already."""
    return db.session.scalars(_PUBLIC_PIECE, {"piece_id": piece_id}).first()


@dataclass
class TierResult:
    tier: Tier
    period: str
    na: float | None
    rank: int | None
    passed: bool | None  # the panel's recorded decision
    selected: bool | None
    passing_grade: int  # of the panel's rubric version


def tier_results(piece_id: int) -> list[TierResult]:
    """The piece's results at each tier whose panel has decided (closed). No reviewer's name or sheet."""
    rows = select_rows(_TIER_RESULTS, {"piece_id": piece_id}).all()
    order = {p.tier: p.order for p in tiers.POLICIES.values()}
    grades = scoring_adapter.recorded_grades([row[-1] for row in rows])
    results = [TierResult(*row[:-1], passing_grade=grade) for row, grade in zip(rows, grades)]
    return sorted(results, key=lambda r: order.get(r.tier, 9))


@dataclass
class PieceComment:
    """A comment as the piece page shows it (a row: the page only shows it), with its replies."""

    id: int
    parent_id: int | None
    kind: str
    body: str
    created_at: datetime
    hidden: bool
    hidden_reason: str
    author: str  # the writer's name
    replies: list[PieceComment] = field(default_factory=list)


def comments_of(piece_id: int) -> list[PieceComment]:
    """Top-level comments (oldest first), each with its replies (oldest first), in one query.

    All of the piece's comments come in one indexed query and are put in their threads here. (Loading the replies
    by ``parent_id IN (...)`` let SQLite walk the whole comment table in date order: most comments have no parent,
    so that index looks unselective to it.) Rows, not mapped objects: a fifth of the work for a page that only
    shows them."""
    comments = [PieceComment(*row) for row in select_rows(_COMMENTS, {"piece_id": piece_id})]
    threads = {c.id: c for c in comments if c.parent_id is None}
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return list(threads.values())


def comments_for(piece) -> list[PieceComment]:
    """:func:`comments_of` a piece page's piece: a ``ShownPiece`` says when it has none, a mapped piece is asked."""
    if isinstance(piece, ShownPiece) and not piece.comment_count:
        return []
    return comments_of(piece.id)


def confirmations_for(piece, user_id: int | None) -> tuple[int, bool]:
    """:func:`confirmations_of` a piece page's piece: a ``ShownPiece`` read them for its reader already."""
    if isinstance(piece, ShownPiece):
        return piece.confirmations, piece.confirmed
    return confirmations_of(piece.id, user_id)


def awards_for(piece) -> list:
    """The standing awards of a piece page's piece (:func:`awards_of`): a ``ShownPiece`` says when it has none."""
    if isinstance(piece, ShownPiece) and not piece.award_count:
        return []
    return awards_of([piece.id])[piece.id]


def confirmations_of(piece_id: int, user_id: int | None) -> tuple[int, bool]:
    """How many readers confirmed the piece, and whether ``user_id`` is one of them, in one statement."""
    signed_in = user_id is not None
    count, confirmed = select_rows(
        _CONFIRMATIONS[signed_in], {"piece_id": piece_id, **({"user_id": user_id} if signed_in else {})}).one()
    return count or 0, bool(confirmed)


def awards_of(piece_ids: list[int]) -> dict[int, list]:
    """The standing awards of each piece (a revoked award is no longer shown; its page and certificate say why), as
    rows of ``id, piece_id, title, description``: the pages only show them."""
    out: dict[int, list] = {i: [] for i in piece_ids}
    if piece_ids:
        for award in select_rows(_AWARDS, {"piece_ids": list(piece_ids)}):
            out[award.piece_id].append(award)
    return out


def honour_roll(page: int = 1) -> Page:
    """National winners, newest month first."""
    return national_pieces(None, page)


def knowledge_products(page: int = 1) -> Page:
    page = max(1, page)
    stmt = select(KnowledgeProduct).where(KnowledgeProduct.published_at.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = db.session.scalars(
        stmt.order_by(KnowledgeProduct.published_at.desc(), KnowledgeProduct.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).unique().all()
    return Page(items=list(items), total=total, page=page)


def latest_knowledge_products(limit: int = 5) -> list[KnowledgeProduct]:
    return knowledge_products(1).items[:limit]


def public_knowledge_product(product_id: int) -> KnowledgeProduct | None:
    return db.session.scalars(
        select(KnowledgeProduct).where(KnowledgeProduct.id == product_id, KnowledgeProduct.published_at.is_not(None))
    ).unique().first()


def pending_knowledge_products(kmw_ids: set[int] | None) -> list[KnowledgeProduct]:
    """Submitted, not yet published knowledge products (``kmw_ids`` None: every KMW)."""
    stmt = select(KnowledgeProduct).where(KnowledgeProduct.submitted_at.is_not(None),
                                          KnowledgeProduct.published_at.is_(None))
    if kmw_ids is not None:
        stmt = stmt.where(KnowledgeProduct.kmw_id.in_(kmw_ids))
    return list(db.session.scalars(stmt.order_by(KnowledgeProduct.submitted_at)).unique().all())


def reported_comments(city_ids: set[int] | None, kmw_ids: set[int] | None) -> list[Comment]:
    """Comments with unresolved reports, within a moderator's scope (both None: national)."""

    stmt = (
        select(Comment).join(CommentReport, CommentReport.comment_id == Comment.id)
        .join(Piece, Comment.piece_id == Piece.id).join(Team, Piece.team_id == Team.id)
        .join(City, Team.city_id == City.id).join(Province, City.province_id == Province.id)
        .where(CommentReport.resolved.is_(False))
    )
    if city_ids is not None or kmw_ids is not None:
        from sqlalchemy import or_

        stmt = stmt.where(or_(City.id.in_(city_ids or set()), Province.kmw_id.in_(kmw_ids or set())))
    return list(db.session.scalars(stmt.order_by(Comment.created_at.desc()).distinct()).unique().all())
