"""Full-text search over published pieces: SQLite FTS5 on the embedded default, PostgreSQL full-text in production.

One interface, :func:`search_pieces`: every word is required; the title, the theme, the body and the names of the
piece's city and province are searched; results come best match first, then newest, filtered by province, month
and tier, one page at a time with the total. An empty query lists the filtered pieces, newest first.

The index, on both dialects, has one narrow row per published piece in ``piece_search_entry``: the columns a
search filters and sorts on (publication time, tier, month, province), so a search never reads the wide ``piece``
rows. The text itself:

- PostgreSQL: two ``tsvector`` columns of that table in the ``'simple'`` configuration (no stemming: PostgreSQL
  ships no Indonesian stemmer). ``document`` is the whole piece (title weight A, theme B, city and province C, body
  D) with the GIN index :data:`PG_INDEX`, and no planner statistics (see :data:`PG_STATISTICS`); ``head`` is the
  same without the body. The match always goes through that index, whatever the table's statistics say
  (:func:`_through_the_index`). Queries go through ``websearch_to_tsquery``, which accepts any user input
  without syntax errors. Ranking is ``ts_rank`` over ``document`` when at most :data:`RANK_ALL_LIMIT` pieces
  match. Above that, ranking every match would read and decompress every matching body's vector (about 40 ms
  for a word found in all 13,000 published pieces of the national dataset, against 5 ms), so the order is
  ``ts_rank`` over the small ``head``: pieces with the words in the title, then the theme, then the place name,
  then the rest, newest first within each.
- SQLite: the FTS5 table ``piece_search`` (rowid = piece id), ranked by ``bm25`` with the title weighing most and
  the body least. User input is reduced to quoted tokens, so ``"``, ``*`` or ``AND(`` never reach the FTS5 query
  parser as syntax.

The index is derived data kept in step at write time, in the transaction of the change, so a search only reads.
The operations announce what they changed (``portal.signals``): a panel decision's ``piece_published`` is
indexed by :func:`index_published`, a renamed or moved team, city or province by :func:`index_below_node`
(subscribed in portal/subscribers.py). Writes that no operation announces are caught at flush: every ORM flush
that publishes, withdraws, edits or deletes a published piece, or renames or moves its city, province or team,
re-indexes the pieces concerned (:func:`index_flushed`, a session event registered by the same subscribers), and
a piece the flush already re-indexed is not indexed again for the announcement. :func:`index_piece` and
:func:`unindex_piece` do the same for one piece explicitly; :func:`rebuild_index` (command
``rebuild-search-index``; also run by the dataset generator and a restore, and migration 0004 fills it the same
way) rebuilds it from every published piece, for writes that bypass the ORM.

The index objects live outside the ORM metadata (raw DDL): migration 0004 creates and fills them, and
:func:`ensure_search_schema` creates missing ones for a database built by ``create_all``. A search checks that they
exist (SQLite: one lookup; PostgreSQL: once per process) and rebuilds the index only when they did not.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from contextlib import contextmanager

from sqlalchemy import Float, Integer, bindparam, column, event, func, inspect, or_, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from portal.extensions import db
from portal.models.org import City, Province, Team
from portal.models.pieces import BestPractice, Piece
from portal.pagination import PER_PAGE, Page

FTS_TABLE = "piece_search"  # SQLite only
ENTRY_TABLE = "piece_search_entry"
PG_INDEX = "ix_piece_search_entry_document"
PG_OLD_INDEX = "ix_piece_fulltext_simple"  # migration 0002's expression index on piece, replaced by the entries
# PostgreSQL: above this many matches, rank on ``head`` only (see the module docstring). SQLite ranks every match
# with bm25 at about 1 microsecond each.
RANK_ALL_LIMIT = 2000
# PostgreSQL: no planner statistics on ``document``. With them the planner knows that a common word is in most
# entries and prefers a sequential scan, not counting that each row's vector must then be fetched from TOAST and
# decompressed (about 50 ms instead of 3 at national scale); without them it assumes a selective match and always
# takes the GIN index, which answers without reading the vectors.
PG_STATISTICS = 0

# The published pieces with their place: what the entries are made from (both dialects).
_SOURCE = ("FROM piece JOIN team ON team.id = piece.team_id JOIN city ON city.id = team.city_id "
           "JOIN province ON province.id = city.province_id WHERE piece.published_at IS NOT NULL")
_ENTRY_COLUMNS = "piece_id, published_at, best_practice, period, province_id"
_ENTRY_VALUES = "piece.id, piece.published_at, piece.best_practice, piece.period, city.province_id"
# PostgreSQL documents (over _SOURCE): weights A title, B theme, C city and province, D (the default) body.
PG_HEAD = (
    "setweight(to_tsvector('simple', coalesce(piece.title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(piece.theme, '')), 'B') || "
    "setweight(to_tsvector('simple', city.name || ' ' || province.name), 'C')"
)
PG_DOCUMENT = f"{PG_HEAD} || to_tsvector('simple', coalesce(piece.body_md, ''))"
# SQLite: the FTS5 columns, and the bm25 weights in the same order (piece_id is not indexed).
FTS_COLUMNS = "piece_id, title, body, city, province, theme"
FTS_VALUES = "piece.id, piece.title, piece.body_md, city.name, province.name, piece.theme"
SQLITE_RANK = f"bm25({FTS_TABLE}, 0.0, 10.0, 1.0, 2.0, 2.0, 4.0)"

SCHEMA = {
    "sqlite": [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(piece_id UNINDEXED, title, body, city, province, "
        "theme, tokenize = 'unicode61 remove_diacritics 2')",
        f"CREATE TABLE IF NOT EXISTS {ENTRY_TABLE} (piece_id INTEGER PRIMARY KEY REFERENCES piece (id) ON DELETE "
        "CASCADE, published_at DATETIME NOT NULL, best_practice VARCHAR(20), period VARCHAR(7) NOT NULL, "
        "province_id INTEGER NOT NULL)",
    ],
    "postgresql": [
        f"CREATE TABLE IF NOT EXISTS {ENTRY_TABLE} (piece_id INTEGER PRIMARY KEY REFERENCES piece (id) ON DELETE "
        "CASCADE, published_at TIMESTAMP WITH TIME ZONE NOT NULL, best_practice VARCHAR(20), period VARCHAR(7) "
        "NOT NULL, province_id INTEGER NOT NULL, head TSVECTOR NOT NULL, document TSVECTOR NOT NULL)",
        f"ALTER TABLE {ENTRY_TABLE} ALTER COLUMN document SET STATISTICS {PG_STATISTICS}",
        f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {ENTRY_TABLE} USING GIN (document)",
        f"DROP INDEX IF EXISTS {PG_OLD_INDEX}",
    ],
}

_TOKEN = re.compile(r"\w+", re.UNICODE)
_PIECE_INDEXED = ("title", "theme", "body_md", "team", "team_id", "period", "best_practice")
_entry = table(ENTRY_TABLE, column("piece_id"), column("published_at"), column("best_practice"),
               column("period"), column("province_id"), column("head"), column("document"))
_IN_STEP = "search_in_step"  # on the session's info: (its transaction, piece ids re-indexed in it)
_ready: set[str] = set()  # PostgreSQL databases whose index objects exist (checked once per process)


class SearchPage(Page):
    """One page of results, newest or best match first."""

    @property
    def pieces(self) -> list[Piece]:
        return self.items


# --- schema ----------------------------------------------------------------------------------------

def ensure_search_schema(connection: Connection) -> bool:
    """Create the index objects that are missing. Returns True if any was: the index must then be rebuilt."""
    name = connection.dialect.name
    if name == "sqlite":
        found = set(connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (:fts, :entry)"),
            {"fts": FTS_TABLE, "entry": ENTRY_TABLE}).scalars())
        if found == {FTS_TABLE, ENTRY_TABLE}:
            return False
        if ENTRY_TABLE not in found:  # an FTS5 table from before migration 0004: its rowids are not piece ids
            connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    elif name == "postgresql":
        found = connection.execute(text("SELECT to_regclass(:t) IS NOT NULL AND to_regclass(:i) IS NOT NULL"),
                                   {"t": ENTRY_TABLE, "i": PG_INDEX}).scalar()
        if found:
            return False
    else:
        return False
    for statement in SCHEMA[name]:
        connection.execute(text(statement))
    return True


def _prepare(connection: Connection) -> bool:
    """Make sure the index objects exist; True if they had to be created (the index is then empty)."""
    postgres = connection.dialect.name == "postgresql"
    key = connection.engine.url.render_as_string(hide_password=True)
    if postgres and key in _ready:
        return False
    created = ensure_search_schema(connection)
    if postgres and not created:  # when created, check again next time: this transaction may yet roll back
        _ready.add(key)
    return created


# --- keeping the index in step -----------------------------------------------------------------------

def _reindex(connection: Connection, piece_ids: Collection[int] | None) -> None:
    """Bring the index in step with the ``piece`` rows of ``piece_ids`` (all of them when None): a published
    piece gets a fresh entry made from its current text and place, any other piece none."""
    if piece_ids is None:
        chunks = [None]
    else:
        ids = sorted(set(piece_ids))
        chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        _run(connection, f"DELETE FROM {ENTRY_TABLE}", " WHERE piece_id IN :ids", chunk)
        if connection.dialect.name == "postgresql":
            _run(connection, f"INSERT INTO {ENTRY_TABLE} ({_ENTRY_COLUMNS}, head, document) "
                 f"SELECT {_ENTRY_VALUES}, {PG_HEAD}, {PG_DOCUMENT} {_SOURCE}", " AND piece.id IN :ids", chunk)
        else:
            _run(connection, f"DELETE FROM {FTS_TABLE}", " WHERE rowid IN :ids", chunk)
            _run(connection, f"INSERT INTO {ENTRY_TABLE} ({_ENTRY_COLUMNS}) SELECT {_ENTRY_VALUES} {_SOURCE}",
                 " AND piece.id IN :ids", chunk)
            _run(connection, f"INSERT INTO {FTS_TABLE} (rowid, {FTS_COLUMNS}) SELECT piece.id, {FTS_VALUES} {_SOURCE}",
                 " AND piece.id IN :ids", chunk)


def _run(connection: Connection, sql: str, only: str, ids: list[int] | None) -> None:
    """Run ``sql`` for every piece (``ids`` None), or with the condition ``only`` on the pieces ``ids``."""
    if ids is None:
        connection.execute(text(sql))
    else:
        connection.execute(text(sql + only).bindparams(bindparam("ids", expanding=True)), {"ids": ids})


def _write(connection: Connection, piece_ids: Collection[int]) -> None:
    _reindex(connection, None if _prepare(connection) else piece_ids)  # new objects are filled whole


def index_piece(piece: Piece) -> None:
    """Bring one piece's entry in step with its row: indexed if published, not if not. The caller commits.

    A flush does this by itself for changes made through the ORM (see :func:`index_flushed`); calling it is
    still right, for instance after changing the piece with a plain SQL statement."""
    db.session.flush()
    _write(db.session.connection(), [piece.id])


def unindex_piece(piece_id: int) -> None:
    """Take a piece out of the search index, whatever its row says. The caller commits."""
    connection = db.session.connection()
    if _prepare(connection):
        _reindex(connection, None)
    connection.execute(text(f"DELETE FROM {ENTRY_TABLE} WHERE piece_id = :id"), {"id": piece_id})
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": piece_id})


def rebuild_index(connection: Connection | None = None) -> int:
    """Rebuild the whole index from the published pieces, creating its objects if missing; returns how many
    pieces it holds. Runs in the caller's transaction (``connection``, else the session's); the caller commits."""
    connection = connection or db.session.connection()
    _prepare(connection)
    _reindex(connection, None)
    return connection.execute(text(f"SELECT count(*) FROM {ENTRY_TABLE}")).scalar() or 0


def _changed(obj, names) -> bool:
    attrs = inspect(obj).attrs
    return any(name in attrs and attrs[name].history.has_changes() for name in names)


def index_flushed(session: Session, flush_context) -> None:
    """After each flush, re-index in the flush's transaction the pieces whose publication, text, filters or place
    changed: the index stays in step with writes that no operation announced (a shell command, a bulk fix)."""
    piece_ids: set[int] = set()
    teams: set[int] = set()
    cities: set[int] = set()
    provinces: set[int] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Piece) and obj.published_at is not None:
            piece_ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Piece):
            if _changed(obj, ("published_at",)) or (obj.published_at is not None and _changed(obj, _PIECE_INDEXED)):
                piece_ids.add(obj.id)
        elif isinstance(obj, Team) and _changed(obj, ("city", "city_id")):
            teams.add(obj.id)
        elif isinstance(obj, City) and _changed(obj, ("name", "province", "province_id")):
            cities.add(obj.id)
        elif isinstance(obj, Province) and _changed(obj, ("name",)):
            provinces.add(obj.id)
    if not (piece_ids or teams or cities or provinces):
        return
    connection = session.connection()
    if teams or cities or provinces:
        piece_ids.update(connection.execute(_published_below(teams, cities, provinces)).scalars())
    _write(connection, piece_ids)
    _in_step(session).update(piece_ids)


def _published_below(teams: Collection[int] = (), cities: Collection[int] = (), provinces: Collection[int] = ()):
    """The published pieces of these teams, or of the teams of these cities or provinces."""
    return (
        select(Piece.id).join(Team, Team.id == Piece.team_id).join(City, City.id == Team.city_id)
        .where(Piece.published_at.is_not(None),
               or_(Team.id.in_(teams), City.id.in_(cities), City.province_id.in_(provinces)))
    )


def _in_step(session: Session) -> set[int]:
    """The pieces this transaction has already re-indexed at their latest flushed state (by the flush hook), so
    that an operation's announcement does not index them a second time."""
    transaction = session.get_transaction()
    noted = session.info.get(_IN_STEP)
    if noted is None or noted[0] is not transaction:
        noted = (transaction, set())
        session.info[_IN_STEP] = noted
    return noted[1]


def _index_announced(piece_ids: Collection[int]) -> None:
    session = db.session()
    session.flush()  # pending changes reach the index through index_flushed first
    todo = set(piece_ids) - _in_step(session)
    if todo:
        _write(session.connection(), todo)
        _in_step(session).update(todo)


def index_published(sender=None, *, pieces, **details) -> None:
    """Subscriber of ``piece_published``: the pieces a decision published are searchable in its transaction."""
    _index_announced([piece.id for piece in pieces])


# The org levels whose names or places show in the index (``portal.org.levels`` keys): the other levels'
# changes leave it as it is.
_PLACE_LEVELS = {"tim": "teams", "kota": "cities", "provinsi": "provinces"}


def index_below_node(sender=None, *, level: str, **details) -> None:
    """Subscriber of ``org_node_renamed`` / ``org_node_moved``: re-index the published pieces below the node,
    whose place (city, province) the index holds."""
    kind = _PLACE_LEVELS.get(level)
    if kind is None or sender.id is None:
        return
    db.session.flush()
    _index_announced(db.session.scalars(_published_below(**{kind: [sender.id]})).all())


def listen() -> None:
    """Attach :func:`index_flushed` to every session (idempotent; called by portal/subscribers.py)."""
    if not event.contains(Session, "after_flush", index_flushed):
        event.listen(Session, "after_flush", index_flushed)


# --- searching -------------------------------------------------------------------------------------

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
    words = (query or "").strip()
    postgres = db.session.connection().dialect.name == "postgresql"
    match = words if postgres else fts5_query(words)
    if words and not match:
        return SearchPage(page=page)
    _ensure_ready()
    if not match:
        stmt, rank_all, rank_many = select(_entry.c.piece_id), None, None
    elif postgres:
        stmt, rank_all, rank_many = _postgres_match(match)
    else:
        stmt, rank_all, rank_many = _sqlite_match(match)
    stmt = _filtered(stmt, province_id, period, tier)
    with _through_the_index(postgres and bool(match)):
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        if not total:
            return SearchPage(items=[], total=0, page=page)
        rank = rank_all if total <= RANK_ALL_LIMIT else rank_many
        order = (rank,) if rank is not None else ()
        ids = db.session.scalars(
            stmt.order_by(*order, _entry.c.published_at.desc(), _entry.c.piece_id.desc())
            .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        ).all()
    return SearchPage(items=_load(list(ids)), total=total, page=page)


@contextmanager
def _through_the_index(postgres_match: bool):
    """PostgreSQL: match the words through the GIN index, never by reading the table.

    Once the table has planner statistics (autovacuum takes them, and a restore), the planner prices a
    sequential scan of ``piece_search_entry`` at its 400 pages and prefers it for any word, not counting that
    every row's ``document`` must then be fetched from TOAST and decompressed: 35 ms per statement at national
    scale, against 1-3 ms through the index, which answers without reading the vectors. Sequential scans are
    off for the search's two statements only (``set_config(..., true)`` is ``SET LOCAL``, and a SELECT, so a
    read-only request still ends with COMMIT and keeps its prepared statements, see portal/db.py); a failure
    rolls the transaction back, and the setting with it."""
    if not postgres_match:
        yield
        return
    before = db.session.scalar(text("SELECT current_setting('enable_seqscan') AS was, "
                                    "set_config('enable_seqscan', 'off', true)"))
    yield
    db.session.execute(text("SELECT set_config('enable_seqscan', :was, true)"), {"was": before})


def _postgres_match(words: str):
    """The entries matching ``words``, and the rank orders for few and for many matches."""
    tsquery = func.websearch_to_tsquery("simple", words)
    stmt = select(_entry.c.piece_id).where(_entry.c.document.op("@@")(tsquery))
    return stmt, func.ts_rank(_entry.c.document, tsquery).desc(), func.ts_rank(_entry.c.head, tsquery).desc()


def _sqlite_match(match: str):
    """The entries matching the FTS5 query ``match``, and their rank order (bm25: lower is better)."""
    hits = (text(f"SELECT rowid AS piece_id, {SQLITE_RANK} AS rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q")
            .bindparams(q=match).columns(piece_id=Integer, rank=Float).subquery("hits"))
    stmt = select(_entry.c.piece_id).select_from(hits.join(_entry, _entry.c.piece_id == hits.c.piece_id))
    return stmt, hits.c.rank, hits.c.rank


def _ensure_ready() -> None:
    """Create the index objects if they are missing, and fill them: the only write a search may do."""
    connection = db.session.connection()
    if _prepare(connection):
        _reindex(connection, None)
        db.session.commit()  # derived data: keep the repair, or every later search would repeat it


def _filtered(stmt, province_id: int | None, period: str | None, tier: str | None):
    if province_id:
        stmt = stmt.where(_entry.c.province_id == province_id)
    if period:
        stmt = stmt.where(_entry.c.period == period)
    if tier == BestPractice.NATIONAL.value:
        stmt = stmt.where(_entry.c.best_practice == BestPractice.NATIONAL.value)
    elif tier == BestPractice.PROVINCE.value:  # a national best practice was a provincial one first
        stmt = stmt.where(_entry.c.best_practice.in_([BestPractice.PROVINCE.value, BestPractice.NATIONAL.value]))
    return stmt


def _load(ids: list[int]) -> list[Piece]:
    """The pieces of one result page, in the given order, with what the result cards show (not their text)."""
    if not ids:
        return []
    pieces = db.session.scalars(
        select(Piece).where(Piece.id.in_(ids)).options(
            joinedload(Piece.team).joinedload(Team.city).joinedload(City.province), selectinload(Piece.photos),
            defer(Piece.body_md), defer(Piece.facts))
    ).unique().all()
    by_id = {p.id: p for p in pieces}
    return [by_id[i] for i in ids if i in by_id]
