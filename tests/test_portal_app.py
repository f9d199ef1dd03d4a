"""``portal.Portal``: Flask with ``ensure_sync`` answered once per function."""
from __future__ import annotations

import pytest
from werkzeug.routing import BuildError

from portal import Portal


def test_each_function_is_asked_once(app, monkeypatch):
    assert isinstance(app, Portal)
    asked = []
    monkeypatch.setattr("flask.app.iscoroutinefunction", lambda f: asked.append(f) or False)

    def plain():
        return "biasa"

    app._sync.clear()
    assert app.ensure_sync(plain) is plain and app.ensure_sync(plain) is plain
    assert asked == [plain]
    # a request asks for its hooks and view once, then never again
    client = app.test_client()
    client.get("/akun/masuk")
    asked.clear()
    assert client.get("/akun/masuk").status_code == 200
    assert asked == []


def test_a_coroutine_function_is_handed_to_flask(app):
    async def waiting():
        return "tunggu"

    app._sync.clear()
    try:
        made = app.ensure_sync(waiting)
    except RuntimeError as exc:  # Flask without its async extra says so, as before
        assert "async" in str(exc)
        return
    assert made is not waiting and app.ensure_sync(waiting) is made and made() == "tunggu"


def test_past_the_bound_functions_are_asked_each_time(app, monkeypatch):
    app._sync.clear()
    monkeypatch.setattr(app, "_SYNC_KEPT", 2)
    functions = [lambda i=i: i for i in range(4)]
    assert [app.ensure_sync(f)() for f in functions] == [0, 1, 2, 3]
    assert len(app._sync) == 2


def test_an_unhashable_callable_is_not_kept(app):
    class Unhashable(list):
        def __call__(self):
            return "ok"

    app._sync.clear()
    assert app.ensure_sync(Unhashable())() == "ok"
    assert app._sync == {}


def _flask_url_for(app, endpoint, **values):
    from flask import Flask

    return Flask.url_for(app, endpoint, **values)


def test_links_are_the_same_as_flasks_and_kept(app):
    cases = [("elearning.piece", {"piece_id": 7}), ("elearning.piece", {"piece_id": 8}),
             ("elearning.search", {"q": "air bersih", "provinsi": 3}), ("elearning.search", {}),
             ("static", {"filename": "css/portal.css"}), ("auth.login", {"next": "/tulisan/?a=1&b=2"})]
    with app.test_request_context("/elearning/"):
        from flask import url_for

        app._urls.clear()
        first = [url_for(endpoint, **values) for endpoint, values in cases]
        assert first == [_flask_url_for(app, endpoint, **values) for endpoint, values in cases]
        assert len(app._urls) == len(cases)
        assert [url_for(endpoint, **values) for endpoint, values in cases] == first
        # a blueprint-relative endpoint is the request's blueprint's
        assert url_for(".piece", piece_id=7) == first[0]
        # external links, anchors, schemes and methods are Flask's own, not kept
        kept = len(app._urls)
        assert url_for("elearning.piece", piece_id=7, _external=True) == "http://localhost/elearning/tulisan/7"
        assert url_for("elearning.piece", piece_id=7, _anchor="komentar") == "/elearning/tulisan/7#komentar"
        assert len(app._urls) == kept
        # a repeated query argument (a list) is built, not kept
        assert url_for("elearning.search", q=["a", "b"]) == "/elearning/cari?q=a&q=b"
        # a link that cannot be built still fails, and is not kept
        with pytest.raises(BuildError):
            url_for("elearning.piece")
        assert len(app._urls) == kept
    with app.test_request_context("/elearning/", base_url="http://localhost/portal/"):  # mounted under /portal
        assert url_for("elearning.piece", piece_id=7) == "/portal/elearning/tulisan/7"
        assert _flask_url_for(app, "elearning.piece", piece_id=7) == "/portal/elearning/tulisan/7"


def test_links_kept_start_afresh_past_the_bound(app, monkeypatch):
    monkeypatch.setattr(app, "_URLS_KEPT", 3)
    with app.test_request_context("/"):
        from flask import url_for

        app._urls.clear()
        links = [url_for("elearning.piece", piece_id=i) for i in range(1, 6)]
        assert links == [f"/elearning/tulisan/{i}" for i in range(1, 6)]
        assert len(app._urls) <= 3
