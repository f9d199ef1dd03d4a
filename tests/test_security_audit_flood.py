"""The audit log cannot be flooded (issue #15, item 17).

One afternoon of probing wrote 1,101 rows, one per refused request. Refusals and failed sign-ins are now counted:
one row per action, user (else address), target and hour, and the administrators' page shows the count.
Concurrent repeats (several gunicorn workers on PostgreSQL) neither lose a count nor fail on the row's key.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from portal import clock
from portal.extensions import db
from portal.models.people import AuditLog, Role
from tests.browser_support import throwaway_database
from tests.support import requires_postgres, suite_clock_shift

AUDIT_PAGE = "/admin/audit/"


@pytest.fixture
def app_config(app_config):
    """The suite's calendar starts at 10:00 WIB sharp, an hour's boundary: these tests run at 10:20, so that an
    hour's repeats fall in one row (the next hour is reached on purpose below)."""
    app_config["CLOCK_SHIFT_SECONDS"] = suite_clock_shift() + 20 * 60
    return app_config


@pytest.fixture
def app(app):
    """The lead registers the blueprint in the factory; until then the test app gets it here."""
    from portal.admin_audit import bp

    if "admin_audit" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def writer(make_tree, make_user):
    tree = make_tree()
    return make_user(Role.WRITER, tree.team["semarang-TF01"], email="penjelajah@uji.bp.id", name="Penjelajah")


def rows(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_a_thousand_refusals_of_one_user_on_one_route_make_one_row(app, client, writer, login):
    login(writer)
    codes = {client.get(AUDIT_PAGE).status_code for _ in range(1000)}
    assert codes == {403}
    (row,) = rows("access_refused")
    assert (row.user_id, row.target, row.detail, row.occurrences) == (writer.id, AUDIT_PAGE, "GET", 1000)
    assert row.at <= row.last_at and row.ip == "127.0.0.1"

    # The next hour starts a new row; the first keeps its count.
    clock.set_shift(app.config["CLOCK_SHIFT_SECONDS"] + 3600)
    for _ in range(5):
        client.get(AUDIT_PAGE)
    first, second = rows("access_refused")
    assert (first.occurrences, second.occurrences) == (1000, 5)
    assert second.at - first.at >= timedelta(minutes=59)


def test_users_routes_and_hours_stay_apart_and_ids_of_one_route_add_up(app, writer, make_user, login):
    other = make_user(Role.READER, email="pembaca@uji.bp.id")
    a, b = app.test_client(), app.test_client()
    login(writer, c=a)
    login(other, c=b)
    for _ in range(3):
        assert a.get(AUDIT_PAGE).status_code == 403
    for _ in range(2):
        assert b.get(AUDIT_PAGE).status_code == 403
    # Trying ids one by one is one route: one row, the latest path kept in the detail.
    for user_id in range(1, 21):
        assert a.get(f"/akun-pengguna/{user_id}").status_code == 403
    assert a.post("/admin/rubrik/1/aktifkan").status_code == 403

    counted = {(r.user_id, r.target): (r.occurrences, r.detail) for r in rows("access_refused")}
    assert counted == {
        (writer.id, AUDIT_PAGE): (3, "GET"),
        (other.id, AUDIT_PAGE): (2, "GET"),
        (writer.id, "/akun-pengguna/<int:user_id>"): (20, "GET /akun-pengguna/20"),
        (writer.id, "/admin/rubrik/<int:version_id>/aktifkan"): (1, "POST /admin/rubrik/1/aktifkan"),
    }


def test_failed_sign_ins_are_counted_per_address_and_typed_email(app, writer):
    def fail(email: str, address: str):
        response = app.test_client().post("/akun/masuk", data={"email": email, "password": "salah-salah-1"},
                                          environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 200

    for _ in range(30):
        fail("Penjelajah@uji.bp.id ", "10.0.0.1")
    for _ in range(4):
        fail("penjelajah@uji.bp.id", "10.0.0.2")
    fail("tidak-ada@uji.bp.id", "10.0.0.1")
    counted = {(r.ip, r.target): r.occurrences for r in rows("login_failed")}
    assert counted == {("10.0.0.1", "penjelajah@uji.bp.id"): 30, ("10.0.0.2", "penjelajah@uji.bp.id"): 4,
                       ("10.0.0.1", "tidak-ada@uji.bp.id"): 1}
    assert all(r.user_id is None for r in rows("login_failed"))


def test_events_recorded_one_by_one_stay_one_row_each(app, writer, login):
    from portal.auth.operations import logout

    for _ in range(3):
        login(writer, c=app.test_client())
        logout(db.session.get(type(writer), writer.id))
    assert [r.occurrences for r in rows("login")] == [1, 1, 1]
    assert all(r.repeat_key is None and r.last_at is None for r in rows("login") + rows("logout"))


def test_the_audit_page_shows_the_count(app, client, writer, make_user, login):
    admin = make_user(Role.ADMIN, email="admin@uji.bp.id")
    prober = app.test_client()
    login(writer, c=prober)
    for _ in range(1101):
        prober.get(AUDIT_PAGE)
    prober.get("/akun-pengguna/7")
    login(admin)
    page = client.get(AUDIT_PAGE).get_data(as_text=True)
    assert "1.101 kali" in page and "Jumlah" in page and "terakhir" in page
    assert "penjelajah@uji.bp.id" in page and "/akun-pengguna/&lt;int:user_id&gt;" in page
    # 1,102 refusals and the administrator's own sign-in (plus the writer's): in 4 rows.
    assert "1.104 kejadian dalam 4 baris" in page
    refused_only = client.get(AUDIT_PAGE, query_string={"action": "access_refused"}).get_data(as_text=True)
    assert "1.102 kejadian dalam 2 baris" in refused_only
    by_user = client.get(AUDIT_PAGE, query_string={"user": "penjelajah"}).get_data(as_text=True)
    assert "1.101 kali" in by_user
    english = app.test_client()
    login(admin, c=english)
    english.get("/akun/bahasa/en")
    assert "1,101" in english.get(AUDIT_PAGE).get_data(as_text=True)


def test_concurrent_refusals_lose_no_count(app, writer, login):
    """Several workers refusing the same user on the same route at the same moment: one row, every refusal counted,
    no error (an upsert on the row's key; on SQLite the writes queue on the database lock)."""
    threads, each = 8, 25
    clients = [app.test_client() for _ in range(threads)]
    for c in clients:
        login(writer, c=c)
    start = threading.Barrier(threads)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def probe(c):
        try:
            start.wait()
            for _ in range(each):
                statuses.append(c.get(AUDIT_PAGE).status_code)
        except BaseException as exc:  # noqa: BLE001  (reported below, with the thread's exception)
            failures.append(exc)

    workers = [threading.Thread(target=probe, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not failures and statuses == [403] * (threads * each)
    (row,) = rows("access_refused")
    assert row.occurrences == threads * each


def test_concurrent_repeats_at_the_database_level(app, database_url):
    """The same, below HTTP: sessions of their own racing on one new key, each committing every repeat."""
    from portal import audit

    threads, each = 6, 20
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def race():
        try:
            with app.app_context():
                start.wait()
                for _ in range(each):
                    audit.record_repeated("access_refused", target="/rebutan", detail="GET", user_id=None)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    workers = [threading.Thread(target=race) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not failures
    (row,) = rows("access_refused")
    assert row.occurrences == threads * each


# --- the migration ------------------------------------------------------------------------------------------

def _check_0005_keeps_old_rows_and_counts_new_ones(url: str, tmp_path) -> None:
    from portal import audit, create_app
    from portal.db import alembic_config

    cfg = alembic_config(url)
    command.upgrade(cfg, "0004")
    engine = create_engine(url)
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(text("INSERT INTO audit_log (at, action, target, detail, ip) "
                              "VALUES ('2026-11-01 03:00:00+00:00', 'access_refused', '/rahasia', 'GET', :ip)"),
                         {"ip": f"10.0.0.{i}"})
    engine.dispose()
    command.upgrade(cfg, "head")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(tmp_path / "up"),
                      "SECRET_KEY": "k"}, instance_path=str(tmp_path / "instance"))
    with app.app_context():
        try:
            assert [r.occurrences for r in rows("access_refused")] == [1, 1, 1]
            for _ in range(2):
                audit.record_repeated("access_refused", target="/rahasia", detail="GET", user_id=None)
                db.session.commit()
            assert [r.occurrences for r in rows("access_refused")] == [1, 1, 1, 2]
        finally:
            db.session.remove()
            db.engine.dispose()
    command.downgrade(cfg, "0004")
    command.upgrade(cfg, "head")


def test_migration_0005_on_sqlite(tmp_path):
    _check_0005_keeps_old_rows_and_counts_new_ones(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)


@requires_postgres
def test_migration_0005_on_postgres(tmp_path):
    with throwaway_database(tmp_path) as url:
        _check_0005_keeps_old_rows_and_counts_new_ones(url, tmp_path)

