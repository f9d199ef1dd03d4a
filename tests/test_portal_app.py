"""``portal.Portal``: Flask with ``ensure_sync`` answered once per function."""
from __future__ import annotations

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
