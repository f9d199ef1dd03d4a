"""The audit log: one call records who did what, from where.

Most events are one row each (``record``). Events that anyone can repeat by the thousand, a refused request or a
failed sign-in, are counted instead (``record_repeated``): one row per action, user (else address), target and
hour, whose ``occurrences`` each repeat adds one to. An afternoon of probing is then a handful of rows with their
counts, and the log stays readable and bounded.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Request, has_request_context, request
from flask_login import current_user
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models.people import AuditLog
from portal.timeutil import now_utc

# INSERT ... ON CONFLICT DO UPDATE, in the dialects the portal runs on.
_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _who_and_where(user_id: int | None) -> tuple[int | None, str]:
    if user_id is None and has_request_context() and getattr(current_user, "is_authenticated", False):
        user_id = current_user.id
    ip = request.remote_addr or "" if has_request_context() else ""
    return user_id, ip


def record(action: str, target: str = "", detail: str = "", user_id: int | None = None) -> AuditLog:
    """Add an audit entry to the current transaction (the caller commits)."""
    user_id, ip = _who_and_where(user_id)
    entry = AuditLog(action=action, target=target[:200], detail=detail, ip=ip, user_id=user_id)
    db.session.add(entry)
    return entry


def repeat_key(action: str, who: str, target: str, hour: str) -> str:
    return hashlib.sha256(f"{action}\x1f{who}\x1f{target}\x1f{hour}".encode()).hexdigest()


def record_repeated(action: str, target: str = "", detail: str = "", user_id: int | None = None) -> None:
    """Count an event in the row of its action, user (else address), target and hour, creating the row if needed.

    ``at`` stays the first time; ``last_at``, ``detail`` and ``ip`` become the latest. Part of the current
    transaction (the caller commits). One statement, an upsert on the row's unique key, so concurrent repeats (several
    workers, PostgreSQL) neither lose a count nor fail on the key.
    """
    user_id, ip = _who_and_where(user_id)
    now = now_utc()
    target = target[:200]
    who = f"user:{user_id}" if user_id is not None else f"address:{ip}"
    key = repeat_key(action, who, target, now.strftime("%Y-%m-%dT%H"))
    table = AuditLog.__table__
    insert = _UPSERTS[db.session.get_bind(mapper=AuditLog).dialect.name]
    statement = insert(table).values(at=now, last_at=now, user_id=user_id, action=action, target=target,
                                     detail=detail, ip=ip, occurrences=1, repeat_key=key)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.repeat_key],
        set_={"occurrences": table.c.occurrences + 1, "last_at": statement.excluded.last_at,
              "detail": statement.excluded.detail, "ip": statement.excluded.ip},
    )
    db.session.execute(statement)


def _in_own_transaction(write: Callable[[], None]) -> None:
    """For refusals, where the request's work is rolled back; an audit failure must never hide the answer."""
    try:
        db.session.rollback()
        write()
        db.session.commit()
    except Exception:
        db.session.rollback()


def record_now(action: str, target: str = "", detail: str = "", user_id: int | None = None) -> None:
    """Record in its own transaction (for refusals, where the request's work is rolled back)."""
    _in_own_transaction(lambda: record(action, target, detail, user_id))


def record_refusal(refused: Request) -> None:
    """Count a refused request (403), in its own transaction, under its route rule.

    ``/elearning/tulisan/1/ubah`` and ``/elearning/tulisan/2/ubah`` are one route: trying ids one by one adds to
    one row. The detail keeps the latest method and, when it differs from the rule, the path asked for.
    """
    rule = refused.url_rule.rule if refused.url_rule is not None else refused.path
    detail = refused.method if refused.path == rule else f"{refused.method} {refused.path[:200]}"
    _in_own_transaction(lambda: record_repeated("access_refused", rule, detail))
