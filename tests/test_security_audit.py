"""The administrators' audit log page: what it shows, its filters, its paging and who may open it."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models.people import AuditLog, Role

URL = "/admin/audit/"


@pytest.fixture
def app(app):
    """The lead registers the blueprint in the factory; until then the test app gets it here."""
    from portal.admin_audit import bp

    if "admin_audit" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, email="admin@uji.bp.id", name="Admin Uji")


def _entry(action, at, user=None, target="", detail=""):
    db.session.add(AuditLog(action=action, at=at, user_id=user.id if user else None, target=target, detail=detail))


def test_real_events_appear(app, client, admin, make_user, make_tree, login):
    tree = make_tree()
    writer = make_user(Role.WRITER, tree.team["semarang-TF01"], email="penulis@uji.bp.id")
    other = app.test_client()
    assert other.post("/akun/masuk", data={"email": "penulis@uji.bp.id", "password": "salah-sekali"}).status_code == 200
    login(writer, c=other)
    assert other.get(URL).status_code == 403  # a writer is refused, and the refusal is recorded
    from portal import audit

    audit.record("score_changed", target="sheet:7", detail="instrumen 2: 6 -> 8", user_id=writer.id)
    audit.record("panel_closed", target="panel:3", detail="keputusan panel kota", user_id=admin.id)
    db.session.commit()

    login(admin)
    page = client.get(URL).get_data(as_text=True)
    for label in ("Gagal masuk", "Masuk", "Akses ditolak", "Nilai diubah", "Keputusan panel"):
        assert label in page
    assert "penulis@uji.bp.id" in page and URL in page and "instrumen 2: 6 -&gt; 8" in page
    refused = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "access_refused")).all()
    assert [(r.user_id, r.target, r.detail) for r in refused] == [(writer.id, URL, "GET")]


def test_filters_by_action_user_and_date(app, client, admin, make_user, login):
    alice = make_user(Role.READER, email="alice@uji.bp.id", name="Alice Rahma")
    bob = make_user(Role.READER, email="bob@uji.bp.id", name="Bob Santoso")
    jan = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    _entry("login", jan, alice, target="alice-jan-login")
    _entry("login", jan + timedelta(days=30), bob, target="bob-feb-login")
    _entry("login_failed", jan + timedelta(days=31), None, target="alice@uji.bp.id")
    _entry("access_refused", jan + timedelta(days=60), bob, target="/rahasia")
    db.session.commit()
    login(admin)

    by_action = client.get(URL, query_string={"action": "login"}).get_data(as_text=True)
    assert "alice-jan-login" in by_action and "bob-feb-login" in by_action and "/rahasia" not in by_action

    by_user = client.get(URL, query_string={"user": "ALICE"}).get_data(as_text=True)
    assert "alice-jan-login" in by_user and "alice@uji.bp.id" in by_user  # the failed login typed her email
    assert "bob-feb-login" not in by_user and "/rahasia" not in by_user

    by_name = client.get(URL, query_string={"user": "santoso"}).get_data(as_text=True)
    assert "bob-feb-login" in by_name and "/rahasia" in by_name and "alice-jan-login" not in by_name

    feb = client.get(URL, query_string={"date_from": "2026-02-01", "date_to": "2026-02-28"}).get_data(as_text=True)
    assert "bob-feb-login" in feb and "alice@uji.bp.id" in feb
    assert "alice-jan-login" not in feb and "/rahasia" not in feb

    both = client.get(URL, query_string={"action": "login", "user": "bob", "date_to": "2026-03-01"}).get_data(as_text=True)
    assert "bob-feb-login" in both and "alice-jan-login" not in both


def test_date_filter_uses_local_days(app, client, admin, login):
    # 2026-03-01 23:30 WIB is 16:30 UTC; 2026-03-02 00:30 WIB is 17:30 UTC on March 1st.
    _entry("login", datetime(2026, 3, 1, 16, 30, tzinfo=UTC), target="late-on-the-first")
    _entry("login", datetime(2026, 3, 1, 17, 30, tzinfo=UTC), target="early-on-the-second")
    db.session.commit()
    login(admin)
    page = client.get(URL, query_string={"date_from": "2026-03-02", "date_to": "2026-03-02"}).get_data(as_text=True)
    assert "early-on-the-second" in page and "late-on-the-first" not in page


def test_paginates_newest_first(app, client, admin, login):
    start = datetime(2026, 5, 1, tzinfo=UTC)
    for i in range(120):
        _entry("score_changed", start + timedelta(minutes=i), target=f"sheet:{i:03d}")
    db.session.commit()
    login(admin)
    first = client.get(URL, query_string={"action": "score_changed"}).get_data(as_text=True)
    assert "sheet:119" in first and "sheet:070" in first and "sheet:069" not in first
    assert "halaman=2" in first and "action=score_changed" in first
    third = client.get(URL, query_string={"action": "score_changed", "halaman": 3}).get_data(as_text=True)
    assert "sheet:019" in third and "sheet:000" in third and "sheet:020" not in third
    assert "halaman=4" not in third
    beyond = client.get(URL, query_string={"action": "score_changed", "halaman": 99})
    assert beyond.status_code == 200 and "sheet:000" in beyond.get_data(as_text=True)
    nonsense = client.get(URL, query_string={"halaman": "abc"})
    assert nonsense.status_code == 200


def test_bad_filter_input_is_explained_not_lost(app, client, admin, login):
    login(admin)
    response = client.get(URL, query_string={"date_from": "kemarin", "user": "budi", "date_to": "2026-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dari tanggal" in page and 'value="budi"' in page
    reversed_range = client.get(URL, query_string={"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in reversed_range.get_data(as_text=True)


def test_user_text_is_escaped(app, client, admin, login):
    _entry("login_failed", datetime(2026, 5, 1, tzinfo=UTC), target="<script>alert(1)</script>")
    db.session.commit()
    login(admin)
    page = client.get(URL).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("role", [Role.WRITER, Role.DATA_MANAGER, Role.PANEL_MEMBER, Role.READER])
def test_only_administrators(app, client, make_user, make_tree, login, role):
    tree = make_tree()
    scope = {Role.WRITER: tree.team["semarang-TF01"], Role.DATA_MANAGER: None,
             Role.PANEL_MEMBER: tree.city["semarang"], Role.READER: None}[role]
    user = make_user(role, scope)  # a national data manager is still not an administrator
    _entry("login", datetime(2026, 5, 1, tzinfo=UTC), target="secret-entry")
    db.session.commit()
    login(user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "secret-entry" not in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(app, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]
