"""An id no database column can hold in a URL is a page that does not exist: 404, never 500.

The id columns are INTEGERs (32 bits on PostgreSQL). Every rule of ``app.url_map`` with an ``int`` argument is
requested with ids just beyond that and beyond 64 bits (99999999999999999999), its other arguments valid, by an
anonymous visitor and by a signed-in user of each kind: GET for pages, POST for forms (CSRF off, as in
TestConfig). The largest id an INTEGER holds is requested too: a valid id of nothing. The numbers that come in
query strings are probed the same way.
"""
from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from portal.ids import MAX_ID
from tests.builders_security import build_scenario
from tests.support import PASSWORD

HUGE = 99999999999999999999  # 67 bits
BEYOND = (2**31, 2**63 - 1, HUGE)  # one more than an INTEGER holds; the largest BIGINT; beyond 64 bits
LARGEST = 2**31 - 1  # the largest INTEGER: still a valid id, just one that does not exist
ROLES = ("anonymous", "admin", "writer_a", "expert", "city_panel", "national_dm", "reader")

# Valid values for the arguments that are not ids.
OTHER_ARGUMENTS = {"level": "kota", "period": "2026-11", "token": "tidak-ada", "lang": "id", "fmt": "xlsx",
                   "job_id": "tidak-ada", "variant": "thumb", "filename": "css/portal.css",
                   "key": "tidak-ada", "kind": "pdf", "number": "BPA-1-1-TIDAKASLI"}

# Every query-string parameter the portal reads as a number.
NUMERIC_QUERY = ("tim", "tahun", "hal", "halaman", "induk", "provinsi")


def _id_rules(app):
    return sorted((r for r in app.url_map.iter_rules()
                   if any(isinstance(c, IntegerConverter) for c in r._converters.values())),
                  key=lambda r: r.rule)


def _url(rule, value: int) -> str:
    args = {name: value if isinstance(conv, IntegerConverter) else OTHER_ARGUMENTS[name]
            for name, conv in rule._converters.items()}
    return rule.build(args, append_unknown=False)[1]


def _sign_in(client, user):
    response = client.post("/akun/masuk", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def scenario(make_tree, make_user, make_piece):
    return build_scenario(make_tree, make_user, make_piece, with_files=False)


def test_the_bound_is_what_the_id_columns_hold(app):
    """Every primary and foreign key is an INTEGER: a larger bound would let PostgreSQL fail the cast."""
    from sqlalchemy import BigInteger, Integer

    from portal.extensions import db

    keys = [c for t in db.metadata.sorted_tables for c in t.columns if c.primary_key or c.foreign_keys]
    assert keys and all(isinstance(c.type, Integer) and not isinstance(c.type, BigInteger) for c in keys
                        if c.type.python_type is int)
    assert MAX_ID == LARGEST


def test_every_id_argument_is_bounded_by_the_app(app):
    """The bound is the app's, not each route's: a route added later gets it without asking."""
    rules = _id_rules(app)
    assert len(rules) >= 40
    urls = app.url_map.bind("localhost")
    for rule in rules:
        for name, conv in rule._converters.items():
            if isinstance(conv, IntegerConverter):
                assert conv.max == LARGEST, (rule.rule, name)
        method = min(rule.methods - {"HEAD", "OPTIONS"})
        assert urls.match(_url(rule, LARGEST), method=method)[0] == rule.endpoint
        for value in BEYOND:
            with pytest.raises(NotFound):
                urls.match(_url(rule, value), method=method)


@pytest.mark.parametrize("role", ROLES)
def test_huge_id_in_every_route_answers_404(app, client, scenario, role):
    """Beyond an INTEGER: 404 for everyone, whatever the method. The largest INTEGER is a valid id of nothing:
    the route's own answer (404, or the refusal or sign-in page it gives before looking), never a 500."""
    if role != "anonymous":
        _sign_in(client, scenario.users[role])
    failures = []
    for rule in _id_rules(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            for value in BEYOND:
                beyond = client.open(_url(rule, value), method=method, data={} if method == "POST" else None)
                if beyond.status_code != 404 or "Halaman tidak ditemukan" not in beyond.get_data(as_text=True):
                    failures.append(f"{method} {_url(rule, value)}: {beyond.status_code}")
            largest = client.open(_url(rule, LARGEST), method=method, data={} if method == "POST" else None)
            if largest.status_code not in (404, 403, 400, 302):
                failures.append(f"{method} {_url(rule, LARGEST)}: {largest.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ("anonymous", "admin", "writer_a", "expert", "national_dm"))
def test_huge_numbers_in_query_strings_never_fail(app, client, scenario, role):
    if role != "anonymous":
        _sign_in(client, scenario.users[role])
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.endswith("logout"):
            continue
        url = _url(rule, 1) if rule.arguments else rule.rule
        if client.get(url).status_code >= 500:
            continue  # a failure of its own, not of the numbers: the other tests of that page show it
        for value in (LARGEST, *BEYOND, -1, "x"):
            query = "&".join(f"{name}={value}" for name in NUMERIC_QUERY)
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"GET {url}?{query}: {response.status_code}")
    assert not failures, "\n".join(failures)
