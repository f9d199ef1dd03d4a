"""Session cookie flags, security headers on every kind of answer, and error pages without stack traces."""
from __future__ import annotations

import pytest

from portal import create_app
from portal.models.people import Role

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _assert_security_headers(response) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (response.status_code, name)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "Permissions-Policy" in response.headers
    assert "Cache-Control" in response.headers


def _assert_no_leak(response, *secrets: str) -> None:
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "File \"", "werkzeug", "jinja2", *secrets):
        assert leak not in body, (response.status_code, leak)


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


# --- cookies -------------------------------------------------------------------------------------

def test_session_cookie_is_httponly_and_lax(client, make_user, login):
    user = make_user(Role.READER)
    response = client.post("/akun/masuk", data={"email": user.email, "password": "kata-sandi-uji-9431", "remember": "y"})
    assert response.status_code == 302
    cookies = _set_cookies(response)
    for name in ("session", "remember_token"):
        flags = cookies[name].lower()
        assert "httponly" in flags and "samesite=lax" in flags, cookies[name]
        assert "; secure" not in flags  # plain http in this test


@pytest.fixture
def secure_app(tmp_path, app_config):
    app = create_app(dict(app_config, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True),
                     instance_path=str(tmp_path / "instance-secure"))
    return app


def test_cookies_are_secure_when_configured(app, secure_app, make_user):
    user = make_user(Role.READER)
    client = secure_app.test_client()
    response = client.post("/akun/masuk", data={"email": user.email, "password": "kata-sandi-uji-9431", "remember": "y"},
                           base_url="https://portal.example")
    assert response.status_code == 302
    cookies = _set_cookies(response)
    for name in ("session", "remember_token"):
        flags = cookies[name].lower()
        assert "; secure" in flags and "httponly" in flags and "samesite=lax" in flags, cookies[name]
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_environment_turns_secure_cookies_on(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k"},
                     instance_path=str(tmp_path / "i"))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


# --- headers on every status -----------------------------------------------------------------------

@pytest.fixture
def strict_app(tmp_path, app_config):
    """Rate limits on (memory storage), a tiny body limit and a route that fails, to reach every status."""
    config = dict(app_config, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", LOGIN_RATE_LIMIT="2 per minute",
                  MAX_CONTENT_LENGTH=1024, PROPAGATE_EXCEPTIONS=False)
    app = create_app(config, instance_path=str(tmp_path / "instance-strict"))

    def broken():
        raise RuntimeError("secret-internal-detail-xyz")

    app.add_url_rule("/_uji/rusak", "uji_rusak", broken)
    return app


def test_headers_on_200_302_404_405_413_429_500(app, strict_app, make_user):
    client = strict_app.test_client()
    seen = {}
    seen[200] = client.get("/akun/masuk")
    seen[302] = client.get("/akun/kata-sandi")  # not signed in: sent to the sign-in page
    seen[404] = client.get("/tidak-ada-halaman-ini")
    seen[405] = client.get("/akun/keluar")  # POST only
    seen[413] = client.post("/akun/daftar", data={"name": "x" * 5000})
    for _ in range(2):
        client.post("/akun/masuk", data={"email": "a@uji.bp.id", "password": "salah-salah"})
    seen[429] = client.post("/akun/masuk", data={"email": "a@uji.bp.id", "password": "salah-salah"})
    seen[500] = client.get("/_uji/rusak")
    for status, response in seen.items():
        assert response.status_code == status
        _assert_security_headers(response)
        _assert_no_leak(response, "secret-internal-detail-xyz", "RuntimeError")
    assert "/akun/masuk" in seen[302].headers["Location"]
    assert int(seen[429].headers["Retry-After"]) > 0
    assert "Terlalu banyak percobaan" in seen[429].get_data(as_text=True)
    assert "Terjadi kesalahan" in seen[500].get_data(as_text=True)
    assert "Berkas terlalu besar" in seen[413].get_data(as_text=True)
    assert seen[200].headers["Cache-Control"] == "no-cache"  # public page: may be stored, must be revalidated
    assert seen[429].headers["Cache-Control"] == "no-store"


def test_signed_in_pages_are_not_stored(client, make_user, login):
    login(make_user(Role.READER))
    response = client.get("/akun/kata-sandi")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_csrf_failure_is_a_friendly_400(app, client, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user(Role.READER)
    response = client.post("/akun/masuk", data={"email": user.email, "password": "kata-sandi-uji-9431"})
    assert response.status_code == 400
    _assert_security_headers(response)
    _assert_no_leak(response, "CSRF token")
    assert "Permintaan tidak dapat diproses" in response.get_data(as_text=True)


def test_refused_access_page_is_friendly(app, client, make_user, login):
    from portal.admin_audit import bp

    if "admin_audit" not in app.blueprints:
        app.register_blueprint(bp)
    login(make_user(Role.READER))
    response = client.get("/admin/audit/")
    assert response.status_code == 403
    _assert_security_headers(response)
    _assert_no_leak(response)
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_a_views_own_headers_are_kept_and_none_is_sent_twice(app_config, tmp_path):
    """A view that sets one of these headers itself (in any letter case) keeps its value; each goes out once."""
    from flask import make_response

    app = create_app(dict(app_config), instance_path=str(tmp_path / "instance-own-headers"))

    def own():
        response = make_response("eigen")
        response.headers["x-frame-options"] = "SAMEORIGIN"
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    app.add_url_rule("/_uji/sendiri", "uji_sendiri", own)
    response = app.test_client().get("/_uji/sendiri")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Cache-Control") == ["public, max-age=60"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert len(response.headers.getlist(name)) == 1, name
    assert "Strict-Transport-Security" not in response.headers  # plain http
    secure = app.test_client().get("/_uji/sendiri", base_url="https://localhost")
    assert secure.headers.getlist("Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"]
