"""Read side of the audit log: filtering and paging, for the administrators' page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.models.people import AuditLog, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator asked for. Dates are local dates in ``tz_name``, both ends included."""

    action: str = ""
    user: str = ""  # part of an email or name; also matches the typed email of failed logins
    date_from: date | None = None
    date_to: date | None = None
    tz_name: str = "Asia/Jakarta"


@dataclass
class AuditPage:
    entries: list[AuditLog]
    page: int
    pages: int
    total: int  # rows
    events: int  # what the rows count: a row of repeated events counts each of them

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _local_midnight_utc(day: date, tz_name: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name)).astimezone(ZoneInfo("UTC"))


def _conditions(f: AuditFilter) -> list:
    conditions = []
    if f.action:
        conditions.append(AuditLog.action == f.action)
    if f.user:
        pattern = f"%{f.user.strip().lower()}%"
        matching_users = db.select(User.id).where(
            or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern))
        )
        conditions.append(or_(AuditLog.user_id.in_(matching_users),
                              (AuditLog.user_id.is_(None)) & func.lower(AuditLog.target).like(pattern)))
    if f.date_from:
        conditions.append(AuditLog.at >= _local_midnight_utc(f.date_from, f.tz_name))
    if f.date_to:
        conditions.append(AuditLog.at < _local_midnight_utc(f.date_to + timedelta(days=1), f.tz_name))
    return conditions


def search_audit(f: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE) -> AuditPage:
    """Newest first, ``page_size`` entries per page; a page past the end shows the last page."""
    conditions = _conditions(f)
    total, events = db.session.execute(
        db.select(func.count(AuditLog.id), func.coalesce(func.sum(AuditLog.occurrences), 0)).where(*conditions)
    ).one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        db.select(AuditLog).outerjoin(AuditLog.user).options(contains_eager(AuditLog.user))
        .where(*conditions).order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .offset((page - 1) * page_size).limit(page_size)
    ).all()
    return AuditPage(entries=list(rows), page=page, pages=pages, total=total, events=int(events))


def known_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditLog.action).distinct().order_by(AuditLog.action)))
