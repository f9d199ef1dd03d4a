"""Builders for the e-learning tests: published pieces with closed-panel results, comments, knowledge products."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models.elearning import Comment
from portal.models.pieces import BestPractice, KnowledgeProduct, Piece
from portal.models.reviews import Entry, EntryStatus, Panel, PanelStatus, Tier

BASE_TIME = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
_counter = {"n": 0}


def _panel(tier: Tier, period: str, scope_key: str, status: PanelStatus, **fields) -> Panel:
    panel = db.session.scalar(db.select(Panel).where(Panel.tier == tier, Panel.period == period,
                                                     Panel.scope_key == scope_key))
    if panel is None:
        panel = Panel(tier=tier, period=period, scope_key=scope_key, status=status,
                      closed_at=BASE_TIME if status == PanelStatus.CLOSED else None, **fields)
        db.session.add(panel)
        db.session.flush()
    return panel


def add_entry(piece: Piece, tier: Tier, na: float, rank: int, *, closed: bool = True, passed: bool | None = None,
              selected: bool = True) -> Entry:
    """An entry of ``piece`` before the panel of ``tier`` for its month (closed, i.e. decided, by default)."""
    city = piece.team.city
    scope = {Tier.CITY: f"city:{city.id}", Tier.PROVINCE: f"kmw:{city.province.kmw_id}",
             Tier.NATIONAL: "national"}[tier]
    extra = {Tier.CITY: {"city_id": city.id}, Tier.PROVINCE: {"kmw_id": city.province.kmw_id},
             Tier.NATIONAL: {}}[tier]
    panel = _panel(tier, piece.period, scope, PanelStatus.CLOSED if closed else PanelStatus.OPEN, **extra)
    entry = db.session.scalar(db.select(Entry).where(Entry.panel_id == panel.id, Entry.piece_id == piece.id))
    if entry is None:
        entry = Entry(panel_id=panel.id, piece_id=piece.id, status=EntryStatus.ELIGIBLE, reviewers=3, tied=False)
        db.session.add(entry)
    entry.na, entry.rank, entry.selected = na, rank, selected
    entry.passed = (na >= 700) if passed is None else passed
    db.session.commit()
    return entry


def publish(piece: Piece, level: str = "province", *, na_province: float = 812.5, na_national: float = 850.0,
            rank: int = 1, minutes: int = 0) -> Piece:
    """Make ``piece`` a decided, published best practice (``level`` "province" or "national") with the
    closed-panel entries that decided it, and put it in the search index as the panels' decision does."""
    from portal.search import index_piece

    _counter["n"] += 1
    add_entry(piece, Tier.CITY, 790.0, 1)
    add_entry(piece, Tier.PROVINCE, na_province, rank)
    if level == "national":
        add_entry(piece, Tier.NATIONAL, na_national, rank)
    piece.best_practice = BestPractice(level)
    piece.published_at = BASE_TIME + timedelta(minutes=minutes or _counter["n"])
    index_piece(piece)
    db.session.commit()
    return piece


def make_published(make_piece, team, level: str = "province", period: str = "2026-11", **fields) -> Piece:
    return publish(make_piece(team, period=period, **fields), level)


def add_comment(piece: Piece, user, body: str = "Tulisan yang bagus", *, kind: str = "comment",
                parent: Comment | None = None, hidden: bool = False) -> Comment:
    comment = Comment(piece_id=piece.id, user_id=user.id, body=body, kind=kind,
                      parent_id=parent.id if parent else None, hidden=hidden,
                      hidden_reason="spam" if hidden else "")
    db.session.add(comment)
    db.session.commit()
    return comment


def make_knowledge_product(author, kmw, *, year: int = 2026, submitted: bool = True, published: bool = False,
                           **fields) -> KnowledgeProduct:
    product = KnowledgeProduct(
        author_id=author.id, kmw_id=kmw.id, year=year, title=fields.pop("title", f"Produk pengetahuan {year}"),
        summary=fields.pop("summary", "Ringkasan produk pengetahuan."), body_md=fields.pop("body_md", "Isi **produk**."),
        submitted_at=BASE_TIME if submitted else None, published_at=BASE_TIME if published else None, **fields)
    db.session.add(product)
    db.session.commit()
    return product
