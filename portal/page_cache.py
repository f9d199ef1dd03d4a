"""Server-side cache of the public reading pages, for anonymous readers.

Most visitors of the e-learning pages are not signed in, and they all see the same page. A view decorated with
:func:`public_page` is rendered once and then served from the cache to every request that carries no session or
remember-me cookie, until the content behind it changes or ``PUBLIC_CACHE_SECONDS`` pass (the same freshness the
pages already promise browsers with ``Cache-Control: public, max-age``). Signed-in users, or anyone with a
session (a flash message, a chosen language), always get a freshly rendered page.

Only responses that :func:`portal.elearning.web.cached` marked public are stored, and only when they set no
cookie, so nothing personal can ever be cached.

Reading and storing happen in front of Flask, in the WSGI layer of portal/wsgi_cache.py: a hit never enters
Flask. On a miss that layer lets Flask render; :func:`public_page` tells it whether the response may be stored.

Invalidation: the cache keys carry a *generation*. Every committed database change that can show on a public
page stores a new generation once the transaction commits, which makes every older entry unreachable at once;
they expire by themselves. The operations announce their public changes (``portal.signals``, subscribed to
:func:`mark_public_change` in portal/subscribers.py); a write that no operation announced (a shell command, a
bulk fix) is recognised at flush (:func:`_is_public_change`). The generation lives in the same storage as the
pages, so every gunicorn worker (and a command run from the shell) sees it.

Storage (``PAGE_CACHE``): ``"filesystem"`` (default; a diskcache SQLite database in ``instance/page_cache``,
shared by the workers of one server, see :class:`DiskPageStore`), a ``redis://`` URL (shared by several
servers), ``"simple"`` (one process: tests) or ``"none"``.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import sqlite3
import time
import uuid
from pathlib import Path

import diskcache
import redis
from cachelib import BaseCache, RedisCache, SimpleCache
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request, session
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models.jobs import Job
from portal.models.mail import MailDigest, MailPreference, Notification, OutboxMessage
from portal.models.people import AuditLog, PasswordToken, RoleAssignment, User
from portal.models.pieces import Extension, MediaFile, Photo, Piece
from portal.models.reviews import PanelMember, Recusal, Score, ScoreChange, ScoreSheet

log = logging.getLogger(__name__)

EXTENSION = "page_cache"
GENERATION_KEY = "generation"
HEADER = "X-Page-Cache"  # "hit" or "miss": lets an operator (and the tests) see the cache at work
# Set in the WSGI environ by portal/wsgi_cache.py on a miss (the key the page goes under), and by public_page
# when the response may be stored.
KEY_ENVIRON = "portal.page_cache.key"
STORABLE_ENVIRON = "portal.page_cache.storable"

# Rows that never appear on a public page: writing them leaves the cached pages valid. Photos and media files
# belong to drafts while they can change (a submitted piece is locked), so uploads do not empty the cache.
PRIVATE_MODELS = (AuditLog, Notification, PasswordToken, RoleAssignment, Extension, MediaFile, Photo, PanelMember,
                  Recusal, Score, ScoreChange, ScoreSheet, Job, OutboxMessage, MailPreference, MailDigest)
# Of a user, only the name and position show publicly (as a comment's author).
USER_PUBLIC_ATTRIBUTES = ("name", "position")
_FLAG = "page_cache_public_change"
_GENERATION_READ = "_page_cache_generation"  # on flask.g: see content_generation


# What a storage raises when it cannot answer: the disk (full, unwritable), SQLite (a damaged database, a lock not
# released within diskcache's timeout), Redis (down, unreachable).
STORAGE_ERRORS = (OSError, sqlite3.Error, diskcache.Timeout, RedisError)


class CacheUnavailable(Exception):
    """The storage did not answer (Redis down, disk full): the page is rendered as if nothing were cached."""


def _guarded(method):
    """A storage failure must never cost a reader the page: log it and carry on without the cache.

    After a failure the storage is left alone for ``RETRY_SECONDS`` (a circuit breaker): an unreachable Redis
    answers only after its timeout, which every request would otherwise pay, signed-in ones included (their
    per-worker copies read the generation, see portal/kept.py)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            raise CacheUnavailable("the storage failed a moment ago")
        try:
            return method(self, *args, **kwargs)
        except STORAGE_ERRORS as exc:
            self._down_until = time.monotonic() + self.RETRY_SECONDS
            log.warning("page cache unavailable for %d s: %s", self.RETRY_SECONDS, exc)
            raise CacheUnavailable from exc

    return wrapper


class PageCache:
    RETRY_SECONDS = 10

    def __init__(self, backend: BaseCache, timeout: int):
        self.backend = backend
        self.timeout = timeout
        self._down_until = 0.0  # time.monotonic() before which the storage is not asked
        # An invalidation the storage did not take: made before anything else once it answers again, so that no
        # stored page or kept copy outlives a change committed during the outage.
        self._invalidation_pending = False

    def _catch_up(self) -> None:
        if self._invalidation_pending:
            self.backend.set(GENERATION_KEY, uuid.uuid4().hex, timeout=0)
            self._invalidation_pending = False

    @_guarded
    def generation(self) -> str:
        self._catch_up()
        current = self.backend.get(GENERATION_KEY)
        if current is None:
            current = uuid.uuid4().hex
            # add(): if two workers race to create it, both end up using the one that was stored first.
            if not self.backend.add(GENERATION_KEY, current, timeout=0):
                current = self.backend.get(GENERATION_KEY) or current
        return current

    def invalidate(self) -> None:
        """Make every cached page stale (called after a commit that changed public content)."""
        if has_app_context():
            g.pop(_GENERATION_READ, None)  # this request's snapshot of the generation (content_generation)
        self._invalidation_pending = True
        self._store_invalidation()

    @_guarded
    def _store_invalidation(self) -> None:
        self._catch_up()

    @staticmethod
    def key(generation: str, url: str) -> str:
        # "page2": the layout of portal.wsgi_cache.StoredPage; entries of another layout (an older server on the
        # same Redis during a deployment) are never read.
        return f"page2:{generation}:{hashlib.sha256(url.encode()).hexdigest()}"

    @_guarded
    def load_page(self, key: str):
        """The stored page (a ``portal.wsgi_cache.StoredPage``) or None."""
        self._catch_up()
        return self.backend.get(key)

    @_guarded
    def store_page(self, key: str, page) -> None:
        self._catch_up()
        self.backend.set(key, page, timeout=self.timeout)


class DiskPageStore(BaseCache):
    """cachelib's interface over diskcache: the pages of one server in one SQLite database under
    ``instance/page_cache``, shared by its workers and by the commands run on it.

    cachelib's file-system cache, used before, wrote a new file for every page stored; creating a file cost half a
    millisecond of CPU on the servers measured, and under load storing took a third of a piece page's first
    rendering (benchmarks/README.md, ninth round). diskcache writes a row. The store is bounded in bytes
    (``PAGE_CACHE_SIZE_MB``): beyond it, the entries stored longest ago go first; expired entries are removed a few
    at each store. Pages live ``PUBLIC_CACHE_SECONDS``, so the bound is reached only when more pages than it holds
    are stored within that time (a crawler); the generation may then go too, which only makes every page be
    rendered anew (the next request stores a new one)."""

    def __init__(self, directory: str, size_limit: int, default_timeout: int = 300):
        super().__init__(default_timeout=default_timeout)
        self.directory = directory
        self.size_limit = size_limit
        self._store: diskcache.Cache | None = None

    @property
    def store(self) -> diskcache.Cache:
        """Opened at first use, in the process that uses it: a storage that cannot be opened (a full disk, an
        unwritable instance folder) is a storage that is down, not a portal that does not start; and gunicorn
        forks its workers after the app is made, while a SQLite connection must not cross a fork."""
        if self._store is None:
            # Every page a row of the database (diskcache writes values above disk_min_file_size to files of their
            # own); a writer waits at most 2 s for another's lock before the storage counts as down.
            self._store = diskcache.Cache(self.directory, size_limit=self.size_limit, disk_min_file_size=2**26,
                                          timeout=2, eviction_policy="least-recently-stored")
        return self._store

    def _expire(self, timeout: int | None) -> int | None:
        timeout = self._normalize_timeout(timeout)
        return None if timeout == 0 else timeout  # cachelib's 0: never expires

    def get(self, key):
        return self.store.get(key)

    def set(self, key, value, timeout=None) -> bool:
        return self.store.set(key, value, expire=self._expire(timeout))

    def add(self, key, value, timeout=None) -> bool:
        return self.store.add(key, value, expire=self._expire(timeout))

    def delete(self, key) -> bool:
        return self.store.delete(key)

    def has(self, key) -> bool:
        return key in self.store

    def clear(self) -> bool:
        self.store.clear()
        return True


def make_backend(app: Flask) -> BaseCache | None:
    setting = str(app.config.get("PAGE_CACHE") or "filesystem")
    if setting == "none":
        return None
    if setting == "simple":
        return SimpleCache(threshold=app.config["PAGE_CACHE_THRESHOLD"])
    if setting.startswith(("redis://", "rediss://", "unix://")):
        client = redis.Redis.from_url(setting, socket_connect_timeout=0.5, socket_timeout=0.5)
        return RedisCache(host=client, key_prefix="bp-portal:")
    if setting == "filesystem":
        directory = app.config.get("PAGE_CACHE_DIR") or str(Path(app.instance_path) / "page_cache")
        return DiskPageStore(directory, size_limit=int(app.config["PAGE_CACHE_SIZE_MB"]) * 2**20)
    raise ValueError(f"PAGE_CACHE: unknown setting {setting!r} (filesystem, simple, none or a redis:// URL)")


def init_app(app: Flask) -> None:
    backend = make_backend(app)
    app.extensions[EXTENSION] = PageCache(backend, int(app.config["PUBLIC_CACHE_SECONDS"])) if backend else None
    app.before_request(forget_generation_read)


def page_cache() -> PageCache | None:
    return current_app.extensions.get(EXTENSION) if has_app_context() else None


def content_generation() -> str | None:
    """The current generation (it moves on with every committed public change), or None without a cache.
    Other per-worker caches of what public pages show can key on it.

    Read once per request (a page asks for it for each kept part it shows: one file read, or one Redis round trip,
    each time), as a snapshot taken when the request first needs it; a public change this request commits drops
    it (:meth:`PageCache.invalidate`), so what the request shows after its own change is built anew."""
    cache = page_cache()
    if cache is None:
        return None
    in_request = has_request_context()  # a command or a job may run long: it reads the generation each time
    if in_request and (read := g.get(_GENERATION_READ)) is not None:
        return read
    try:
        generation = cache.generation()
    except CacheUnavailable:
        return uuid.uuid4().hex  # unknown: a value nothing was stored under, so nothing stale is used
    if in_request:
        g.setdefault(_GENERATION_READ, generation)
    return generation


def forget_generation_read() -> None:
    """At the start of each request (see ``portal.auth.sessions.forget_cached_user``: a long-lived application
    context must not carry one request's snapshot of the generation into the next)."""
    g.pop(_GENERATION_READ, None)


def _anonymous_request() -> bool:
    """A GET/HEAD with no cookie that could make it personal (session, remember-me) and no credentials
    (portal/wsgi_cache.py asks the same of a request before it looks in the cache)."""
    if request.method not in ("GET", "HEAD") or request.authorization is not None:
        return False
    cookies = request.cookies
    config = current_app.config
    return config["SESSION_COOKIE_NAME"] not in cookies and config.get("REMEMBER_COOKIE_NAME", "remember_token") \
        not in cookies


def _storable(response: Response) -> bool:
    return (response.status_code == 200 and bool(response.cache_control.public)
            and "Set-Cookie" not in response.headers and not session.modified and not response.is_streamed)


def public_page(view):
    """A public view whose anonymous readers are served from the page cache (see the module docstring).

    The cache is read in front of Flask (portal/wsgi_cache.py), which finds these views by their ``public_page``
    mark. Here, on a miss it looked up: the rendered response is marked storable when it is public, complete and
    personal to no one; the cache layer stores it once Flask has added its last headers. ``Vary: Accept-Encoding``
    because the cache layer answers gzip to clients that accept it."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if page_cache() is None:
            return view(*args, **kwargs)
        response = current_app.make_response(view(*args, **kwargs))
        response.vary.add("Accept-Encoding")
        if KEY_ENVIRON in request.environ and _anonymous_request() and _storable(response):
            request.environ[STORABLE_ENVIRON] = True
        return response

    wrapper.public_page = True
    return wrapper


# Invalidation: note public changes (announced by the operations, or seen at flush), act on them once the
# transaction has committed. portal/subscribers.py connects these to the signals and the session events.

def mark_public_change(sender=None, **details) -> None:
    """Subscriber of the signals of public changes (``portal.signals``): the cache is emptied once the
    transaction that made the change commits, and not at all if it rolls back."""
    db.session.info[_FLAG] = True


def _is_public_change(obj, deleted: bool = False) -> bool:
    if isinstance(obj, PRIVATE_MODELS):
        return False
    state = inspect(obj)
    if isinstance(obj, Piece):
        history = state.attrs.published_at.history
        return obj.published_at is not None or any(v is not None for v in history.deleted)
    if isinstance(obj, User):
        return deleted or any(state.attrs[name].history.has_changes() for name in USER_PUBLIC_ATTRIBUTES)
    return True


def note_public_changes(session: Session, flush_context, instances) -> None:
    """Before each flush: a write that no operation announced (a shell command, a bulk fix) still counts when it
    changes anything a public page shows."""
    if session.info.get(_FLAG):
        return
    changed = [(o, False) for o in session.new] + [(o, True) for o in session.deleted] + [
        (o, False) for o in session.dirty if session.is_modified(o, include_collections=False)]
    if any(_is_public_change(obj, deleted) for obj, deleted in changed):
        session.info[_FLAG] = True


def note_bulk_changes(state) -> None:
    """``session.execute(update(...))`` / ``delete(...)`` bypass the flush: judge them by their table."""
    if not (state.is_update or state.is_delete) or state.session.info.get(_FLAG):
        return
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, PRIVATE_MODELS):
        state.session.info[_FLAG] = True


def invalidate_after_commit(session: Session) -> None:
    if session.info.pop(_FLAG, False):
        cache = page_cache()
        if cache is not None:
            try:
                cache.invalidate()
            except CacheUnavailable:  # the change is committed; cached pages catch up within their lifetime
                pass


def forget_at_transaction_end(session: Session, transaction) -> None:
    """A rolled-back transaction changed nothing (a committed one was handled just before)."""
    if transaction.parent is None:
        session.info.pop(_FLAG, None)


SESSION_EVENTS = (("before_flush", note_public_changes), ("do_orm_execute", note_bulk_changes),
                  ("after_commit", invalidate_after_commit), ("after_transaction_end", forget_at_transaction_end))


def listen() -> None:
    """Attach the session events above to every session (idempotent; called by portal/subscribers.py)."""
    for name, function in SESSION_EVENTS:
        if not event.contains(Session, name, function):
            event.listen(Session, name, function)
