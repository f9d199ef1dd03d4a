"""notifications: the notification centre's entries, a delivery mode per category, and the daily digests

notification: gains category, body, delivery (now / digest / portal: what its email did) and digest_id; text and
url become title and link (link up to 500 characters); indexes (user_id, read_at) for the unread count in the
header and (user_id, created_at) for the list replace the index on user_id alone.
mail_preference: enabled (on/off) becomes mode: now (Segera), digest (Ringkasan harian) or portal (Hanya di
portal); a category turned off becomes portal only.
mail_digest: one row per user and local day on which a digest was made (unique), with its outbox message.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MODES = ("now", "digest", "portal")


def _mode(name: str = "deliverymode") -> sa.Enum:
    return sa.Enum(*MODES, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "mail_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_mail_digest_user_id_user_account"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_message.id"],
                                name=op.f("fk_mail_digest_message_id_outbox_message"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_digest")),
        sa.UniqueConstraint("user_id", "day", name="uq_mail_digest_user_day"),
    )
    with op.batch_alter_table("notification") as batch:
        batch.drop_index("ix_notification_user_id")
        batch.alter_column("text", new_column_name="title", existing_type=sa.String(length=300),
                           existing_nullable=False)
        batch.alter_column("url", new_column_name="link", type_=sa.String(length=500),
                           existing_type=sa.String(length=300), existing_nullable=False)
        batch.add_column(sa.Column("category", sa.String(length=40), nullable=False, server_default="discussion"))
        batch.add_column(sa.Column("body", sa.String(length=1000), nullable=False, server_default=""))
        batch.add_column(sa.Column("delivery", _mode(), nullable=False, server_default="portal"))
        batch.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_notification_digest_id_mail_digest"), "mail_digest", ["digest_id"],
                                 ["id"], ondelete="SET NULL")
        batch.create_index("ix_notification_user_id_read_at", ["user_id", "read_at"])
        batch.create_index("ix_notification_user_id_created_at", ["user_id", "created_at"])
        batch.create_index("ix_notification_delivery_digest_id", ["delivery", "digest_id"])
    with op.batch_alter_table("mail_preference") as batch:
        batch.add_column(sa.Column("mode", _mode(), nullable=False, server_default="now"))
    op.execute("UPDATE mail_preference SET mode = 'portal' WHERE enabled = false")
    with op.batch_alter_table("mail_preference") as batch:
        batch.drop_column("enabled")


def downgrade() -> None:
    with op.batch_alter_table("mail_preference") as batch:
        batch.add_column(sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE mail_preference SET enabled = false WHERE mode = 'portal'")
    with op.batch_alter_table("mail_preference") as batch:
        batch.drop_column("mode")
    with op.batch_alter_table("notification") as batch:
        batch.drop_index("ix_notification_delivery_digest_id")
        batch.drop_index("ix_notification_user_id_created_at")
        batch.drop_index("ix_notification_user_id_read_at")
        batch.drop_constraint(op.f("fk_notification_digest_id_mail_digest"), type_="foreignkey")
        batch.drop_column("digest_id")
        batch.drop_column("delivery")
        batch.drop_column("body")
        batch.drop_column("category")
        batch.alter_column("link", new_column_name="url", type_=sa.String(length=300),
                           existing_type=sa.String(length=500), existing_nullable=False)
        batch.alter_column("title", new_column_name="text", existing_type=sa.String(length=300),
                           existing_nullable=False)
        batch.create_index("ix_notification_user_id", ["user_id"])
    op.drop_table("mail_digest")
