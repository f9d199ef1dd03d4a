"""scheduled steps of the cycle: the scheduled_run table

One row per (step, node, month) that came due: claimed by inserting it (UNIQUE step, node_kind, node_id, period),
with its state, lease, times, counts and error.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STATES = ("running", "done", "skipped", "failed")


def upgrade() -> None:
    op.create_table(
        "scheduled_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("node_kind", sa.String(length=10), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="runstate", native_enum=False, length=20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts_json", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_run")),
        sa.UniqueConstraint("step", "node_kind", "node_id", "period", name="uq_scheduled_run_step_node_period"),
    )
    op.create_index("ix_scheduled_run_period_state", "scheduled_run", ["period", "state"])
    op.create_index("ix_scheduled_run_state_lease_until", "scheduled_run", ["state", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_scheduled_run_state_lease_until", table_name="scheduled_run")
    op.drop_index("ix_scheduled_run_period_state", table_name="scheduled_run")
    op.drop_table("scheduled_run")
