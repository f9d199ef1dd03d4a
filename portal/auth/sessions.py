"""Flask-Login wiring. The session carries ``"<id>:<session_version>"``; bumping the version ends sessions."""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.mail import Notification
from portal.models.org import City, Team
from portal.models.people import RoleAssignment, User
from portal.notifications.operations import keep_unread_count

# Every signed-in request needs the user and their roles; a writer's pages also need the team's city and
# province (time zone, deadlines). One statement instead of four: each round trip to PostgreSQL costs the
# worker more than the joins cost the server.
_USER_WITH_SCOPES = (
    joinedload(User.roles).joinedload(RoleAssignment.team).joinedload(Team.city).joinedload(City.province),
    joinedload(User.roles).joinedload(RoleAssignment.city).joinedload(City.province),
)

# The header of every signed-in page shows the unread notifications: counted in the same statement (a scalar
# subquery on their index), and kept for the request as ``portal.notifications.operations.unread_count`` would keep
# it. The statement is built once: SQLAlchemy then reuses its cache key instead of walking the eager-load options
# at every request (about a third of the ORM's work for this statement).
_UNREAD = (select(func.count(Notification.id))
           .where(Notification.user_id == User.id, Notification.read_at.is_(None))
           .correlate(User).scalar_subquery())
_LOAD_USER = select(User, _UNREAD).options(*_USER_WITH_SCOPES).where(User.id == bindparam("user_id"))


def load_user(user_key: str) -> User | None:
    try:
        user_id, version = (int(x) for x in user_key.split(":"))
    except ValueError:
        return None
    row = db.session.execute(_LOAD_USER, {"user_id": user_id}).unique().one_or_none()
    if row is None:
        return None
    user, unread = row
    if not user.active or user.session_version != version:
        return None
    if has_request_context():
        keep_unread_count(user.id, unread or 0)
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
