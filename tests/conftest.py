"""Test fixtures. Every test gets its own database.

SQLite (the default): a fresh file per test. PostgreSQL: set ``TEST_DATABASE_URL`` (for example
``postgresql://postgres@127.0.0.1:5432/test``); the suite then creates its own throw-away database
on that server, builds the schema once and empties every table between tests.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from portal import clock, create_app
from portal.extensions import db as _db
from tests import compiled_once
from tests.support import (  # noqa: F401
    PASSWORD,
    TEST_DATABASE_URL,
    create_database,
    drop_database,
    on_postgres,
    postgres_admin,
    requires_postgres,
    suite_clock_shift,
)

compiled_once.install()


@pytest.fixture(scope="session")
def postgres_database():
    """A throw-away database on the PostgreSQL server named by TEST_DATABASE_URL, dropped at the end."""
    if not on_postgres():
        yield None
        return
    name = f"bp_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = postgres_admin()
    with admin.connect() as conn:
        create_database(conn, name)
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        drop_database(conn, name)
    admin.dispose()


@pytest.fixture(scope="session")
def _postgres_schema(postgres_database):
    if postgres_database is None:
        yield None
        return
    import portal.models  # noqa: F401

    engine = create_engine(postgres_database)
    _db.metadata.create_all(engine)
    engine.dispose()
    yield postgres_database


@pytest.fixture
def database_url(tmp_path, _postgres_schema) -> str:
    if _postgres_schema:
        return _postgres_schema
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(autouse=True)
def suite_calendar():
    """Every test starts on the suite's calendar (``tests.support.SUITE_TODAY``), with or without an app."""
    clock.set_shift(suite_clock_shift())


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    """The settings of the test app; a test may change them before first using ``app``."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret",
        "CLOCK_SHIFT_SECONDS": suite_clock_shift(),
    }


@pytest.fixture
def app(tmp_path, app_config):
    database = make_url(app_config["SQLALCHEMY_DATABASE_URI"])
    copied = database.get_backend_name() == "sqlite" and bool(database.database) \
        and not Path(database.database).exists()
    if copied:
        compiled_once.sqlite_schema_copy(Path(database.database))  # what db.create_all() builds, copied
    app = create_app(dict(app_config), instance_path=str(tmp_path / "instance"))
    compiled_once.share(app)
    with app.app_context():
        if on_postgres():
            _truncate_all()
        elif not copied:
            _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def _truncate_all() -> None:
    """Empty every table before a test. DELETE, children first, is far cheaper than TRUNCATE on tables this
    small (TRUNCATE rewrites files); ids keep counting up, which no test may rely on anyway. All the DELETEs go
    in one round trip (PostgreSQL's simple query protocol takes several statements at once): one statement per
    table cost about 7 ms per test, 4 of them the test process's CPU; together about 1 ms."""
    with _db.engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.format_table
        conn.exec_driver_sql("; ".join(f"DELETE FROM {quote(table)}" for table in reversed(_db.metadata.sorted_tables)))



@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- builders --------------------------------------------------------------------------------------

@dataclass
class Tree:
    """A small organisation tree: two KMWs, three provinces in three time zones, cities and teams."""

    kmw: dict = field(default_factory=dict)
    province: dict = field(default_factory=dict)
    city: dict = field(default_factory=dict)
    team: dict = field(default_factory=dict)


@pytest.fixture
def make_tree(app):
    """``make_tree()`` builds: KMW A (Jawa Tengah, WIB: Semarang with 9 TF teams, Demak with 3) and
    KMW B (Sulawesi Selatan, WITA: Makassar with 2 TF; Papua, WIT: Jayapura with 2 TF). Each city has a Korkot team.
    Teams are keyed ``"<city>-TF01"`` / ``"<city>-KK"``, cities by name (``"semarang"``)."""
    from portal.models.org import City, Kmw, Province, Region, Team, TeamKind

    def build() -> Tree:
        tree = Tree()
        region = Region(code="W1", name="Wilayah I")
        layout = [
            ("A", "jateng", "Jawa Tengah", "Asia/Jakarta", [("semarang", "Kota Semarang", 9), ("demak", "Kabupaten Demak", 3)]),
            ("B", "sulsel", "Sulawesi Selatan", "Asia/Makassar", [("makassar", "Kota Makassar", 2)]),
            ("B", "papua", "Papua", "Asia/Jayapura", [("jayapura", "Kota Jayapura", 2)]),
        ]
        for kmw_key, prov_key, prov_name, tz, cities in layout:
            kmw = tree.kmw.get(kmw_key) or Kmw(code=f"KMW-{kmw_key}", name=f"KMW {kmw_key}", region=region)
            tree.kmw[kmw_key] = kmw
            province = Province(code=prov_key.upper(), name=prov_name, timezone=tz, kmw=kmw)
            tree.province[prov_key] = province
            for city_key, city_name, n in cities:
                city = City(code=city_key.upper(), name=city_name, province=province)
                tree.city[city_key] = city
                tree.team[f"{city_key}-KK"] = Team(code=f"{city_key.upper()}-KK", name=f"Tim Korkot {city_name}",
                                                   kind=TeamKind.KORKOT, city=city)
                for i in range(1, n + 1):
                    tree.team[f"{city_key}-TF{i:02d}"] = Team(code=f"{city_key.upper()}-TF{i:02d}",
                                                             name=f"TF {i:02d} {city_name}", kind=TeamKind.TF, city=city)
        _db.session.add_all(tree.kmw.values())
        _db.session.commit()
        return tree

    return build


@pytest.fixture
def make_user(app):
    """``make_user(role, scope=None, email=None, **fields)``; scope is a Team, City or Kmw (None: national/unscoped).
    ``roles=[(role, scope), ...]`` gives several roles. The password is ``conftest.PASSWORD``."""
    from portal.auth.passwords import hash_password
    from portal.models.org import City, Kmw, Team
    from portal.models.people import RoleAssignment, User

    counter = {"n": 0}
    cached_hash = {}

    def build(role=None, scope=None, *, email=None, roles=None, **fields):
        counter["n"] += 1
        if "h" not in cached_hash:
            cached_hash["h"] = hash_password(PASSWORD)
        user = User(email=email or f"user{counter['n']}@uji.bp.id", name=fields.pop("name", f"Pengguna {counter['n']}"),
                    password_hash=cached_hash["h"], phone=fields.pop("phone", "0811-111-222"), **fields)
        for r, s in (roles or [(role, scope)]):
            a = RoleAssignment(role=r)
            if isinstance(s, Team):
                a.team = s
            elif isinstance(s, City):
                a.city = s
            elif isinstance(s, Kmw):
                a.kmw = s
            user.roles.append(a)
        _db.session.add(user)
        _db.session.commit()
        return user

    return build


@pytest.fixture
def make_piece(app):
    """``make_piece(team, period="2026-11", status="submitted", photos=3, words=600, **fields)``: a piece row
    that meets the requirements, with photo rows (no files on disk). For tests that do not exercise uploads."""
    from portal.models.pieces import Photo, Piece, PieceStatus
    from portal.timeutil import now_utc

    counter = {"n": 0}

    def build(team, period: str = "2026-11", status: str = "submitted", photos: int = 3, words: int = 600, **fields):
        counter["n"] += 1
        n = counter["n"]
        defaults = dict(
            title=f"Tulisan {n}: gotong royong warga {team.city.name}", theme="Pemberdayaan",
            body_md=" ".join(["Warga"] + ["bergotong-royong membangun jalan lingkungan."] * (words // 4)),
            facts="120 KK terlibat", institution_name="BKM Sejahtera", institution_address="Jl. Merdeka 1",
            institution_phone="024-123456", author_name="Penulis Uji", author_position="Faskel",
            author_place=team.city.name, author_phone="0812-000-111",
        )
        defaults.update(fields)
        piece = Piece(team=team, period=period, status=PieceStatus(status), **defaults)
        if piece.status == PieceStatus.SUBMITTED:
            piece.submitted_at = now_utc()
        for i in range(photos):
            piece.photos.append(Photo(position=i, caption=f"Foto {i + 1}", storage_key=f"t{n}p{i}-{team.id}",
                                      width=1280, height=960, byte_size=1000))
        _db.session.add(piece)
        _db.session.commit()
        return piece

    return build


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in through the real login form."""

    def do(user, password: str = PASSWORD, c=None):
        c = c or client
        response = c.post("/akun/masuk", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return do


def pytest_collection_modifyitems(config, items):
    """In CI (REQUIRE_POSTGRES=1 with TEST_DATABASE_URL set) a PostgreSQL-only test may not be skipped."""
    if os.environ.get("TEST_DATABASE_URL") is None and os.environ.get("REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
