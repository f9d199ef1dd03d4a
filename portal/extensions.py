"""Extensions, created unbound; :func:`portal.create_app` binds them with ``init_app``."""
from __future__ import annotations

import logging
from functools import partial

from flask import Flask, request
from flask.logging import default_handler
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Requests that only read are never limited, and the limiter need not look for their limits. Every limit in the
# portal is on a POST (signing in, asking for a password reset, commenting); tests/test_security_signin_limits.py
# fails if a limit on any other method is added, which would need this filter changed.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def _reads_are_never_limited() -> bool:
    return request.method in SAFE_METHODS


def init_limiter(app: Flask) -> None:
    """Bind the limiter, and let its warnings (the storage fell back to memory) reach the server's log.

    Flask-Limiter logs to the ``flask-limiter`` logger, which holds only a ``NullHandler``: under gunicorn
    nothing configures the root logger, so a warning would vanish. Like Flask's own ``app.logger``, it gets
    Flask's default handler (the WSGI error stream, which gunicorn writes to its error log) unless the
    deployment configured logging itself.
    """
    limiter.init_app(app)
    _limiter_hooks_only_for_writes(app)
    if not _has_real_handler(limiter.logger):
        limiter.logger.addHandler(default_handler)


def _limiter_hooks_only_for_writes(app: Flask) -> None:
    """Run the limiter's request hooks only for requests it may limit.

    Flask-Limiter hooks into every request (before: find the route's limits; after: add the limit headers;
    teardown: forget its per-request state) and only then learns from the request filter above that a read is
    exempt: about 5 % of what a signed-in page costs before its view runs. Its decorated limits do not need the
    hooks (each decorated view checks its own limits when it is called), and the portal has no default or
    blueprint limits, which are what the before hook is for. So each of the three hooks is wrapped to do nothing
    for GET, HEAD and OPTIONS. ``tests/test_security_signin_limits.py`` checks the limits still hold and that a
    read never reaches the limiter.
    """
    def ours(hook) -> bool:
        return getattr(hook, "__self__", None) is limiter or (isinstance(hook, partial) and hook.args[:1] == (limiter,))

    def before(hook):
        return lambda: None if request.method in SAFE_METHODS else hook()

    def after(hook):
        return lambda response: response if request.method in SAFE_METHODS else hook(response)

    def teardown(hook):
        return lambda exc=None: None if request.method in SAFE_METHODS else hook(exc)

    for functions, wrap in ((app.before_request_funcs, before), (app.after_request_funcs, after),
                            (app.teardown_request_funcs, teardown)):
        hooks = functions.get(None, [])
        if sum(ours(hook) for hook in hooks) != (1 if limiter.enabled else 0):  # disabled: no hooks at all
            raise RuntimeError("Flask-Limiter's request hooks are not where portal.extensions expects them")
        functions[None] = [wrap(hook) if ours(hook) else hook for hook in hooks]


def _has_real_handler(log: logging.Logger) -> bool:
    current: logging.Logger | None = log
    while current is not None:
        if any(not isinstance(h, logging.NullHandler) for h in current.handlers):
            return True
        current = current.parent if current.propagate else None
    return False
