"""Full-text search over published pieces: SQLite FTS5 on the embedded default, PostgreSQL full-text in production.

One interface, :func:`search_pieces`. The text searched is the title, the body, the theme and the names of the
piece's city and province. PostgreSQL uses the ``'simple'`` configuration (no stemming: PostgreSQL ships no
Indonesian stemmer) with ``websearch_to_tsquery``, which accepts any user input without syntax errors.
SQLite keeps an FTS5 table ``piece_search`` maintained by :func:`index_piece` / :func:`unindex_piece`; user input
is reduced to quoted tokens, so ``"``, ``*`` or ``AND(`` never reach the FTS5 query parser as syntax.

The schema objects live outside the ORM metadata (raw DDL): :func:`ensure_search_schema` creates them
IF NOT EXISTS and is called from the Alembic migration and, lazily, before the first search or index write.
"""
from __future__ import annotations

import re

from sqlalchemy import Float, Integer, func, literal_column, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.pagination import PER_PAGE, Page
from portal.models.org import City, Province, Team
from portal.models.pieces import BestPractice, Piece

FTS_TABLE = "piece_search"
PG_INDEX = "ix_piece_fulltext_simple"
# The PostgreSQL document of a piece's own text; the GIN expression index is built on exactly this expression.
PG_PIECE_DOCUMENT = (
    "to_tsvector('simple', coalesce(piece.title, '') || ' ' || coalesce(piece.theme, '') || ' ' "
    "|| coalesce(piece.body_md, ''))"
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


class SearchPage(Page):
    """One page of results, newest or best match first."""

    @property
    def pieces(self) -> list[Piece]:
        return self.items


def _dialect(connection: Connection | None = None) -> str:
    return (connection or db.session.connection()).dialect.name


def ensure_search_schema(connection: Connection) -> None:
    """Create the search objects if missing: the FTS5 table (SQLite) or the GIN expression index (PostgreSQL)."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.execute(text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "piece_id UNINDEXED, title, body, city, province, theme, tokenize = 'unicode61 remove_diacritics 2')"
        ))
    elif name == "postgresql":
        connection.execute(text(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON piece USING GIN (({PG_PIECE_DOCUMENT}))"))


def _sqlite_table_exists(connection: Connection) -> bool:
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": FTS_TABLE}
    ).first()
    return found is not None


def _published_count() -> int:
    return db.session.scalar(select(func.count(Piece.id)).where(Piece.published_at.is_not(None))) or 0


def _ensure_ready() -> None:
    """Lazy guard: create the schema and rebuild the SQLite index when it is missing or out of step."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        if connection.dialect.name == "postgresql" and not _pg_ready.get(str(connection.engine.url)):
            ensure_search_schema(connection)
            _pg_ready[str(connection.engine.url)] = True
        return
    if not _sqlite_table_exists(connection):
        ensure_search_schema(connection)
    indexed = connection.execute(text(f"SELECT count(*) FROM {FTS_TABLE}")).scalar() or 0
    if indexed != _published_count():
        rebuild_index()
        # The index is derived data: keep the repair, or every later search would repeat it.
        db.session.commit()


_pg_ready: dict[str, bool] = {}


def _row(piece: Piece) -> dict:
    city = piece.team.city
    return {
        "piece_id": piece.id, "title": piece.title or "", "body": piece.body_md or "",
        "city": city.name, "province": city.province.name, "theme": piece.theme or "",
    }


def index_piece(piece: Piece) -> None:
    """Put a published piece in the search index (or take it out if it is not published). The caller commits.

    Call it whenever ``published_at`` is set or cleared. On PostgreSQL the expression index follows the row by
    itself, so this is a no-op there."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not _sqlite_table_exists(connection):
        ensure_search_schema(connection)
    connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE piece_id = :id"), {"id": piece.id})
    if piece.published_at is not None:
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE} (piece_id, title, body, city, province, theme) "
                 "VALUES (:piece_id, :title, :body, :city, :province, :theme)"),
            _row(piece),
        )


def unindex_piece(piece_id: int) -> None:
    """Take a piece out of the search index (SQLite; a no-op on PostgreSQL). The caller commits."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and _sqlite_table_exists(connection):
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE piece_id = :id"), {"id": piece_id})


def rebuild_index() -> int:
    """Rebuild the SQLite index from every published piece; returns how many were indexed."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        ensure_search_schema(connection)
        return _published_count()
    ensure_search_schema(connection)
    connection.execute(text(f"DELETE FROM {FTS_TABLE}"))
    pieces = db.session.scalars(
        select(Piece).where(Piece.published_at.is_not(None))
        .options(joinedload(Piece.team).joinedload(Team.city).joinedload(City.province))
    ).unique().all()
    if pieces:
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE} (piece_id, title, body, city, province, theme) "
                 "VALUES (:piece_id, :title, :body, :city, :province, :theme)"),
            [_row(p) for p in pieces],
        )
    return len(pieces)


def fts5_query(query: str) -> str:
    """User text -> a safe FTS5 query: every word a quoted token, all required (implicit AND)."""
    tokens = _TOKEN.findall(query or "")
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def search_pieces(query: str, province_id: int | None = None, period: str | None = None,
                  tier: str | None = None, page: int = 1) -> SearchPage:
    """Published pieces matching ``query`` (all words), filtered by province, month (``YYYY-MM``) and tier
    (``"province"`` or ``"national"``: the best-practice level reached). An empty query lists the filtered
    pieces, newest first. ``page`` counts from 1, :data:`PER_PAGE` per page."""
    page = max(1, int(page or 1))
    _ensure_ready()
    stmt = (
        select(Piece)
        .join(Team, Piece.team_id == Team.id).join(City, Team.city_id == City.id)
        .join(Province, City.province_id == Province.id)
        .where(Piece.published_at.is_not(None))
    )
    if province_id:
        stmt = stmt.where(Province.id == province_id)
    if period:
        stmt = stmt.where(Piece.period == period)
    if tier in (BestPractice.PROVINCE.value, BestPractice.NATIONAL.value):
        # A national best practice was a provincial one first: "province" means at least provincial.
        if tier == BestPractice.NATIONAL.value:
            stmt = stmt.where(Piece.best_practice == BestPractice.NATIONAL)
        else:
            stmt = stmt.where(Piece.best_practice.in_([BestPractice.PROVINCE, BestPractice.NATIONAL]))
    order = [Piece.published_at.desc(), Piece.id.desc()]
    words = (query or "").strip()
    if words:
        stmt, order = _match(stmt, words)
        if stmt is None:
            return SearchPage(page=page)
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Piece.id).subquery())) or 0
    pieces = db.session.scalars(
        stmt.order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE).options(
            joinedload(Piece.team).joinedload(Team.city).joinedload(City.province), selectinload(Piece.photos))
    ).unique().all()
    return SearchPage(items=list(pieces), total=total, page=page)


def _match(stmt, words: str):
    if _dialect() == "postgresql":
        document = literal_column(PG_PIECE_DOCUMENT).op("||")(
            func.to_tsvector("simple", City.name + " " + Province.name))
        tsquery = func.websearch_to_tsquery("simple", words)
        rank = func.ts_rank(document, tsquery)
        return stmt.where(document.op("@@")(tsquery)), [rank.desc(), Piece.published_at.desc(), Piece.id.desc()]
    match = fts5_query(words)
    if not match:
        return None, None
    hits = (
        text(f"SELECT piece_id, rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q")
        .bindparams(q=match).columns(piece_id=Integer, rank=Float).subquery("hits")
    )
    return stmt.join(hits, hits.c.piece_id == Piece.id), [hits.c.rank, Piece.published_at.desc(), Piece.id.desc()]
