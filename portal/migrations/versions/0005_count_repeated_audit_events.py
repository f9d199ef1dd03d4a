"""count repeated audit events in one row per hour instead of one row each

audit_log gains occurrences (1 for the rows already there), last_at and repeat_key with a unique index: the key a
refused request or a failed sign-in upserts on (portal.audit.record_repeated), NULL for the events recorded one by
one (NULLs never collide in a unique index, on SQLite and PostgreSQL alike). A unique index rather than a
constraint: SQLite adds it without rebuilding the table. The rows written before this revision stay as they are.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("occurrences", sa.Integer(), server_default="1", nullable=False))
    op.add_column("audit_log", sa.Column("last_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("audit_log", sa.Column("repeat_key", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_log_repeat_key", "audit_log", ["repeat_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_audit_log_repeat_key", table_name="audit_log")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:  # SQLite drops columns by rebuilding
        batch_op.drop_column("repeat_key")
        batch_op.drop_column("last_at")
        batch_op.drop_column("occurrences")
