"""The notification centre's reads and writes, and the daily digest.

The unread count in the header is read with the signed-in account itself (a scalar subquery of its statement, on
``ix_notification_user_id_read_at``; ``portal.auth.sessions``), kept once per request however many templates ask;
anonymous pages never ask.

The daily digest: a periodic task (every 10 minutes, on every consumer) mails each user whose notifications wait
for it (``delivery`` digest, no ``digest_id`` yet) one message once their local day (their province's time zone,
``permissions.home_timezone``; Jakarta for national and unscoped accounts) has reached ``MAIL_DIGEST_HOUR``. A
``mail_digest`` row per user and local day (unique) is written in the same transaction as the message and the
notifications it lists, so each user gets at most one digest a day and no notification is listed twice, whatever
number of consumers run; a portal that was down at that hour catches up at its next run.
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request
from huey import crontab
from huey.api import Huey
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal import tasks
from portal.extensions import db
from portal.mail import messages
from portal.mail.outbox import UNREAD_KEPT
from portal.models.mail import DeliveryMode, MailDigest, Notification
from portal.models.people import User
from portal.pagination import Page
from portal.permissions import home_timezone
from portal.timeutil import now_utc

log = logging.getLogger(__name__)

PER_PAGE = 20
DIGEST_TASK = "send_daily_digests"
_KEPT = UNREAD_KEPT


# --- the centre ------------------------------------------------------------------------------------------

def unread_count(user_id: int) -> int:
    """Unread notifications of a user: one indexed COUNT, once per request (kept in the request's environ: an
    application context may outlive a request, a request never). The signed-in user's count comes with the
    account itself (``portal.auth.sessions.load_user``), so the header sends no statement of its own."""
    kept = request.environ.get(_KEPT) if has_request_context() else None
    if kept is not None and kept[0] == user_id:
        return kept[1]
    count = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0
    if has_request_context():
        request.environ[_KEPT] = (user_id, count)
    return count


def keep_unread_count(user_id: int, count: int) -> None:
    """The count read with the signed-in account, for :func:`unread_count` later in the same request."""
    request.environ[_KEPT] = (user_id, count)


def forget_unread_count() -> None:
    if has_request_context():
        request.environ.pop(_KEPT, None)


def page_of(user_id: int, page: int) -> Page:
    """One page of the user's notifications, newest first."""
    total = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user_id)) or 0
    items = db.session.scalars(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return Page(items=list(items), total=total, page=page, per_page=PER_PAGE)


def own_notification(user: User, notification_id: int) -> Notification | None:
    """The user's own notification, or None (someone else's is as absent as a missing one)."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                        Notification.user_id == user.id))


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = now_utc()
    db.session.commit()
    forget_unread_count()


def mark_all_read(user: User) -> int:
    """Every unread notification of ``user`` read (one UPDATE); returns how many."""
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now_utc()).execution_options(synchronize_session=False))
    db.session.commit()
    forget_unread_count()
    return result.rowcount or 0


# --- the daily digest ------------------------------------------------------------------------------------

def register_tasks(huey: Huey, app: Flask) -> dict:
    digest_task = huey.periodic_task(crontab(minute="*/10"), name=DIGEST_TASK, priority=3)(
        tasks.in_app_context(app, send_daily_digests))
    return {DIGEST_TASK: digest_task}


def _waiting():
    return (Notification.delivery == DeliveryMode.DIGEST, Notification.digest_id.is_(None))


def send_daily_digests(now: datetime | None = None) -> int:
    """Mail every user whose local digest hour has come their digest of today, once. Returns how many digests
    were made."""
    now = now or now_utc()
    hour = int(current_app.config["MAIL_DIGEST_HOUR"])
    made = 0
    user_ids = db.session.scalars(select(Notification.user_id).where(*_waiting()).distinct()).all()
    db.session.rollback()
    for user_id in sorted(user_ids):
        user = db.session.get(User, user_id)
        if user is None:
            continue
        local = now.astimezone(ZoneInfo(home_timezone(user)))
        if local.hour < hour:
            db.session.rollback()
            continue
        try:
            made += digest_for(user, local.date(), now)
        except IntegrityError:  # another consumer made this user's digest of today at the same moment
            db.session.rollback()
        except Exception:
            db.session.rollback()
            log.exception("the daily digest of user %s failed; it is tried again at the next run", user_id)
    return made


def digest_for(user: User, day, now: datetime) -> int:
    """This user's digest of ``day`` (their local date): 1 when made now, 0 when it exists already or nothing
    waits. One transaction: the day's row, the message and the notifications it lists."""
    if db.session.scalar(select(MailDigest.id).where(MailDigest.user_id == user.id, MailDigest.day == day)):
        db.session.rollback()
        return 0
    items = db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, *_waiting(), Notification.created_at <= now)
        .order_by(Notification.created_at, Notification.id)).all()
    if not items:
        db.session.rollback()
        return 0
    digest = MailDigest(user_id=user.id, day=day, created_at=now)
    db.session.add(digest)
    db.session.flush()  # the unique (user, day) refuses a second digest here
    if user.active and user.mail_failed_at is None:
        message = messages.digest(user, items)
        db.session.flush()
        digest.message_id = message.id
    for item in items:
        item.digest_id = digest.id
    db.session.commit()  # announces the message to a consumer (portal.mail.outbox.listen)
    return 1
