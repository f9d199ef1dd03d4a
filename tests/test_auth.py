"""Login, logout, revoked sessions, password policy, one-time links, registration and CSRF."""
import re

import pytest

from portal.models.people import AuditLog, Role
from tests.support import PASSWORD


@pytest.fixture
def writer(make_tree, make_user):
    tree = make_tree()
    return make_user(Role.WRITER, tree.team["semarang-TF01"], email="penulis@uji.bp.id")


def test_login_and_home(client, writer, login):
    login(writer)
    body = client.get("/").get_data(as_text=True)
    assert "Selamat datang" in body and writer.name in body


def test_wrong_password_and_unknown_user_get_the_same_message(client, writer):
    a = client.post("/akun/masuk", data={"email": writer.email, "password": "salah-sekali-123"})
    b = client.post("/akun/masuk", data={"email": "tidak.ada@uji.bp.id", "password": "salah-sekali-123"})
    assert a.status_code == b.status_code == 200
    assert "Email atau kata sandi salah." in a.get_data(as_text=True)
    strip = lambda r: re.sub(r'name="csrf_token"[^>]*>', "", r.get_data(as_text=True)).replace(writer.email, "X").replace("tidak.ada@uji.bp.id", "X")
    assert strip(a) == strip(b)


def test_login_is_audited(client, writer, login, app):
    login(writer)
    client.post("/akun/masuk", data={"email": writer.email, "password": "salah-sekali-123"})
    actions = [a.action for a in AuditLog.query.all()]
    assert "login" in actions


def test_logout_ends_the_session_everywhere(app, writer, login):
    phone, laptop = app.test_client(), app.test_client()
    login(writer, c=phone)
    login(writer, c=laptop)
    assert phone.get("/").status_code == 200
    phone.post("/akun/keluar")
    # The laptop's cookie is still signed and valid, but the session version moved on.
    response = laptop.get("/akun/kata-sandi")
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]


def test_session_cookie_replayed_after_logout_is_refused(app, writer, login):
    c = app.test_client()
    login(writer, c=c)
    cookie = c.get_cookie("session").value
    c.post("/akun/keluar")
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/akun/kata-sandi").status_code == 302


def test_password_change_ends_other_sessions(app, writer, login):
    phone, laptop = app.test_client(), app.test_client()
    login(writer, c=phone)
    login(writer, c=laptop)
    r = phone.post("/akun/kata-sandi", data={"current": PASSWORD, "password": "sawah-hijau-subur-77",
                                            "confirm": "sawah-hijau-subur-77"})
    assert r.status_code == 302
    assert phone.get("/akun/kata-sandi").status_code == 200  # this session continues
    assert laptop.get("/akun/kata-sandi").status_code == 302  # the other ends
    fresh = app.test_client()
    assert fresh.post("/akun/masuk", data={"email": writer.email, "password": "sawah-hijau-subur-77"}).status_code == 302


@pytest.mark.parametrize("new,message", [
    ("pendek", "minimal 8 karakter"),
    ("password123", "terlalu umum"),
    ("indonesia", "terlalu umum"),
])
def test_password_policy(client, writer, login, new, message):
    login(writer)
    r = client.post("/akun/kata-sandi", data={"current": PASSWORD, "password": new, "confirm": new})
    assert r.status_code == 200 and message in r.get_data(as_text=True)


def test_wrong_current_password_is_refused(client, writer, login):
    login(writer)
    r = client.post("/akun/kata-sandi", data={"current": "bukan-ini-123", "password": "sawah-hijau-subur-77",
                                             "confirm": "sawah-hijau-subur-77"})
    assert "Kata sandi saat ini salah." in r.get_data(as_text=True)


def test_disabling_an_account_ends_its_session(app, writer, login):
    from portal.auth.operations import set_active
    from portal.extensions import db

    c = app.test_client()
    login(writer, c=c)
    set_active(db.session.get(type(writer), writer.id), False, by=writer)
    assert c.get("/akun/kata-sandi").status_code == 302
    assert app.test_client().post("/akun/masuk", data={"email": writer.email, "password": PASSWORD}).status_code == 200


def test_one_time_link_sets_password_once(app, client, writer):
    from portal.auth.operations import issue_password_token
    from portal.extensions import db

    token = issue_password_token(writer)
    db.session.commit()
    assert client.get(f"/akun/atur-sandi/{token}").status_code == 200
    r = client.post(f"/akun/atur-sandi/{token}", data={"password": "kebun-kopi-toraja-8", "confirm": "kebun-kopi-toraja-8"})
    assert r.status_code == 302
    assert client.get(f"/akun/atur-sandi/{token}").status_code == 410
    assert client.get("/akun/atur-sandi/tebakan-acak").status_code == 410
    assert client.post("/akun/masuk", data={"email": writer.email, "password": "kebun-kopi-toraja-8"}).status_code == 302


def test_reader_registers_and_duplicate_email_is_refused(client):
    data = {"name": "Pembaca Baru", "email": "Pembaca@Contoh.id", "password": "danau-toba-biru-5",
            "confirm": "danau-toba-biru-5"}
    assert client.post("/akun/daftar", data=data).status_code == 302
    again = client.post("/akun/daftar", data=data)
    assert "sudah terdaftar" in again.get_data(as_text=True)
    assert client.post("/akun/masuk", data={"email": "pembaca@contoh.id", "password": "danau-toba-biru-5"}).status_code == 302


def test_registration_keeps_what_was_typed_on_error(client):
    r = client.post("/akun/daftar", data={"name": "Ani", "email": "ani@contoh.id", "password": "123", "confirm": "123"})
    body = r.get_data(as_text=True)
    assert 'value="Ani"' in body and 'value="ani@contoh.id"' in body


def test_open_redirect_after_login_is_refused(client, writer):
    r = client.post("/akun/masuk?next=//evil.example/x", data={"email": writer.email, "password": PASSWORD})
    assert r.headers["Location"] == "/"


def test_csrf_refused_when_enabled(app, writer):
    app.config["WTF_CSRF_ENABLED"] = True
    c = app.test_client()
    r = c.post("/akun/masuk", data={"email": writer.email, "password": PASSWORD})
    assert r.status_code == 400
    page = c.get("/akun/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post("/akun/masuk", data={"email": writer.email, "password": PASSWORD, "csrf_token": token}).status_code == 302


@pytest.fixture
def limited(app_config):
    app_config["RATELIMIT_ENABLED"] = True


def test_login_rate_limited(limited, app, writer):
    c = app.test_client()
    codes = [c.post("/akun/masuk", data={"email": writer.email, "password": "salah-123456"}).status_code
             for _ in range(12)]
    assert codes[0] == 200 and codes[-1] == 429
    # The limit holds the account, whatever the password; since issue #15 (item 16) it no longer holds everyone
    # else at the same address: another account is answered as usual (tests/test_security_signin_limits.py).
    assert "Terlalu banyak percobaan" in c.post("/akun/masuk", data={"email": writer.email, "password": "z"}).get_data(as_text=True)
    other = c.post("/akun/masuk", data={"email": "x@y.id", "password": "z"})
    assert other.status_code == 200 and "Email atau kata sandi salah." in other.get_data(as_text=True)
