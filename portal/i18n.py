"""Locale and time-zone selection: Indonesian by default, English on request."""
from __future__ import annotations

from flask import current_app, g, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    from portal.permissions import home_timezone

    if getattr(current_user, "is_authenticated", False):
        return home_timezone(current_user)
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_locale() -> str:
    """The request's language code; Flask-Babel chooses it once per request (templates ask for it often)."""
    if not has_request_context():
        return "id"
    locale = get_locale()
    return str(locale) if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def forget_cached_locale() -> None:
    """Drop Flask-Babel's per-context locale at the start of each request (see ``forget_cached_user``: a
    long-lived application context must not carry one request's language into the next)."""
    g.pop("_flask_babel", None)
