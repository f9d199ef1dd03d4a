"""The cache layer in front of Flask (portal/wsgi_cache.py).

A hit must be what Flask would have sent (body byte for byte, every header but Date), gzip to clients that ask
for it, 304 to a browser that has it, and must never enter Flask; a session, a cookie set by the response, a
public change, a storage that is down and the URL's query string are all respected.
"""
from __future__ import annotations

import gzip

import pytest
from cachelib import SimpleCache
from flask import session
from werkzeug.test import Client

from portal import create_app
from portal.elearning import operations
from portal.elearning.web import cached
from portal.extensions import db
from portal.models.people import Role
from portal.page_cache import HEADER, PageCache, public_page
from portal.wsgi_cache import CachedPages, StoredPage, accepts_gzip
from tests.builders_elearning import make_knowledge_product, make_published

PUBLIC_URLS = ["/elearning/", "/elearning/nasional", "/elearning/provinsi", "/elearning/penghargaan",
               "/elearning/cari?q=sampah", "/elearning/feed/nasional.atom", "/elearning/produk-pengetahuan"]


@pytest.fixture
def world(make_tree, make_piece):
    tree = make_tree()
    national = make_published(make_piece, tree.team["semarang-TF01"], "national", title="Bank sampah Semarang")
    return {"tree": tree, "national": national}


@pytest.fixture
def flask_requests(app):
    """How many requests reached Flask's before_request."""
    seen = []
    app.before_request(lambda: seen.append(1) and None)
    return seen


def get(app, url, **headers):
    return app.test_client().get(url, headers=headers)


def flask_path(app, url, method="GET", **headers):
    """The page as Flask renders it, with the cache layer taken out of the way."""
    layer = app.wsgi_app
    assert isinstance(layer, CachedPages)
    return Client(layer.app).open(url, method=method, headers=headers)


def comparable(response) -> dict:
    return {name: value for name, value in response.headers.items() if name not in ("Date", HEADER)}


def all_urls(world):
    return PUBLIC_URLS + [f"/elearning/tulisan/{world['national'].id}"]


def test_a_hit_is_what_flask_sends_byte_for_byte(app, world, flask_requests):
    for url in all_urls(world):
        assert get(app, url).headers[HEADER] == "miss", url
        before = len(flask_requests)
        hit = get(app, url)
        assert hit.headers[HEADER] == "hit", url
        assert len(flask_requests) == before, f"{url}: the hit entered Flask"
        rendered = flask_path(app, url)
        assert hit.get_data() == rendered.get_data(), url
        assert comparable(hit) == comparable(rendered), url
        assert "Date" in hit.headers and hit.status == rendered.status == "200 OK"
        assert "frame-ancestors 'none'" in hit.headers["Content-Security-Policy"], url
        assert hit.headers["Vary"] == "Cookie, Accept-Encoding", url
        assert hit.headers["Cache-Control"] == f"public, max-age={app.config['PUBLIC_CACHE_SECONDS']}", url


def test_the_miss_that_stores_the_page_answers_like_flask(app, world):
    url = "/elearning/nasional"
    miss = get(app, url)
    rendered = flask_path(app, url)
    assert miss.headers[HEADER] == "miss"
    assert miss.get_data() == rendered.get_data() and comparable(miss) == comparable(rendered)


def test_gzip_to_clients_that_accept_it(app, world, flask_requests):
    url = "/elearning/"
    identity = get(app, url)
    before = len(flask_requests)
    packed = get(app, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers[HEADER] == "hit" and len(flask_requests) == before
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == identity.get_data()
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(identity.get_data())
    assert packed.headers["ETag"] != identity.headers["ETag"]  # one validator per representation
    assert packed.headers["Vary"] == "Cookie, Accept-Encoding"
    others = {k: v for k, v in comparable(packed).items() if k not in ("Content-Encoding", "Content-Length", "ETag")}
    assert others == {k: v for k, v in comparable(identity).items() if k not in ("Content-Length", "ETag")}


@pytest.mark.parametrize("value, packed", [
    (None, False), ("", False), ("identity", False), ("br", False), ("deflate, br", False), ("gzip", True),
    ("GZIP", True), ("x-gzip", True), ("gzip;q=0.5, br", True), ("gzip;q=0", False), ("gzip; q=0.0", False),
    ("*", True), ("*;q=0", False), ("gzip;q=0, *", False), ("br, *;q=0.1", True), ("gzip;q=nonsense", False),
])
def test_accept_encoding_negotiation(app, world, value, packed):
    assert accepts_gzip(value) is packed
    get(app, "/elearning/")
    response = get(app, "/elearning/", **({"Accept-Encoding": value} if value is not None else {}))
    assert response.headers[HEADER] == "hit"
    assert (response.headers.get("Content-Encoding") == "gzip") is packed
    assert response.get_data()[:2] == b"\x1f\x8b" if packed else response.get_data().startswith(b"<!")


def test_304_to_a_browser_that_has_the_page(app, world, flask_requests):
    url = f"/elearning/tulisan/{world['national'].id}"
    first = get(app, url)
    before = len(flask_requests)
    again = get(app, url, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers[HEADER] == "hit" and again.get_data() == b""
    assert len(flask_requests) == before
    rendered = flask_path(app, url, **{"If-None-Match": first.headers["ETag"]})
    assert rendered.status_code == 304 and comparable(again) == comparable(rendered)
    # The gzip copy has its own validator: the browser's identity copy is not it, and the other way round.
    packed = get(app, url, **{"Accept-Encoding": "gzip"})
    assert get(app, url, **{"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}).status_code == 304
    assert get(app, url, **{"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}).status_code == 200
    assert get(app, url, **{"If-None-Match": packed.headers["ETag"]}).status_code == 200
    assert get(app, url, **{"If-None-Match": '"something-else"'}).status_code == 200


def test_if_match_with_a_current_page_answers_like_flask(app, world):
    url = "/elearning/"
    etag = get(app, url).headers["ETag"]
    headers = {"If-None-Match": etag, "If-Match": '"other"'}
    hit, rendered = get(app, url, **headers), flask_path(app, url, **headers)
    assert hit.headers[HEADER] == "hit" and hit.status == rendered.status


def test_head_is_answered_from_the_cache_like_flask(app, world, flask_requests):
    url = "/elearning/nasional"
    get(app, url)
    before = len(flask_requests)
    head = app.test_client().head(url)
    assert head.headers[HEADER] == "hit" and head.get_data() == b"" and len(flask_requests) == before
    rendered = flask_path(app, url, method="HEAD")
    assert comparable(head) == comparable(rendered)
    assert int(head.headers["Content-Length"]) == len(get(app, url).get_data())


def test_a_head_miss_is_rendered_and_not_stored(app, world):
    assert app.test_client().head("/elearning/").headers.get(HEADER) is None
    assert get(app, "/elearning/").headers[HEADER] == "miss"


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_session_or_remember_cookie_always_reaches_flask(app, world, flask_requests, cookie):
    get(app, "/elearning/")
    c = app.test_client()
    c.set_cookie(cookie, "anything")
    before = len(flask_requests)
    page = c.get("/elearning/")
    assert HEADER not in page.headers and len(flask_requests) == before + 1


def test_other_cookies_do_not_bypass(app, world):
    get(app, "/elearning/")
    c = app.test_client()
    c.set_cookie("_ga", "GA1.1.1")
    assert c.get("/elearning/").headers[HEADER] == "hit"


def test_credentials_bypass(app, world, flask_requests):
    get(app, "/elearning/")
    before = len(flask_requests)
    assert HEADER not in get(app, "/elearning/", Authorization="Basic eDp5").headers
    assert len(flask_requests) == before + 1


def test_a_signed_in_user_never_gets_or_fills_the_cache(app, world, make_user, login):
    get(app, "/elearning/")
    c = login(make_user(Role.READER, name="Ibu Sari Pembaca"), c=app.test_client())
    page = c.get("/elearning/", headers={"Accept-Encoding": "gzip"})
    assert HEADER not in page.headers and "Content-Encoding" not in page.headers
    assert 'href="/notifikasi"' in page.get_data(as_text=True)
    assert "/notifikasi" not in get(app, "/elearning/").get_data(as_text=True)


@pytest.fixture
def cookie_pages(app):
    """Public pages that set a cookie: in the view, through the session, or in an after_request hook."""

    def in_view():
        response = cached("<p>cookie in the view</p>")
        response.set_cookie("tracker", "1")
        return response

    def through_session():
        session["seen"] = True
        return cached("<p>the session changed</p>")

    def late():
        return cached("<p>a hook adds a cookie</p>")

    for name, view in (("in_view", in_view), ("through_session", through_session), ("late", late)):
        app.add_url_rule(f"/_test/{name}", f"test_{name}", public_page(view))

    @app.after_request
    def _late_cookie(response):
        from flask import request

        if request.path == "/_test/late":
            response.set_cookie("late", "1")
        return response

    return ["/_test/in_view", "/_test/through_session", "/_test/late"]


def test_a_response_that_sets_a_cookie_is_never_stored(app, cookie_pages, flask_requests):
    for url in cookie_pages:
        for _ in range(3):
            before = len(flask_requests)
            page = get(app, url, **{"Accept-Encoding": "gzip"})
            assert page.status_code == 200 and "Set-Cookie" in page.headers, url
            assert HEADER not in page.headers and "Content-Encoding" not in page.headers, url
            assert len(flask_requests) == before + 1, url
    cache = app.extensions["page_cache"]
    stored = [key for key in cache.backend._cache if key.startswith("page2:")]
    assert stored == []


def test_a_publication_through_the_operations_empties_the_cache(app, world, make_user):
    url = "/elearning/produk-pengetahuan"
    manager = make_user(Role.DATA_MANAGER, name="Pengelola Data Nasional")
    product = make_knowledge_product(manager, world["tree"].kmw["A"], title="Panduan bank sampah kelurahan")
    assert get(app, url).headers[HEADER] == "miss"
    assert get(app, url).headers[HEADER] == "hit"
    operations.publish_knowledge_product(product, manager)
    after = get(app, url, **{"Accept-Encoding": "gzip"})
    assert after.headers[HEADER] == "miss"
    assert "Panduan bank sampah kelurahan" in gzip.decompress(after.get_data()).decode()
    assert get(app, url).headers[HEADER] == "hit"
    operations.withdraw_knowledge_product(product, manager)
    gone = get(app, url)
    assert gone.headers[HEADER] == "miss" and "Panduan bank sampah kelurahan" not in gone.get_data(as_text=True)


def test_an_award_through_the_operations_shows_at_once(app, world, make_user):
    url = "/elearning/penghargaan"
    get(app, url)
    operations.record_award(world["national"], make_user(Role.ADMIN), "Undangan lokakarya penulisan nasional")
    after = get(app, url)
    assert after.headers[HEADER] == "miss"
    assert "Undangan lokakarya penulisan nasional" in after.get_data(as_text=True)


class FlakyStorage(SimpleCache):
    """A storage that fails while ``down`` is set, and counts the calls that reach it."""

    def __init__(self):
        super().__init__()
        self.down = False
        self.calls = 0

    def _call(self, method, *args, **kwargs):
        self.calls += 1
        if self.down:
            raise ConnectionRefusedError("storage down")
        return method(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call(super().get, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call(super().set, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call(super().add, *args, **kwargs)


@pytest.fixture
def flaky(app):
    storage = FlakyStorage()
    app.extensions["page_cache"] = PageCache(storage, int(app.config["PUBLIC_CACHE_SECONDS"]))
    return storage


def test_storage_down_flask_renders(app, world, flaky, flask_requests, monkeypatch):
    url = "/elearning/"
    assert get(app, url).headers[HEADER] == "miss"
    assert get(app, url).headers[HEADER] == "hit"
    flaky.down = True
    asked = flaky.calls
    for _ in range(3):
        before = len(flask_requests)
        page = get(app, url, **{"Accept-Encoding": "gzip"})
        assert page.status_code == 200 and HEADER not in page.headers
        assert "Bank sampah Semarang" in page.get_data(as_text=True)
        assert len(flask_requests) == before + 1
    assert flaky.calls == asked + 1  # the circuit breaker: the storage was asked once, by the first request
    flaky.down = False
    now = __import__("time").monotonic() + PageCache.RETRY_SECONDS + 1
    monkeypatch.setattr("portal.page_cache.time.monotonic", lambda: now)
    assert get(app, url).headers[HEADER] == "hit"


@pytest.fixture
def redis_down(app_config):
    app_config["PAGE_CACHE"] = "redis://127.0.0.1:1/0"  # nothing listens there


def test_unreachable_redis_flask_renders(redis_down, app, world, flask_requests):
    for _ in range(2):
        before = len(flask_requests)
        page = get(app, "/elearning/")
        assert page.status_code == 200 and HEADER not in page.headers and len(flask_requests) == before + 1


def test_non_public_pages_never_touch_the_storage(app, world, flaky):
    for url in ("/akun/masuk", "/static/css/elearning.css", "/tidak-ada", "/elearning"):
        get(app, url)
    assert flaky.calls == 0


def test_without_a_cache_no_layer_is_installed(app_config, tmp_path):
    app = create_app(dict(app_config, PAGE_CACHE="none"), instance_path=str(tmp_path / "none"))
    assert not isinstance(app.wsgi_app, CachedPages)


def test_the_language_comes_from_the_session_only(app, world, flask_requests):
    """Accept-Language chooses nothing (the language switch lives in the session), so the Indonesian page is
    right for every anonymous reader, whatever the browser asks; a reader who switched gets English from Flask."""
    url = "/elearning/"
    get(app, url)
    before = len(flask_requests)
    english_browser = get(app, url, **{"Accept-Language": "en-US,en;q=0.9"})
    assert english_browser.headers[HEADER] == "hit" and len(flask_requests) == before
    assert english_browser.get_data() == flask_path(app, url, **{"Accept-Language": "en-US,en;q=0.9"}).get_data()
    assert '<html lang="id"' in english_browser.get_data(as_text=True)
    c = app.test_client()
    c.get("/akun/bahasa/en")
    english = c.get(url, headers={"Accept-Encoding": "gzip"})
    assert HEADER not in english.headers and '<html lang="en"' in english.get_data(as_text=True)
    assert '<html lang="id"' in get(app, url).get_data(as_text=True)  # and the cached copy stays Indonesian


def test_query_strings_are_keyed_apart(app, world, make_piece, flask_requests):
    for i in range(25):
        make_published(make_piece, world["tree"].team["makassar-TF01"], "province",
                       period=f"{2024 + i // 12}-{i % 12 + 1:02d}", title=f"Posyandu nomor {i}")
    urls = ["/elearning/provinsi", "/elearning/provinsi?halaman=2", "/elearning/cari?q=sampah",
            "/elearning/cari?q=posyandu", "/elearning/cari?q=posyandu&halaman=2", "/elearning/cari?halaman=2&q=posyandu"]
    bodies = {}
    for url in urls:
        assert get(app, url).headers[HEADER] == "miss", url
    for url in urls:
        before = len(flask_requests)
        hit = get(app, url)
        assert hit.headers[HEADER] == "hit" and len(flask_requests) == before, url
        assert hit.get_data() == flask_path(app, url).get_data(), url
        bodies[url] = hit.get_data(as_text=True)
    assert "Bank sampah Semarang" in bodies["/elearning/cari?q=sampah"]
    assert "Bank sampah Semarang" not in bodies["/elearning/cari?q=posyandu"]
    assert bodies["/elearning/cari?q=posyandu"] != bodies["/elearning/cari?q=posyandu&halaman=2"]


def test_the_forwarded_scheme_is_part_of_the_key(app_config, tmp_path, world):
    app = create_app(dict(app_config, BEHIND_PROXY=True), instance_path=str(tmp_path / "proxied"))
    with app.app_context():
        plain = app.test_client().get("/elearning/")
        secure = app.test_client().get("/elearning/", headers={"X-Forwarded-Proto": "https"})
        assert plain.headers[HEADER] == secure.headers[HEADER] == "miss"
        again = app.test_client().get("/elearning/", headers={"X-Forwarded-Proto": "https"})
        assert again.headers[HEADER] == "hit" and "Strict-Transport-Security" in again.headers
        assert "Strict-Transport-Security" not in app.test_client().get("/elearning/").headers
        db.session.remove()
        db.engine.dispose()


def test_a_page_stored_by_one_worker_is_a_hit_on_another(app_config, tmp_path, world):
    from portal.models.pieces import Piece

    settings = {"PAGE_CACHE": "filesystem", "PAGE_CACHE_DIR": str(tmp_path / "pages")}
    first, second = (create_app(dict(app_config, **settings), instance_path=str(tmp_path / name))
                     for name in ("one", "two"))
    with first.app_context():
        assert first.test_client().get("/elearning/").headers[HEADER] == "miss"
        db.session.remove()
    with second.app_context():
        hit = second.test_client().get("/elearning/", headers={"Accept-Encoding": "gzip"})
        assert hit.headers[HEADER] == "hit" and b"Bank sampah Semarang" in gzip.decompress(hit.get_data())
        db.session.get(Piece, world["national"].id).title = "Bank sampah Kota Semarang"
        db.session.commit()
        db.session.remove()
    with first.app_context():
        after = first.test_client().get("/elearning/")
        assert after.headers[HEADER] == "miss" and "Bank sampah Kota Semarang" in after.get_data(as_text=True)
        db.session.remove()
    for a in (first, second):
        with a.app_context():
            db.engine.dispose()


def test_an_entry_of_another_layout_is_a_miss(app, world):
    cache = app.extensions["page_cache"]
    key = cache.key(cache.generation(), "http://localhost/elearning/?")
    cache.backend.set(key, ([("Content-Type", "text/html")], b"old layout"))
    page = get(app, "/elearning/")
    assert page.headers[HEADER] == "miss" and b"old layout" not in page.get_data()
    assert isinstance(cache.backend.get(key), StoredPage)


def test_a_copy_kept_in_a_worker_lives_no_longer_than_the_stored_page(app, world, monkeypatch):
    import time
    from types import SimpleNamespace

    assert get(app, "/elearning/").headers[HEADER] == "miss"
    cache, layer = app.extensions["page_cache"], app.wsgi_app
    key = cache.key(cache.generation(), "http://localhost/elearning/?")
    cache.backend.delete(key)  # pruned from the storage: the worker's copy is still this generation's page
    assert get(app, "/elearning/").headers[HEADER] == "hit"
    later = time.time() + app.config["PUBLIC_CACHE_SECONDS"]
    monkeypatch.setattr("portal.wsgi_cache.time", SimpleNamespace(time=lambda: later))
    assert get(app, "/elearning/").headers[HEADER] == "miss"
    assert key in layer._memory
