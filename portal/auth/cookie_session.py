"""Flask's signed-cookie sessions, without repeating per request what only changes with the cookie.

Flask's ``SecureCookieSessionInterface`` builds a new ``itsdangerous`` serializer for every request and checks the
cookie's signature (HMAC) and decodes it (base64, zlib, tagged JSON) every time, though a browser sends the same
cookie on request after request until the session changes: about a tenth of what a signed-in request costs before
its view runs. Here, per worker:

- the serializer is built once per set of secret keys (``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``);
- a cookie whose signature was checked is remembered (at most ``VERIFIED_COOKIES`` of them, the oldest forgotten
  first) with the time it was signed and its data. The same cookie again is looked up by its exact value: its age
  is checked against the session lifetime as ``itsdangerous`` checks it, and each request gets a deep copy of the
  data of its own, so a request that changes its session changes nothing for the next. Any other value, a changed one, one signed
  with another key: checked in full, as Flask does.

Nothing else changes: the cookie's form, its signature, what is stored in it and when it is written.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from copy import deepcopy

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

VERIFIED_COOKIES = 4096


class CookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self, capacity: int = VERIFIED_COOKIES) -> None:
        self._serializers: dict[tuple, object] = {}
        self._verified: OrderedDict[tuple, tuple[int, dict]] = OrderedDict()
        self._capacity = capacity

    def _keys(self, app) -> tuple:
        return (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))

    def get_signing_serializer(self, app):
        return self._serializer(app, self._keys(app))

    def _serializer(self, app, keys: tuple):
        if not app.secret_key:
            return None
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        keys = self._keys(app)
        serializer = self._serializer(app, keys)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (keys, value)
        known = self._verified.get(key)
        if known is None:
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:  # also an expired one (SignatureExpired)
                return self.session_class()
            self._remember(key, int(signed_at.timestamp()), deepcopy(data))
            return self.session_class(data)
        signed_at, data = known
        age = int(time.time()) - signed_at
        if age > max_age or age < 0:  # as itsdangerous: too old, or signed "in the future"
            self._verified.pop(key, None)
            return self.session_class()
        return self.session_class(deepcopy(data))

    def _remember(self, key: tuple, signed_at: int, data: dict) -> None:
        self._verified[key] = (signed_at, data)
        if len(self._verified) > self._capacity:
            self._verified.popitem(last=False)

