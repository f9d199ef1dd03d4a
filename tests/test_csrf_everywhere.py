"""CSRF on every form: with ``WTF_CSRF_ENABLED`` on, every POST endpoint of the app refuses a POST without a
token (400), asked by a signed-in user who holds the right role (so the refusal is CSRF, not permission; a
second request with the token is answered without 403/404 to prove it). JSON endpoints refuse a request
without the X-CSRFToken header and accept it with the header."""
from __future__ import annotations

import re

import pytest

from tests.access_table import POSTS
from tests.builders_security import build_scenario
from tests.builders_submissions import jpeg
from tests.support import PASSWORD

# Who performs each POST endpoint: the first role allowed in the access table, or named here.
EXTRA_ACTORS = {
    "auth.login": "anonymous",
    "auth.register": "anonymous",
    "auth.set_password": "anonymous",
    "auth.change_password": "writer_a",
    "auth.logout": "writer_a",
    "org.import_tree": "admin",
    "accounts.import_accounts": "city_dm",
    "password_reset.forgot_password": "anonymous",
}
# POST endpoints that take no CSRF token, each with the reason and the test of what protects it instead.
CSRF_EXEMPT = {
    "mail.unsubscribe_post": "RFC 8058 one-click unsubscribe: mail programs POST without cookies or token; the "
                             "signed link is the proof (tests/test_mail_pages.py)",
}
ORDER = ["anonymous", "writer_a", "expert", "city_panel", "other_panel", "city_dm", "kmw_dm", "other_kmw_dm",
         "national_dm", "admin"]


def actor_of(endpoint: str) -> str | None:
    if endpoint in EXTRA_ACTORS:
        return EXTRA_ACTORS[endpoint]
    for probe in POSTS:
        if probe.endpoint == endpoint:
            for role in ORDER:
                if probe.expect.get(role) == "ok":
                    return role
    return None


def _urls(endpoint: str, s, role: str) -> list:
    """The URLs of the access table for this endpoint, or a plain one for the endpoints named above."""
    plain = {"auth.login": "/akun/masuk", "auth.register": "/akun/daftar",
             "auth.set_password": "/akun/atur-sandi/token-palsu-yang-tidak-ada",
             "auth.change_password": "/akun/kata-sandi", "org.import_tree": "/admin/struktur/impor",
             "accounts.import_accounts": "/akun-pengguna/impor", "auth.logout": "/akun/keluar",
             "password_reset.forgot_password": "/akun/lupa-sandi"}
    if endpoint in plain:
        return [(plain[endpoint], lambda s: {})]
    mine = [p for p in POSTS if p.endpoint == endpoint and p.expect.get(role) == "ok"]
    return [(p.url(s), p.data if p.json is None else None) for p in mine]


def _post_endpoints(app) -> list[str]:
    return sorted({r.endpoint for r in app.url_map.iter_rules()
                   if "POST" in r.methods and r.endpoint != "static" and r.endpoint not in CSRF_EXEMPT})


def test_every_post_endpoint_has_an_actor(app):
    missing = [e for e in _post_endpoints(app) if actor_of(e) is None]
    assert not missing, "POST endpoints without an actor for the CSRF test: " + ", ".join(missing)


def _token(client, signed_in: bool) -> str:
    page = client.get("/akun/kata-sandi" if signed_in else "/akun/masuk").get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _sign_in(client, user):
    response = client.post("/akun/masuk", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


ACTORS = sorted(set(EXTRA_ACTORS.values()) | {"writer_a", "expert", "city_panel", "other_panel", "city_dm",
                                               "kmw_dm", "national_dm", "admin"})


@pytest.mark.parametrize("role", ACTORS)
def test_post_without_token_is_refused(role, app, client, make_tree, make_user, make_piece):
    s = build_scenario(make_tree, make_user, make_piece)
    if role != "anonymous":
        _sign_in(client, s.users[role])  # CSRF is still off for this first request
    app.config["WTF_CSRF_ENABLED"] = True
    mine = [e for e in _post_endpoints(app) if actor_of(e) == role]
    # the access table's order (recusal after scoring, sign-out last ...)
    walk = [p.endpoint for p in POSTS]
    mine.sort(key=lambda e: walk.index(e) if e in walk else -1)
    problems = []
    for endpoint in mine:
        for url, data in _urls(endpoint, s, role):
            body = data(s) if data else {}
            if data is None:  # a JSON endpoint
                response = client.post(url, json={"version": 1, "title": "x"})
            else:
                response = client.post(url, data=body, content_type="multipart/form-data")
            if response.status_code != 400:
                problems.append(f"{endpoint} {url}: without token answered {response.status_code}")
                continue
            token = _token(client, role != "anonymous")
            body = data(s) if data else {}
            if data is None:
                control = client.post(url, json={"version": s.draft.version, "title": "x"},
                                      headers={"X-CSRFToken": token})
            else:
                control = client.post(url, data={**body, "csrf_token": token}, content_type="multipart/form-data")
            if control.status_code in (403, 404) or (endpoint != "auth.set_password" and control.status_code == 410):
                problems.append(f"{endpoint} {url}: the actor {role} is refused even with a token "
                                f"({control.status_code}); the CSRF check proves nothing")
    assert not problems, "\n".join(problems)


def test_json_endpoints_need_the_header(app, client, make_tree, make_user, make_piece):
    s = build_scenario(make_tree, make_user, make_piece)
    _sign_in(client, s.users["writer_a"])
    app.config["WTF_CSRF_ENABLED"] = True
    token = _token(client, True)

    upload = lambda: {"photo": (__import__("io").BytesIO(jpeg(900, 700)), "foto.jpg"), "caption": "x"}
    assert client.post(f"/tulisan/{s.draft.id}/foto", data=upload(), content_type="multipart/form-data").status_code == 400
    ok = client.post(f"/tulisan/{s.draft.id}/foto", data=upload(), content_type="multipart/form-data",
                     headers={"X-CSRFToken": token})
    assert ok.status_code == 200, ok.get_data(as_text=True)[:300]

    assert client.post(f"/tulisan/{s.draft.id}/simpan", json={"title": "Baru", "version": s.draft.version}
                       ).status_code == 400
    assert client.post(f"/tulisan/{s.draft.id}/simpan", json={"title": "Baru", "version": s.draft.version},
                       headers={"X-CSRFToken": "palsu"}).status_code == 400
    ok = client.post(f"/tulisan/{s.draft.id}/simpan", json={"title": "Baru", "version": s.draft.version},
                     headers={"X-CSRFToken": token})
    assert ok.status_code == 200, ok.get_data(as_text=True)[:300]

    assert client.post("/tulisan/pratinjau", data={"body_md": "**a**"}).status_code == 400
    ok = client.post("/tulisan/pratinjau", data={"body_md": "**a**"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and "<strong>a</strong>" in ok.get_json()["html"]


def test_the_exempt_endpoints_are_real_post_endpoints(app):
    """An exemption names a route that exists and takes POST; nothing else is exempt."""
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert set(CSRF_EXEMPT) <= posts
