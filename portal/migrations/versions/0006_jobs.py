"""background jobs: the job table (kind, parameters, who asked, state with progress and heartbeat, attempts)

Replaces the JSON status files of the bundle thread pool: every web server reads a job's state here, and the
task-queue consumers (portal/tasks.py) update it.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parameters_json", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.Enum("queued", "running", "done", "failed", name="jobstate", native_enum=False,
                                   length=20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_name", sa.String(length=255), nullable=False),
        sa.Column("result_file", sa.String(length=255), nullable=True),
        sa.Column("failure", sa.String(length=40), nullable=True),
        sa.Column("failure_detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_job_user_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        sa.UniqueConstraint("key", name=op.f("uq_job_key")),
    )
    op.create_index("ix_job_state_heartbeat_at", "job", ["state", "heartbeat_at"])
    op.create_index(op.f("ix_job_user_id"), "job", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_job_user_id"), table_name="job")
    op.drop_index("ix_job_state_heartbeat_at", table_name="job")
    op.drop_table("job")
