"""The access table walked: every endpoint of the app, every role (the table is in tests/access_table.py).

Each role is one test: it builds the scenario once (tests/builders_security.py), signs in, and walks every
probe (GETs first, then the writes in the listed order, sign-out last). A meta-test makes sure every endpoint
of ``app.url_map`` has a row, so a new route without an access decision fails the suite.
"""
from __future__ import annotations

import pytest

from tests.access_table import GETS, NOT_PROBED, POSTS
from tests.builders_security import ROLES, build_scenario
from tests.support import PASSWORD


def test_every_endpoint_has_a_row(app):
    """A new route without an access decision fails here: add it to GETS/POSTS or NOT_PROBED."""
    covered_get = {p.endpoint for p in GETS} | {n.endpoint for n in NOT_PROBED}
    covered_post = {p.endpoint for p in POSTS} | {n.endpoint for n in NOT_PROBED}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if "GET" in rule.methods and rule.endpoint not in covered_get:
            missing.append(f"GET {rule.rule} ({rule.endpoint})")
        if "POST" in rule.methods and rule.endpoint not in covered_post:
            missing.append(f"POST {rule.rule} ({rule.endpoint})")
    assert not missing, "endpoints without an access decision:\n" + "\n".join(missing)


def test_table_names_every_role():
    for probe in GETS + POSTS:
        assert set(probe.expect) == set(ROLES), probe.endpoint
        assert set(probe.expect.values()) <= {"ok", "login", "deny"}, probe.endpoint


def classify(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        return "login" if "/akun/masuk" in response.headers.get("Location", "") else "ok"
    if 200 <= code < 300:
        return "ok"
    if code in (403, 404, 410):  # 410: an unknown or spent password link
        return "deny"
    return f"status {code}"


def _registered(app, endpoint: str) -> bool:
    return endpoint in app.view_functions


@pytest.mark.parametrize("role", ROLES)
def test_access_table(role, app, client, make_tree, make_user, make_piece):
    s = build_scenario(make_tree, make_user, make_piece)
    if role != "anonymous":
        user = s.users[role]
        response = client.post("/akun/masuk", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    mismatches = []
    for probe in GETS + POSTS:
        if not _registered(app, probe.endpoint):
            continue
        url = probe.url(s)
        if probe.method == "GET":
            response = client.get(url)
        elif probe.json is not None:
            response = client.post(url, json=probe.json(s))
        else:
            response = client.post(url, data=probe.data(s), content_type="multipart/form-data")
        got = classify(response)
        if got == "ok" and probe.done is not None:
            from portal.extensions import db

            db.session.expire_all()
            if not probe.done(s):
                got = "deny"  # the form was shown again and nothing was written
        if got != probe.expect[role]:
            mismatches.append(f"{probe.method} {url} ({probe.endpoint}): expected {probe.expect[role]}, got {got}"
                              f" [{response.status_code} {response.headers.get('Location', '')}]")
    assert not mismatches, f"role {role}:\n" + "\n".join(mismatches)
