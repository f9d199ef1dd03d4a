"""The public pages served from the page cache in front of Flask.

A cached public page used to cost a whole Flask request (request context, session, Flask-Login, Babel, the
before/after hooks) before the page cache was even read. :class:`CachedPages` is a WSGI layer around the Flask
application that answers an anonymous GET or HEAD for a public page (a view marked by
:func:`portal.page_cache.public_page`) straight from the cache: the status line and headers Flask sent when it
rendered the page, computed once, and the body stored twice, as sent and gzip-compressed. Everything else goes
to Flask untouched.

Who is served from the cache is decided exactly as the Flask side decides it (``_anonymous_request`` in
portal/page_cache.py): no session or remember-me cookie and no credentials. A request with a session (a signed-in
user, a chosen language, a flash message) always reaches Flask.

How a page gets into the cache: on a miss this layer notes the key in the WSGI environ and lets Flask render. The
view's :func:`~portal.page_cache.public_page` wrapper marks the response storable (public, 200, no cookie, the
session untouched); this layer then checks the final status and headers Flask sent (after every ``after_request``
hook and the session's save, so a ``Set-Cookie`` added at the very end still keeps the page out), stores the
page and answers the reader as a hit would (``X-Page-Cache: miss``).

Representations: ``Vary: Accept-Encoding`` (added by ``public_page``) besides the page's own ``Vary: Cookie``; a
client that accepts gzip gets the compressed body with ``Content-Encoding: gzip`` and its own ETag (the page's
ETag with ``-gzip``), anyone else the body Flask rendered, byte for byte, with Flask's ETag. ``If-None-Match``
answers 304 (``If-Match`` 412) as werkzeug's ``make_conditional`` does on the Flask path.

Invalidation and failures are the page cache's: the key carries the content generation, read from the shared
storage at every request, so a public change committed by any worker or command is seen at once; a storage that
does not answer trips the circuit breaker of :class:`~portal.page_cache.PageCache` and Flask renders the page.
"""
from __future__ import annotations

import gzip
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.http import (
    HTTP_STATUS_CODES,
    http_date,
    is_resource_modified,
    parse_cookie,
    parse_etags,
    remove_entity_headers,
)
from werkzeug.wsgi import get_path_info

from portal.page_cache import EXTENSION, HEADER, KEY_ENVIRON, STORABLE_ENVIRON, CacheUnavailable, PageCache

# Recomputed for every answer: never stored.
PER_ANSWER = {"date", "content-length", "etag", HEADER.lower()}
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")
# Paths whose endpoint each worker remembers (the URL map's answer for a path never changes once serving).
KNOWN_PATHS = 4096
# Pages each worker also keeps in memory (about 20-100 KB each, both encodings): a page under one key never
# changes (the key carries the content generation), so only its lifetime needs watching.
MEMORY_PAGES = 256


@dataclass(frozen=True)
class Representation:
    """One encoding of a page: its body, its ETag and the headers sent with it (Date and X-Page-Cache filled in
    at each answer)."""

    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class StoredPage:
    identity: Representation
    gzip: Representation
    stored_at: float  # time.time(): a copy kept in a worker's memory lives no longer than the stored one

    @classmethod
    def from_flask(cls, headers: list[tuple[str, str]], body: bytes) -> StoredPage:
        kept = [(name, value) for name, value in headers if name.lower() not in PER_ANSWER]
        etag = next(value for name, value in headers if name.lower() == "etag")
        compressed = gzip.compress(body, compresslevel=9, mtime=0)
        gzip_etag = etag[:-1] + '-gzip"' if etag.endswith('"') else etag + "-gzip"
        return cls(_representation(kept, body, etag),
                   _representation(kept + [("Content-Encoding", "gzip")], compressed, gzip_etag), time.time())


def _representation(headers: list[tuple[str, str]], body: bytes, etag: str) -> Representation:
    complete = headers + [("Content-Length", str(len(body))), ("ETag", etag)]
    return Representation(body, etag, tuple(complete))


def accepts_gzip(value: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip: named with a quality above 0, or not named and ``*``
    accepted (a named coding's quality wins over the wildcard, RFC 9110 12.5.3)."""
    if not value:
        return False
    value = value.lower()
    if "gzip" not in value and "*" not in value:
        return False
    wildcard = 0.0
    for item in value.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, number = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        if coding == "*":
            wildcard = quality
        else:
            return quality > 0
    return wildcard > 0


def request_url(environ) -> str:
    """What the cache key names: scheme, host, path and query string as the server received them (ProxyFix,
    when installed, has already put the forwarded scheme and host in place). Cheaper than werkzeug's
    ``get_current_url``, which also re-quotes; only this layer makes keys, so they need only be consistent."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    return (f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('SCRIPT_NAME', '')}"
            f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}")


_date = [0, ""]


def _now_http_date() -> str:
    """The Date header, formatted once a second."""
    now = int(time.time())
    if _date[0] != now:
        _date[:] = [now, http_date(now)]
    return _date[1]


def _status(code: int) -> str:
    return f"{code} {HTTP_STATUS_CODES[code].upper()}"


class CachedPages:
    """WSGI middleware: anonymous GET/HEAD of public pages from the page cache, everything else to ``app``."""

    def __init__(self, wsgi_app, flask_app: Flask):
        self.app = wsgi_app
        self.flask_app = flask_app
        self._adapter = None
        self._public_endpoints: frozenset[str] = frozenset()
        self._memory: OrderedDict[str, StoredPage] = OrderedDict()
        self._paths: dict[str, bool] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        cache: PageCache | None = self.flask_app.extensions.get(EXTENSION)
        if cache is None or not self._candidate(environ):
            return self.app(environ, start_response)
        try:
            key = cache.key(cache.generation(), request_url(environ))
            stored = self._remembered(key, cache.timeout) or cache.load_page(key)
        except CacheUnavailable:  # Flask renders, as without a cache
            return self.app(environ, start_response)
        if isinstance(stored, StoredPage):
            self._remember(key, stored)
            return self.answer(stored, environ, start_response, "hit")
        environ[KEY_ENVIRON] = key
        return self._render(cache, key, environ, start_response)

    def _remembered(self, key: str, lifetime: int) -> StoredPage | None:
        with self._lock:
            page = self._memory.get(key)
            if page is None:
                return None
            if time.time() - page.stored_at >= lifetime:
                del self._memory[key]
                return None
            self._memory.move_to_end(key)
            return page

    def _remember(self, key: str, page: StoredPage) -> None:
        with self._lock:
            self._memory[key] = page
            self._memory.move_to_end(key)
            while len(self._memory) > MEMORY_PAGES:
                self._memory.popitem(last=False)

    def _candidate(self, environ) -> bool:
        """An anonymous GET/HEAD (no session, no remember-me cookie, no credentials) of a public page."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
            return False
        cookie = environ.get("HTTP_COOKIE")
        if cookie:
            config = self.flask_app.config
            names = parse_cookie(cookie)
            if config["SESSION_COOKIE_NAME"] in names or \
                    config.get("REMEMBER_COOKIE_NAME", "remember_token") in names:
                return False
        path = environ.get("PATH_INFO", "")
        public = self._paths.get(path)
        if public is None:
            public = self._endpoint(environ) in self._public_endpoints
            if len(self._paths) >= KNOWN_PATHS:
                self._paths.clear()
            self._paths[path] = public
        return public

    def _endpoint(self, environ) -> str | None:
        if self._adapter is None:  # at the first request: every blueprint is registered by then
            self._public_endpoints = frozenset(
                endpoint for endpoint, view in self.flask_app.view_functions.items()
                if getattr(view, "public_page", False))
            self._adapter = self.flask_app.url_map.bind("localhost")
        try:
            endpoint, _ = self._adapter.match(get_path_info(environ), method="GET")
        except HTTPException:  # not found, a redirect (trailing slash), another method: Flask answers
            return None
        return endpoint

    def _render(self, cache: PageCache, key: str, environ, start_response):
        """A miss: Flask renders; a response the view marked storable, and that ended up setting no cookie, is
        stored and answered from what was stored."""
        sent: list = []

        def capture(status, headers, exc_info=None):
            sent[:] = [status, headers, exc_info]
            return self._late_write(sent, start_response)

        body_iter = self.app(environ, capture)
        status, headers, exc_info = sent[:3]
        if len(sent) > 3:  # already passed on through write()
            return body_iter
        storable = (environ.get(STORABLE_ENVIRON) and environ["REQUEST_METHOD"] == "GET"
                    and status.startswith("200 ") and exc_info is None
                    and not any(name.lower() == "set-cookie" for name, _ in headers)
                    and any(name.lower() == "etag" for name, _ in headers))
        if not storable:
            start_response(status, headers, exc_info)
            return body_iter
        try:
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()
        page = StoredPage.from_flask(headers, body)
        try:
            cache.store_page(key, page)
            self._remember(key, page)
        except CacheUnavailable:
            pass  # answered all the same; the next reader renders again
        return self.answer(page, environ, start_response, "miss")

    @staticmethod
    def _late_write(sent: list, start_response):
        """The ``write`` callable of the WSGI spec (Flask does not use it): whoever writes this way gets the
        response passed on untouched."""
        writer = []

        def write(data: bytes) -> None:
            if not writer:
                writer.append(start_response(*sent))
                sent.append("written")
            writer[0](data)

        return write

    @staticmethod
    def answer(page: StoredPage, environ, start_response, state: str):
        chosen = page.gzip if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")) else page.identity
        headers = [*chosen.headers, ("Date", _now_http_date()), (HEADER, state)]
        if any(name in environ for name in CONDITIONAL) and not is_resource_modified(environ, chosen.etag):
            remove_entity_headers(headers)
            start_response(_status(412 if parse_etags(environ.get("HTTP_IF_MATCH")) else 304), headers)
            return []
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [chosen.body]


def install(app: Flask) -> None:
    """Put the cache layer in front of the Flask application (call before ProxyFix wraps it, so that the layer
    sees the scheme and host the proxy forwarded: they are part of the cache key). Nothing without a page cache
    (``PAGE_CACHE = "none"``)."""
    if app.extensions.get(EXTENSION) is not None:
        app.wsgi_app = CachedPages(app.wsgi_app, app)
