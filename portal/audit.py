"""The audit log: one call records who did what, from where."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from portal.extensions import db
from portal.models.people import AuditLog


def record(action: str, target: str = "", detail: str = "", user_id: int | None = None) -> AuditLog:
    """Add an audit entry to the current transaction (the caller commits)."""
    if user_id is None and has_request_context() and getattr(current_user, "is_authenticated", False):
        user_id = current_user.id
    ip = request.remote_addr or "" if has_request_context() else ""
    entry = AuditLog(action=action, target=target[:200], detail=detail, ip=ip, user_id=user_id)
    db.session.add(entry)
    return entry


def record_now(action: str, target: str = "", detail: str = "", user_id: int | None = None) -> None:
    """Record in its own transaction (for refusals, where the request's work is rolled back)."""
    try:
        db.session.rollback()
        record(action, target, detail, user_id)
        db.session.commit()
    except Exception:  # an audit failure must never hide the original answer
        db.session.rollback()
