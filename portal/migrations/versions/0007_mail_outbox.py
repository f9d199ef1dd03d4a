"""outgoing mail: the outbox_message table, per-user mail preferences, and the failing address on user_account

outbox_message: one row per message (recipient, category, subject, text and HTML, Message-ID, state with attempts,
next attempt, claim lease, last error). mail_preference: a user's choice per category and channel (unsubscribe).
user_account.mail_failed_at / mail_failure: the mail server refused the address for good.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STATES = ("queued", "sending", "sent", "deferred", "failed", "stored")


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("recipient_name", sa.String(length=160), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=1000), nullable=True),
        sa.Column("state", sa.Enum(*STATES, name="mailstate", native_enum=False, length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim", sa.String(length=40), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("resent_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_outbox_message_user_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resent_from_id"], ["outbox_message.id"],
                                name=op.f("fk_outbox_message_resent_from_id_outbox_message"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_message_id")),
    )
    op.create_index("ix_outbox_message_state_next_attempt_at", "outbox_message", ["state", "next_attempt_at"])
    op.create_index(op.f("ix_outbox_message_user_id"), "outbox_message", ["user_id"])
    op.create_table(
        "mail_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_mail_preference_user_id_user_account"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_preference")),
        sa.UniqueConstraint("user_id", "category", "channel", name="uq_mail_preference_choice"),
    )
    op.create_index(op.f("ix_mail_preference_user_id"), "mail_preference", ["user_id"])
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("mail_failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("mail_failure", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("mail_failure")
        batch.drop_column("mail_failed_at")
    op.drop_index(op.f("ix_mail_preference_user_id"), table_name="mail_preference")
    op.drop_table("mail_preference")
    op.drop_index(op.f("ix_outbox_message_user_id"), table_name="outbox_message")
    op.drop_index("ix_outbox_message_state_next_attempt_at", table_name="outbox_message")
    op.drop_table("outbox_message")
