"""search index kept at write time in a narrow table, and an index of the published pieces for the filter forms

Both: piece_search_entry, one row per published piece with the columns a search filters and sorts on
(published_at, best_practice, period, province_id), filled here. PostgreSQL adds the tsvector columns head (title,
theme, place) and document (all, GIN index ix_piece_search_entry_document, no planner statistics: see
portal.search.PG_STATISTICS); they replace migration 0002's expression index on piece, which could not be used
once the city and province names joined the document, and made ranking recompute every matching body.
SQLite: the FTS5 table piece_search is rebuilt with the piece id as rowid, so it joins the entries directly.
Both: the partial index ix_piece_published_team_period (published pieces: team, month) for the filter forms.

The SQL below is a frozen copy of what portal/search.py did at this revision.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PUBLISHED = "published_at IS NOT NULL AND best_practice IS NOT NULL"
SOURCE = ("FROM piece JOIN team ON team.id = piece.team_id JOIN city ON city.id = team.city_id "
          "JOIN province ON province.id = city.province_id WHERE piece.published_at IS NOT NULL")
ENTRY_COLUMNS = "piece_id, published_at, best_practice, period, province_id"
ENTRY_VALUES = "piece.id, piece.published_at, piece.best_practice, piece.period, city.province_id"
PG_HEAD = (
    "setweight(to_tsvector('simple', coalesce(piece.title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(piece.theme, '')), 'B') || "
    "setweight(to_tsvector('simple', city.name || ' ' || province.name), 'C')"
)
PG_DOCUMENT = f"{PG_HEAD} || to_tsvector('simple', coalesce(piece.body_md, ''))"
PG_0002_DOCUMENT = (
    "to_tsvector('simple', coalesce(piece.title, '') || ' ' || coalesce(piece.theme, '') || ' ' "
    "|| coalesce(piece.body_md, ''))"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # IF NOT EXISTS and refilled: code of this revision run before the migration may have made the objects.
    if dialect == "postgresql":
        op.execute(
            "CREATE TABLE IF NOT EXISTS piece_search_entry (piece_id INTEGER PRIMARY KEY REFERENCES piece (id) "
            "ON DELETE CASCADE, published_at TIMESTAMP WITH TIME ZONE NOT NULL, best_practice VARCHAR(20), "
            "period VARCHAR(7) NOT NULL, province_id INTEGER NOT NULL, head TSVECTOR NOT NULL, "
            "document TSVECTOR NOT NULL)"
        )
        op.execute("ALTER TABLE piece_search_entry ALTER COLUMN document SET STATISTICS 0")  # before any ANALYZE
        op.execute("DELETE FROM piece_search_entry")
        op.execute(f"INSERT INTO piece_search_entry ({ENTRY_COLUMNS}, head, document) "
                   f"SELECT {ENTRY_VALUES}, {PG_HEAD}, {PG_DOCUMENT} {SOURCE}")
        op.execute("CREATE INDEX IF NOT EXISTS ix_piece_search_entry_document ON piece_search_entry "
                   "USING GIN (document)")
        op.execute("DROP INDEX IF EXISTS ix_piece_fulltext_simple")
    elif dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS piece_search")  # refilled whole: its rowids were not piece ids
        op.execute(
            "CREATE VIRTUAL TABLE piece_search USING fts5(piece_id UNINDEXED, title, body, city, province, theme, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TABLE IF NOT EXISTS piece_search_entry (piece_id INTEGER PRIMARY KEY REFERENCES piece (id) "
            "ON DELETE CASCADE, published_at DATETIME NOT NULL, best_practice VARCHAR(20), "
            "period VARCHAR(7) NOT NULL, province_id INTEGER NOT NULL)"
        )
        op.execute("DELETE FROM piece_search_entry")
        op.execute(f"INSERT INTO piece_search_entry ({ENTRY_COLUMNS}) SELECT {ENTRY_VALUES} {SOURCE}")
        op.execute("INSERT INTO piece_search (rowid, piece_id, title, body, city, province, theme) SELECT piece.id, "
                   f"piece.id, piece.title, piece.body_md, city.name, province.name, piece.theme {SOURCE}")
    op.create_index("ix_piece_published_team_period", "piece", ["team_id", "period"], postgresql_include=["id"],
                    sqlite_where=sa.text(PUBLISHED), postgresql_where=sa.text(PUBLISHED))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_piece_published_team_period", table_name="piece")
    op.execute("DROP TABLE IF EXISTS piece_search_entry")
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_piece_fulltext_simple ON piece USING GIN (({PG_0002_DOCUMENT}))")
    # SQLite: the FTS5 table keeps 0002's columns; the code of revision 0003 rebuilds it when it is out of step.
