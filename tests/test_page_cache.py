"""The server-side cache of public pages (portal/page_cache.py).

Anonymous readers get a stored copy until something public changes; signed-in users, readers with a session
and responses that set a cookie never touch it; a commit in another process (another gunicorn worker, a shell
command) is seen at once through the shared generation; Redis works as shared storage.
"""
from __future__ import annotations

import time
import uuid
from contextlib import nullcontext

import pytest
from browser_support import redis_url
from cachelib import SimpleCache

from portal import create_app
from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import Score
from portal.page_cache import (
    GENERATION_KEY,
    HEADER,
    CacheUnavailable,
    DiskPageStore,
    PageCache,
    page_cache,
)
from tests.builders_elearning import add_comment, make_published

PUBLIC_URLS = ["/elearning/", "/elearning/nasional", "/elearning/provinsi", "/elearning/penghargaan",
               "/elearning/cari?q=sampah", "/elearning/feed/nasional.atom", "/elearning/produk-pengetahuan"]


@pytest.fixture
def world(make_tree, make_piece):
    tree = make_tree()
    national = make_published(make_piece, tree.team["semarang-TF01"], "national", title="Bank sampah Semarang")
    return {"tree": tree, "national": national}


def anonymous(app):
    return app.test_client()


def body(response) -> str:
    return response.get_data(as_text=True)


def test_second_anonymous_request_is_served_from_the_cache(app, world):
    urls = PUBLIC_URLS + [f"/elearning/tulisan/{world['national'].id}"]
    for url in urls:
        first = anonymous(app).get(url)
        assert first.status_code == 200, url
        assert first.headers[HEADER] == "miss", url
        assert "Set-Cookie" not in first.headers, url
        second = anonymous(app).get(url)
        assert second.headers[HEADER] == "hit", url
        assert second.get_data() == first.get_data(), url
        assert second.headers["ETag"] == first.headers["ETag"], url
        assert second.headers["Content-Type"] == first.headers["Content-Type"], url
        assert second.headers["Cache-Control"] == first.headers["Cache-Control"], url
        # Security headers are added to the stored copy as to any response.
        assert "frame-ancestors 'none'" in second.headers["Content-Security-Policy"], url
        assert second.headers["X-Content-Type-Options"] == "nosniff", url


def test_hit_answers_304_to_a_browser_that_has_the_page(app, world):
    first = anonymous(app).get("/elearning/")
    again = anonymous(app).get("/elearning/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers[HEADER] == "hit"


def test_query_strings_are_cached_apart(app, world):
    anonymous(app).get("/elearning/cari?q=sampah")
    other = anonymous(app).get("/elearning/cari?q=kopi")
    assert other.headers[HEADER] == "miss"
    assert "Bank sampah Semarang" not in body(other)


def test_publication_empties_the_cache(app, world, make_piece):
    assert anonymous(app).get("/elearning/").headers[HEADER] == "miss"
    assert anonymous(app).get("/elearning/").headers[HEADER] == "hit"
    make_published(make_piece, world["tree"].team["makassar-TF01"], "province", title="Posyandu Makassar")
    after = anonymous(app).get("/elearning/")
    assert after.headers[HEADER] == "miss"
    assert "Posyandu Makassar" in body(after)


def test_a_comment_posted_through_the_page_shows_to_readers_at_once(app, world, make_user, login):
    url = f"/elearning/tulisan/{world['national'].id}"
    anonymous(app).get(url)
    assert anonymous(app).get(url).headers[HEADER] == "hit"
    reader = make_user(Role.READER, name="Bu Ratna Pembaca")
    writer_client = login(reader, c=app.test_client())
    posted = writer_client.post(f"{url}/komentar", data={"kind": "comment", "body": "Terima kasih, sangat berguna"})
    assert posted.status_code == 302
    after = anonymous(app).get(url)
    assert after.headers[HEADER] == "miss"
    assert "Terima kasih, sangat berguna" in body(after) and "Bu Ratna Pembaca" in body(after)


def test_hiding_a_comment_empties_the_cache(app, world, make_user):
    url = f"/elearning/tulisan/{world['national'].id}"
    comment = add_comment(world["national"], make_user(Role.READER), "Iklan obat kuat murah sekali")
    assert "Iklan obat kuat" in body(anonymous(app).get(url))
    comment.hidden, comment.hidden_reason = True, "spam"
    db.session.commit()
    assert "Iklan obat kuat" not in body(anonymous(app).get(url))


def test_renaming_a_commenter_empties_the_cache_but_a_login_does_not(app, world, make_user, login):
    url = f"/elearning/tulisan/{world['national'].id}"
    reader = make_user(Role.READER, name="Pak Budi")
    add_comment(world["national"], reader, "Bagus sekali")
    anonymous(app).get(url)
    login(reader, c=app.test_client())  # writes last_login_at and the audit log: nothing public
    assert anonymous(app).get(url).headers[HEADER] == "hit"
    reader.name = "Pak Budi Santoso"
    db.session.commit()
    after = anonymous(app).get(url)
    assert after.headers[HEADER] == "miss" and "Pak Budi Santoso" in body(after)


def test_private_work_does_not_empty_the_cache(app, world, make_piece):
    """Drafts being written and scores being given happen all month long; they show on no public page."""
    anonymous(app).get("/elearning/")
    draft = make_piece(world["tree"].team["semarang-TF02"], status="draft", title="Draf")
    draft.body_md += " Tambahan kalimat."
    db.session.commit()
    assert anonymous(app).get("/elearning/").headers[HEADER] == "hit"


def test_a_rolled_back_change_does_not_empty_the_cache(app, world):
    anonymous(app).get("/elearning/")
    world["national"].title = "Judul yang tidak jadi"
    db.session.flush()
    db.session.rollback()
    assert anonymous(app).get("/elearning/").headers[HEADER] == "hit"


def test_bulk_update_of_public_rows_empties_the_cache(app, world):
    from sqlalchemy import update

    from portal.models.pieces import Piece

    anonymous(app).get("/elearning/")
    db.session.execute(update(Piece).where(Piece.id == world["national"].id).values(title="Judul baru sekali"))
    db.session.commit()
    after = anonymous(app).get("/elearning/")
    assert after.headers[HEADER] == "miss" and "Judul baru sekali" in body(after)


def test_bulk_update_of_private_rows_keeps_the_cache(app, world):
    from sqlalchemy import update

    anonymous(app).get("/elearning/")
    db.session.execute(update(Score).where(Score.id == -1).values(score=5))
    db.session.commit()
    assert anonymous(app).get("/elearning/").headers[HEADER] == "hit"


def test_signed_in_users_never_get_or_fill_the_cache(app, world, make_user, login):
    anonymous(app).get("/elearning/")
    reader = make_user(Role.READER, name="Ibu Sari Pembaca")
    c = login(reader, c=app.test_client())
    page = c.get("/elearning/")
    assert HEADER not in page.headers
    assert 'href="/notifikasi"' in body(page)  # their own menu
    assert page.headers["Cache-Control"] == "private, no-store"
    # ... and what they saw was not stored for the next reader.
    assert "/notifikasi" not in body(anonymous(app).get("/elearning/"))


def test_a_reader_with_a_session_gets_a_fresh_page(app, world):
    """The language choice lives in the session: such a reader must not get the Indonesian copy."""
    anonymous(app).get("/elearning/")
    c = app.test_client()
    c.get("/akun/bahasa/en")
    page = c.get("/elearning/")
    assert HEADER not in page.headers
    assert '<html lang="en"' in body(page)


def test_a_session_cookie_from_elsewhere_bypasses_the_cache(app, world):
    anonymous(app).get("/elearning/")
    c = app.test_client()
    c.set_cookie("session", "anything")
    assert HEADER not in c.get("/elearning/").headers


def test_piece_page_sets_no_cookie_for_readers(app, world):
    """The comment forms are only built for signed-in users, so a reader gets no CSRF session."""
    page = anonymous(app).get(f"/elearning/tulisan/{world['national'].id}")
    assert "Set-Cookie" not in page.headers
    assert "csrf_token" not in body(page)


def test_not_found_is_not_cached(app, world):
    first = anonymous(app).get("/elearning/tulisan/999999")
    assert first.status_code == 404 and HEADER not in first.headers


@pytest.fixture
def uncached(app_config):
    app_config["PAGE_CACHE"] = "none"


def test_cache_can_be_turned_off(uncached, app, world):
    assert HEADER not in anonymous(app).get("/elearning/").headers
    assert HEADER not in anonymous(app).get("/elearning/").headers


@pytest.fixture
def redis_down(app_config):
    app_config["PAGE_CACHE"] = "redis://127.0.0.1:1/0"  # nothing listens there


def test_pages_and_commits_work_while_the_cache_storage_is_down(redis_down, app, world, make_piece):
    """Redis unreachable: readers still get every page (rendered each time), and changes still commit."""
    for _ in range(2):
        page = anonymous(app).get("/elearning/")
        assert page.status_code == 200 and HEADER not in page.headers
        assert "Bank sampah Semarang" in body(page)
    make_published(make_piece, world["tree"].team["makassar-TF01"], "province", title="Posyandu Makassar")
    assert "Posyandu Makassar" in body(anonymous(app).get("/elearning/"))


def test_unknown_cache_setting_is_refused(app_config):
    with pytest.raises(ValueError, match="PAGE_CACHE"):
        create_app(dict(app_config, PAGE_CACHE="memcached://x"))


def _second_worker(app_config, **settings):
    """Another app on the same database and cache storage, as a second gunicorn worker or a shell command."""
    return create_app(dict(app_config, **settings))


@pytest.mark.parametrize("storage", ["filesystem", "redis"])
def test_a_commit_in_another_process_is_seen_at_once(app_config, tmp_path, make_tree, make_piece, storage):
    with redis_url() if storage == "redis" else nullcontext() as redis:
        settings = ({"PAGE_CACHE": redis} if redis else
                    {"PAGE_CACHE": "filesystem", "PAGE_CACHE_DIR": str(tmp_path / "pages")})
        reader_app = _second_worker(app_config, **settings)
        writer_app = _second_worker(app_config, **settings)
        prefix = f"bp-portal-test-{uuid.uuid4().hex}:"  # a key space of its own on a shared Redis
        for a in (reader_app, writer_app):
            if redis:
                a.extensions["page_cache"].backend.key_prefix = prefix
        tree = make_tree()
        make_published(make_piece, tree.team["semarang-TF01"], "national", title="Bank sampah Semarang")
        with reader_app.app_context():
            assert reader_app.test_client().get("/elearning/").headers[HEADER] == "miss"
            assert reader_app.test_client().get("/elearning/").headers[HEADER] == "hit"
        with writer_app.app_context():
            from portal.models.pieces import Piece

            piece = db.session.scalar(db.select(Piece).where(Piece.title == "Bank sampah Semarang"))
            piece.title = "Bank sampah Kota Semarang"
            db.session.commit()
            db.session.remove()
        with reader_app.app_context():
            after = reader_app.test_client().get("/elearning/")
            assert after.headers[HEADER] == "miss"
            assert "Bank sampah Kota Semarang" in body(after)
            assert page_cache().backend.get(GENERATION_KEY)
            db.session.remove()
        for a in (reader_app, writer_app):
            with a.app_context():
                db.engine.dispose()


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
def clock(monkeypatch):
    """time.monotonic() of portal.page_cache and portal.kept, moved on by hand."""
    now = [1000.0]
    for module in ("portal.page_cache", "portal.kept"):
        monkeypatch.setattr(f"{module}.time.monotonic", lambda: now[0])
    return now


def test_a_failed_storage_is_left_alone_for_a_while(clock):
    storage = FlakyStorage()
    cache = PageCache(storage, 300)
    storage.down = True
    with pytest.raises(CacheUnavailable):
        cache.generation()
    assert storage.calls == 1
    for _ in range(5):  # every request of the next seconds: no wait on the storage
        with pytest.raises(CacheUnavailable):
            cache.generation()
    assert storage.calls == 1
    storage.down = False
    clock[0] += PageCache.RETRY_SECONDS
    assert cache.generation() and storage.calls > 1


def test_an_invalidation_the_storage_missed_is_made_when_it_answers_again(clock):
    storage = FlakyStorage()
    cache = PageCache(storage, 300)
    before = cache.generation()
    storage.down = True
    with pytest.raises(CacheUnavailable):
        cache.invalidate()  # a public change was committed during the outage
    storage.down = False
    clock[0] += PageCache.RETRY_SECONDS
    after = cache.generation()
    assert after != before
    assert cache.generation() == after  # made once, not at every call


def test_the_disk_store_keeps_a_page_until_it_expires_and_the_generation_for_good(tmp_path):
    store = DiskPageStore(str(tmp_path), size_limit=2**20, default_timeout=300)
    store.set(GENERATION_KEY, "g1", timeout=0)  # never expires
    store.set("short-lived", "x", timeout=1)
    store.set("page", "p")  # the default lifetime
    assert store.add(GENERATION_KEY, "g2", timeout=0) is False  # another worker's generation is kept
    assert store.add("other", "o", timeout=0) is True
    time.sleep(1.2)
    assert store.get("short-lived") is None
    assert (store.get("page"), store.get(GENERATION_KEY), store.get("other")) == ("p", "g1", "o")
    assert store.has("page") and store.delete("page") and not store.has("page")


def test_the_disk_store_is_kept_to_its_size_and_writes_no_file_per_page(tmp_path):
    store = DiskPageStore(str(tmp_path), size_limit=2**20)
    pages = [bytes([i]) * 2**16 for i in range(60)]  # 3.75 MiB of 64 KiB pages into 1 MiB
    for i, page in enumerate(pages):
        store.set(f"page{i}", page, timeout=300)
    assert store.get("page59") == pages[59]  # the latest stay
    assert store.get("page0") is None  # those stored longest ago went
    assert store.store.volume() < 2 * 2**20
    # Every page is a row of the one database: creating a file per page is what this store is for avoiding.
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.startswith("cache.db")) == []
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]


def test_a_damaged_disk_store_counts_as_down_and_pages_are_rendered(app_config, tmp_path, world):
    app = create_app(dict(app_config, PAGE_CACHE="filesystem", PAGE_CACHE_DIR=str(tmp_path / "pages")))
    with app.app_context():
        client = app.test_client()
        assert client.get("/elearning/").headers[HEADER] == "miss"
        assert client.get("/elearning/").headers[HEADER] == "hit"
        page_cache().backend.store.close()
        (tmp_path / "pages" / "cache.db").write_bytes(b"not a database\n" * 1000)
        with pytest.raises(CacheUnavailable):
            page_cache().load_page("any")
        again = client.get("/elearning/")
        assert again.status_code == 200 and "Bank sampah Semarang" in body(again)
        assert HEADER not in again.headers or again.headers[HEADER] != "hit"
        db.session.remove()
        db.engine.dispose()


def test_kept_copies_are_rebuilt_after_the_public_cache_lifetime(app, clock):
    from portal.kept import Kept

    kept, builds = Kept(4), []

    def build():
        builds.append(1)
        return f"copy {len(builds)}"

    assert kept.get(("x",), build) == "copy 1"
    assert kept.get(("x",), build) == "copy 1"
    clock[0] += app.config["PUBLIC_CACHE_SECONDS"]
    assert kept.get(("x",), build) == "copy 2"


def test_a_disk_store_that_cannot_be_opened_leaves_the_portal_running(app_config, tmp_path, world):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    app = create_app(dict(app_config, PAGE_CACHE="filesystem", PAGE_CACHE_DIR=str(blocked)))
    with app.app_context():
        with pytest.raises(CacheUnavailable):
            page_cache().generation()
        page = app.test_client().get("/elearning/")
        assert page.status_code == 200 and "Bank sampah Semarang" in body(page)
        db.session.remove()
        db.engine.dispose()
