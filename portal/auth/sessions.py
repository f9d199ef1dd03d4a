"""Flask-Login wiring. The session carries ``"<id>:<session_version>"``; bumping the version ends sessions."""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from portal.auth.identity import SignedIn, signed_in
from portal.notifications.operations import keep_unread_count


def load_user(user_key: str) -> SignedIn | None:
    """The person a session cookie names, read as rows (``portal.auth.identity``); None when the account is gone,
    disabled or its sessions were ended since (the version in the cookie is older)."""
    try:
        user_id, version = (int(x) for x in user_key.split(":"))
    except ValueError:
        return None
    found = signed_in(user_id)
    if found is None:
        return None
    user, unread = found
    if not user.active or user.session_version != version:
        return None
    if has_request_context():
        keep_unread_count(user.id, unread)
    return user


def forget_cached_user() -> None:
    """Drop Flask-Login's per-context user cache at the start of each request.

    Each production request has its own application context, so this changes nothing there; it keeps a
    long-lived context (tests, CLI tasks that issue requests) from carrying one request's user into the next.
    """
    g.pop("_login_user", None)


def configure_login_manager(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.login_view = "auth.login"
    manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
