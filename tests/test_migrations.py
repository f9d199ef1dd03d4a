"""The Alembic migrations build the schema from empty on SQLite and PostgreSQL and match the models."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect, select, text

import portal.models  # noqa: F401
from portal.db import alembic_config, include_object
from portal.extensions import db
from tests.browser_support import throwaway_database
from tests.support import requires_postgres


def _check_round_trip(url: str) -> None:
    cfg = alembic_config(url)
    command.upgrade(cfg, "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False, "include_object": include_object}), db.metadata)
        assert diff == [], f"migrations and models differ: {diff}"
        assert "piece" in inspect(conn).get_table_names()
    command.downgrade(cfg, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_migrations_from_empty_on_sqlite(tmp_path):
    _check_round_trip(f"sqlite:///{tmp_path / 'm.db'}")


@requires_postgres
def test_migrations_from_empty_on_postgres(tmp_path):
    with throwaway_database(tmp_path) as url:
        _check_round_trip(url)


def test_embedded_start_applies_migrations(tmp_path, monkeypatch):
    from portal import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"AUTO_MIGRATE": True}, instance_path=str(tmp_path / "inst"))
    with app.app_context():
        assert "user_account" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def _app_at(url: str, tmp_path, revision: str):
    """The database migrated to ``revision`` only, and the portal's app on it."""
    from portal import create_app

    cfg = alembic_config(url)
    command.upgrade(cfg, revision)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(tmp_path / "up"),
                      "SECRET_KEY": "k"}, instance_path=str(tmp_path / "instance"))
    return cfg, app


def _a_team():
    """One facilitator team with its city, province, KMW and region, flushed (inside the app's context)."""
    from portal.models.org import City, Kmw, Province, Region, Team, TeamKind

    city = City(code="C1", name="Kota Jayapura", province=Province(
        code="P1", name="Papua", timezone="Asia/Jayapura",
        kmw=Kmw(code="K1", name="KMW", region=Region(code="W1", name="Wilayah"))))
    team = Team(code="T1", name="TF 01", kind=TeamKind.TF, city=city)
    db.session.add(team)
    db.session.flush()
    return team


def _check_0004_fills_the_search_index(url: str, tmp_path) -> None:
    """Migration 0004 indexes the pieces published before it, and the search then works without a repair."""
    from datetime import UTC, datetime

    from portal import search
    from portal.models.pieces import BestPractice, Piece, PieceStatus

    cfg, app = _app_at(url, tmp_path, "0003")
    with app.app_context():
        try:
            team = _a_team()
            # The pieces as that revision's table takes them: a Core insert names only the columns given and
            # those with defaults (the mapped piece would also write the columns later revisions added).
            db.session.execute(insert(Piece.__table__), [
                dict(team_id=team.id, period="2026-09", status=PieceStatus.SUBMITTED, title="Jalan setapak",
                     body_md="Gotong royong membangun jalan.", best_practice=BestPractice.PROVINCE,
                     published_at=datetime(2026, 10, 20, tzinfo=UTC)),
                dict(team_id=team.id, period="2026-10", status=PieceStatus.DRAFT, title="Draf jalan", body_md="jalan",
                     best_practice=None, published_at=None),
            ])
            db.session.commit()
            # Make the index what revision 0003 had: none of it (the portal of today indexes a piece it writes
            # itself; these were inserted around it), and 0002's expression index.
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS piece_search_entry"))
                if conn.dialect.name == "sqlite":
                    conn.execute(text("DELETE FROM piece_search"))
                if conn.dialect.name == "postgresql":
                    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_piece_fulltext_simple ON piece USING GIN "
                                      "(to_tsvector('simple', body_md))"))
            db.engine.dispose()
            command.upgrade(cfg, "head")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT piece_id FROM piece_search_entry")).scalars().all() == [
                    db.session.scalar(select(Piece.id).where(Piece.title == "Jalan setapak"))]
                if conn.dialect.name == "postgresql":  # 0002's expression index is gone
                    assert conn.execute(text("SELECT to_regclass('ix_piece_fulltext_simple')")).scalar() is None
            result = search.search_pieces("gotong papua")
            assert [p.title for p in result.pieces] == ["Jalan setapak"] and result.total == 1
        finally:
            db.session.remove()
            db.engine.dispose()


def test_0004_fills_the_search_index_on_sqlite(tmp_path):
    _check_0004_fills_the_search_index(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)


@requires_postgres
def test_0004_fills_the_search_index_on_postgres(tmp_path):
    with throwaway_database(tmp_path) as url:
        _check_0004_fills_the_search_index(url, tmp_path)


def _check_0012_renders_the_pieces_written_before(url: str, tmp_path) -> None:
    """Migration 0012 stores the rendering of every piece's text written before it (more than one batch)."""
    from portal.models.pieces import Piece, PieceStatus
    from portal.text import RENDERING, render_markdown

    cfg, app = _app_at(url, tmp_path, "0011")
    texts = {f"{2000 + n // 12}-{n % 12 + 1:02d}": f"## Bagian {n}\n\nWarga **kampung {n}** <b>bekerja</b>."
             for n in range(502)}
    with app.app_context():
        try:
            team = _a_team()
            # As revision 0011's table takes them: a Core insert names only the columns given and those with defaults.
            db.session.execute(insert(Piece.__table__), [
                dict(team_id=team.id, period=period, status=PieceStatus.DRAFT, title=f"Tulisan {period}", body_md=body,
                     best_practice=None, published_at=None) for period, body in texts.items()])
            db.session.commit()
            db.engine.dispose()
            command.upgrade(cfg, "head")
            with db.engine.connect() as conn:
                rows = conn.execute(text("SELECT period, body_html, body_html_rendering FROM piece")).all()
            assert len(rows) == len(texts)
            for period, body_html, rendering in rows:
                assert rendering == RENDERING and body_html == str(render_markdown(texts[period])), period
            assert "<strong>kampung 501</strong>" in dict((r[0], r[1]) for r in rows)["2041-10"]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_0012_renders_the_pieces_written_before_on_sqlite(tmp_path):
    _check_0012_renders_the_pieces_written_before(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)


@requires_postgres
def test_0012_renders_the_pieces_written_before_on_postgres(tmp_path):
    with throwaway_database(tmp_path) as url:
        _check_0012_renders_the_pieces_written_before(url, tmp_path)
