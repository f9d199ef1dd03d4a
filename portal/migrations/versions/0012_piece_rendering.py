"""a piece keeps its text's rendering: body_html (body_md as readers see it) and body_html_rendering (the version
of the rendering rules that made it, portal.text.RENDERING), filled here for the pieces already written

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("piece", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("body_html_rendering", sa.Integer(), nullable=True))

    from portal.text import RENDERING, render_markdown  # the portal's own rules (a module without Flask)

    piece = sa.table("piece", sa.column("id", sa.Integer()), sa.column("body_md", sa.Text()),
                     sa.column("body_html", sa.Text()), sa.column("body_html_rendering", sa.Integer()))
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.select(piece.c.id, piece.c.body_md).where(piece.c.id > last)
                            .order_by(piece.c.id).limit(_BATCH)).all()
        if not rows:
            break
        conn.execute(piece.update().where(piece.c.id == sa.bindparam("piece_id")),
                     [{"piece_id": row.id, "body_html": str(render_markdown(row.body_md or "")),
                       "body_html_rendering": RENDERING} for row in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("piece", schema=None) as batch_op:
        batch_op.drop_column("body_html_rendering")
        batch_op.drop_column("body_html")
