"""index for the public lists: the latest published pieces of one best-practice level

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_piece_best_practice_published_at", "piece", ["best_practice", "published_at"])


def downgrade() -> None:
    op.drop_index("ix_piece_best_practice_published_at", table_name="piece")
