"""full-text search over published pieces

SQLite: an FTS5 table filled by portal.search.index_piece (rebuilt lazily when out of step).
PostgreSQL: a GIN index on the 'simple' tsvector expression that portal.search queries.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(piece.title, '') || ' ' || coalesce(piece.theme, '') || ' ' "
    "|| coalesce(piece.body_md, ''))"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS piece_search USING fts5(piece_id UNINDEXED, title, body, city, "
            "province, theme, tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_piece_fulltext_simple ON piece USING GIN (({PG_DOCUMENT}))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS piece_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_piece_fulltext_simple")
