"""The session cookie checked once per worker (``portal.auth.cookie_session``): the same answers as Flask's own
signed-cookie sessions for the same cookie, a changed one, an expired one and a rotated secret key."""
from __future__ import annotations

import time

from portal.auth.cookie_session import CookieSessionInterface
from portal.models.people import Role

DAY = 24 * 3600


def _cookie(client, app) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def _signed_in(client) -> bool:
    return client.get("/akun/kata-sandi").status_code == 200


def test_the_app_uses_it_and_a_signed_in_person_stays_signed_in(app, client, make_user, login):
    assert isinstance(app.session_interface, CookieSessionInterface)
    login(make_user(Role.WRITER))
    assert _signed_in(client)  # the first page puts the forms' CSRF token in the session
    cookie = _cookie(client, app)
    for _ in range(3):  # the same cookie: checked once, then looked up
        assert _signed_in(client)
    assert _cookie(client, app) == cookie


def test_each_request_gets_its_own_session_data(app, client, make_user, login):
    """A request that changes its session (a flash message) changes neither the remembered cookie's data nor the
    next request that sends the same cookie."""
    login(make_user(Role.WRITER))
    cookie = _cookie(client, app)
    before = client.get("/akun/kata-sandi")
    with app.test_request_context(headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}):
        session = app.session_interface.open_session(app, _request())
        session["_flashes"] = [("message", "hanya untuk permintaan ini")]
        session["daftar"] = {"bersarang": [1]}
        again = app.session_interface.open_session(app, _request())
        assert "_flashes" not in again and "daftar" not in again and "_user_id" in again
    after = client.get("/akun/kata-sandi")
    assert "hanya untuk permintaan ini" not in after.get_data(as_text=True)
    assert before.status_code == after.status_code == 200


def test_a_tampered_cookie_is_no_session(app, client, make_user, login):
    login(make_user(Role.WRITER))
    assert _signed_in(client)
    cookie = _cookie(client, app)
    # The signature's first character: its last one also carries base64's unused padding bits, and a change
    # there alone ("B" for "A") decodes to the same signature, so the cookie stayed valid for some sessions.
    payload, signature = cookie.rsplit(".", 1)
    forged = f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forged)
    assert not _signed_in(client)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)  # the genuine one still works
    assert _signed_in(client)


def test_a_remembered_cookie_still_expires_with_the_session_lifetime(app, client, make_user, login, monkeypatch):
    login(make_user(Role.WRITER))
    assert _signed_in(client)  # remembered now
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + lifetime - 60)
    assert _signed_in(client)
    monkeypatch.setattr(time, "time", lambda: now + lifetime + DAY)
    response = client.get("/akun/kata-sandi")
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]


def test_a_rotated_secret_key_is_honoured(app, client, make_user, login):
    """A new SECRET_KEY signs everyone out, unless the old key is kept in SECRET_KEY_FALLBACKS; the cookie is
    not taken from memory for a key set it was not checked with."""
    login(make_user(Role.WRITER))
    assert _signed_in(client)
    cookie = _cookie(client, app)
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "kunci-baru-" + old
    assert not _signed_in(client)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)  # that answer replaced it
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert _signed_in(client)


def test_only_so_many_cookies_are_remembered(app):
    interface = CookieSessionInterface(capacity=3)
    for i in range(5):
        interface._remember(("keys", f"cookie-{i}"), 0, {})
    assert [value for _, value in interface._verified] == ["cookie-2", "cookie-3", "cookie-4"]


def _request():
    from flask import request

    return request


def test_nested_values_are_copied_for_each_request(app):
    """A remembered cookie's data, however nested, is the request's own: changing it changes nothing for the
    next request with the same cookie."""
    from flask import session as flask_session

    with app.test_request_context():
        flask_session.update({"a": [1, {"b": [2]}], "t": ("x", ["y"]), "s": "teks"})
        response = app.response_class()
        app.session_interface.save_session(app, flask_session, response)
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    for _ in range(2):  # checked, then remembered
        with app.test_request_context(headers={"Cookie": cookie}):
            data = app.session_interface.open_session(app, _request())
            assert dict(data) == {"a": [1, {"b": [2]}], "t": ("x", ["y"]), "s": "teks"}
            data["a"][1]["b"].append(3)
            data["t"][1].append("z")
