"""certificates and workshop nominations: corrections and revocations of awards, nomination rounds and delegates

award: recipient_name (the name printed on its certificate), revision (a correction raises it; certificates of
an earlier revision verify as corrected), corrected_at, revoked_at / revoked_by_id / revoke_reason.
nomination_round: one semester's call for workshop delegates (quota per province, workshop name, date and place,
the six months whose best practices count, the invitation letter's number). nomination: a province's confirmed
delegates of a round.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_name", sa.String(length=160), server_default="", nullable=False))
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.Text(), server_default="", nullable=False))
        batch_op.create_foreign_key(batch_op.f("fk_award_revoked_by_id_user_account"), "user_account",
                                    ["revoked_by_id"], ["id"], ondelete="SET NULL")

    op.create_table(
        "nomination_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("workshop_name", sa.String(length=200), nullable=False),
        sa.Column("workshop_date", sa.Date(), nullable=False),
        sa.Column("workshop_place", sa.String(length=200), nullable=False),
        sa.Column("first_period", sa.String(length=7), nullable=False),
        sa.Column("last_period", sa.String(length=7), nullable=False),
        sa.Column("letter_number", sa.String(length=80), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["opened_by_id"], ["user_account.id"],
                                name=op.f("fk_nomination_round_opened_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination_round")),
        sa.UniqueConstraint("letter_number", name=op.f("uq_nomination_round_letter_number")),
        sa.UniqueConstraint("year", "semester", name=op.f("uq_nomination_round_year_semester")),
    )
    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Boolean(), nullable=False),
        sa.Column("best_practices", sa.Integer(), nullable=False),
        sa.Column("mean_na", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["user_account.id"],
                                name=op.f("fk_nomination_confirmed_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["province_id"], ["province.id"], name=op.f("fk_nomination_province_id_province")),
        sa.ForeignKeyConstraint(["round_id"], ["nomination_round.id"],
                                name=op.f("fk_nomination_round_id_nomination_round"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_nomination_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination")),
        sa.UniqueConstraint("round_id", "province_id", "user_id", name=op.f("uq_nomination_round_id_province_id_user_id")),
    )
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nomination_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_province_id"), ["province_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nomination_user_id"))
        batch_op.drop_index(batch_op.f("ix_nomination_province_id"))
        batch_op.drop_index(batch_op.f("ix_nomination_round_id"))
    op.drop_table("nomination")
    op.drop_table("nomination_round")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_award_revoked_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_by_id")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("corrected_at")
        batch_op.drop_column("revision")
        batch_op.drop_column("recipient_name")

