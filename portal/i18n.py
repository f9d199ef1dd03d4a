"""Locale and time-zone selection: Indonesian by default, English on request."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
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
    try:
        return select_locale() if request else "id"
    except RuntimeError:
        return "id"
