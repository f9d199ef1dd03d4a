"""the yearly anthology book: anthology_book (one per year and scope, with its last successful build) and
anthology_piece (the chosen pieces in their order)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anthology_book",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=40), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("foreword", sa.Text(), nullable=False),
        sa.Column("page_format", sa.String(length=4), nullable=False),
        sa.Column("file_key", sa.String(length=64), nullable=True),
        sa.Column("pdf_bytes", sa.Integer(), nullable=False),
        sa.Column("epub_bytes", sa.Integer(), nullable=False),
        sa.Column("pdf_pages", sa.Integer(), nullable=False),
        sa.Column("piece_count", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("job_key", sa.String(length=64), nullable=True),
        sa.Column("build_refused", sa.Text(), nullable=False),
        sa.Column("build_notes", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["province_id"], ["province.id"],
                                name=op.f("fk_anthology_book_province_id_province"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_anthology_book_updated_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anthology_book")),
        sa.UniqueConstraint("file_key", name=op.f("uq_anthology_book_file_key")),
        sa.UniqueConstraint("year", "scope_key", name=op.f("uq_anthology_book_year_scope_key")),
    )
    op.create_index(op.f("ix_anthology_book_province_id"), "anthology_book", ["province_id"])
    op.create_table(
        "anthology_piece",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("piece_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["anthology_book.id"],
                                name=op.f("fk_anthology_piece_book_id_anthology_book"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["piece_id"], ["piece.id"],
                                name=op.f("fk_anthology_piece_piece_id_piece"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anthology_piece")),
        sa.UniqueConstraint("book_id", "piece_id", name=op.f("uq_anthology_piece_book_id_piece_id")),
    )
    op.create_index(op.f("ix_anthology_piece_book_id"), "anthology_piece", ["book_id"])
    op.create_index(op.f("ix_anthology_piece_piece_id"), "anthology_piece", ["piece_id"])


def downgrade() -> None:
    op.drop_table("anthology_piece")
    op.drop_table("anthology_book")
