"""Putting messages in the outbox: rendered once, in the recipient's language, with absolute links; and the
notification centre's entries, which every message that is not about the account also becomes.

:func:`queue_message` adds the row to the session (the caller's transaction, so the message exists exactly when
the operation that caused it committed); :func:`announce` then asks a consumer to deliver it. A lost
announcement costs at most a minute: the periodic catch-up task sends whatever is due.
"""
from __future__ import annotations

import logging
import re
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, request
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal import tasks
from portal.extensions import db
from portal.jobs import real_now  # leases, retries and Date headers keep real time, as jobs do
from portal.mail.categories import category
from portal.mail.settings import LOCAL_BASE_URL, parse_base_url, parse_mail_url
from portal.models.mail import DeliveryMode, MailPreference, MailState, Notification, OutboxMessage
from portal.models.people import User
from portal.timeutil import now_utc

# The request's unread notification count, kept by portal.notifications.operations.unread_count.
UNREAD_KEPT = "portal.unread_notifications"

log = logging.getLogger(__name__)

DELIVER_TASK, CATCH_UP_TASK = "deliver_mail", "deliver_due_mail"
UNSUBSCRIBE_SALT = "mail-unsubscribe"
EMAIL_CHANNEL = "email"
DIGEST_CATEGORY = "digest"
PENDING = "mail_announce"  # db.session.info: a message that a consumer should hear about was queued
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def header_text(value: str, limit: int) -> str:
    """User text made safe for a header: line breaks and other control characters become one space."""
    return " ".join(_CONTROL.sub(" ", value or "").split())[:limit]


def base_url() -> str:
    """``PORTAL_BASE_URL``; without it the address of the current request, or the local development address."""
    configured = parse_base_url(current_app.config.get("PORTAL_BASE_URL"))
    if configured:
        return configured
    if has_request_context():
        return request.url_root.rstrip("/")
    return LOCAL_BASE_URL


def portal_url(endpoint: str, **values) -> str:
    """An absolute link into the portal, valid outside a request (a command, a consumer)."""
    base = base_url()
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, category_code: str) -> str:
    return _serializer().dumps({"u": user_id, "c": category_code})


class UnsubscribeTokenError(Exception):
    """The link was changed, or is too old; ``expired`` tells which."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, category) of a link made by :func:`unsubscribe_token`, checked against tampering and age."""
    max_age = int(current_app.config["MAIL_UNSUBSCRIBE_MAX_AGE_DAYS"]) * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise UnsubscribeTokenError(expired=True) from None
    except BadSignature:
        raise UnsubscribeTokenError(expired=False) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("c"), str):
        raise UnsubscribeTokenError(expired=False)
    return data["u"], data["c"]


def mode_of(user: User, category_code: str, channel: str = EMAIL_CHANNEL) -> DeliveryMode:
    """How the user receives this category by email (no choice recorded: at once; account mail: always at once)."""
    if category(category_code).about_account:
        return DeliveryMode.NOW
    mode = db.session.scalar(select(MailPreference.mode).where(
        MailPreference.user_id == user.id, MailPreference.category == category_code,
        MailPreference.channel == channel))
    return mode or DeliveryMode.NOW


def wants(user: User, category_code: str, channel: str = EMAIL_CHANNEL) -> bool:
    """Whether the user receives email of this category (at once or in the digest). The digest itself: whether
    any category goes into it."""
    if category_code == DIGEST_CATEGORY:
        return db.session.scalar(select(MailPreference.id).where(
            MailPreference.user_id == user.id, MailPreference.channel == channel,
            MailPreference.mode == DeliveryMode.DIGEST).limit(1)) is not None
    return mode_of(user, category_code, channel) != DeliveryMode.PORTAL


def recipient_locale(user: User) -> str:
    return user.locale if user.locale in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def local_link(url: str) -> str:
    """A link of this portal as a path (it then works on whatever address the portal is reached by); any other
    address as it is."""
    base = base_url()
    if url.startswith(base + "/"):
        return url[len(base):]
    return url


def queue_message(user: User, category_code: str, template: str, subject, *, summary=None,
                  piece_id: int | None = None, **context) -> OutboxMessage | None:
    """What the portal tells a user, through one funnel. Account mail (``about_account``): rendered from
    ``templates/mail/<template>.txt`` and ``.html`` in the user's language and added to the session. Every other
    category also becomes a notification in the portal (title: the subject; body: ``summary``; link:
    ``context["link"]``), and its email follows the user's choice for the category: queued now, left for the
    daily digest, or none. The caller commits, then calls :func:`announce`. ``subject`` and ``summary``: lazy
    strings, formatted with ``context`` in the recipient's language. Returns the message queued now, or None."""
    kind = category(category_code)
    locale = recipient_locale(user)
    with force_locale(locale):
        title = header_text(str(subject) % context if context else str(subject), 255)
        body = (str(summary) % context if context else str(summary)) if summary is not None else ""
    details = [header_text(str(line), 500) for line in context.get("details") or ()]
    if kind.about_account:
        return render_message(user, category_code, template, title, locale, context)
    mode = mode_of(user, category_code)
    mailed = mode == DeliveryMode.NOW and user.mail_failed_at is None
    if has_request_context():  # a page rendered later in this request counts this notification too
        request.environ.pop(UNREAD_KEPT, None)
    db.session.add(Notification(
        user_id=user.id, piece_id=piece_id, category=category_code, title=title[:300],
        body=" ".join([body, *details])[:1000],
        link=local_link(str(context.get("link") or ""))[:500], created_at=now_utc(),
        delivery=DeliveryMode.NOW if mailed else (DeliveryMode.DIGEST if mode == DeliveryMode.DIGEST
                                                   else DeliveryMode.PORTAL)))
    if not mailed:
        return None
    return render_message(user, category_code, template, title, locale, dict(context, summary=body, details=details))


def render_message(user: User, category_code: str, template: str, title: str, locale: str,
                   context: dict) -> OutboxMessage:
    """The message itself: both parts rendered in ``locale``, with the unsubscribe link where it belongs."""
    unsubscribe = None
    if not category(category_code).about_account:
        unsubscribe = portal_url("mail.unsubscribe", token=unsubscribe_token(user.id, category_code))
    values = dict(context, user=user, base_url=base_url(), unsubscribe_url=unsubscribe, locale=locale)
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", subject=title, **values)
        html = render_template(f"mail/{template}.html", subject=title, **values)
    return add_to_outbox(
        user_id=user.id, recipient=header_text(user.email, 254), recipient_name=header_text(user.name, 160),
        category=category_code, subject=title, text_body=text, html_body=html, unsubscribe_url=unsubscribe)


def add_to_outbox(**fields) -> OutboxMessage:
    """A new outbox row with a fresh Message-ID: queued for delivery, or stored in outbox mode."""
    sends = parse_mail_url(current_app.config["MAIL_URL"]).sends
    message = OutboxMessage(
        message_id=make_msgid(domain=urlsplit(base_url()).hostname or "localhost"),
        state=MailState.QUEUED if sends else MailState.STORED, attempts=0, last_error="", created_at=real_now(),
        **fields)
    db.session.add(message)
    if sends:
        db.session.info[PENDING] = True
    return message


def announce(info: dict | None = None) -> None:
    """After the commit that queued messages: ask a consumer to deliver them now. If the queue does not answer
    the messages wait for the periodic catch-up (every minute, on every consumer)."""
    if not (db.session.info if info is None else info).pop(PENDING, False):
        return
    try:
        tasks.queue_of().task(DELIVER_TASK)()
    except Exception:  # Redis down, the queue file unwritable: the periodic task sends them later
        log.exception("could not announce queued mail; the periodic delivery will send it")


def _announce_after_commit(session) -> None:
    """Every commit that queued mail announces it (an operation's subscribers queue messages in its transaction;
    the operation need not know). Only the queue is touched here, never the session."""
    if session.info.get(PENDING):
        announce(session.info)


def listen() -> None:
    """Attach :func:`_announce_after_commit` to every session (idempotent; called by portal/subscribers.py)."""
    if not event.contains(Session, "after_commit", _announce_after_commit):
        event.listen(Session, "after_commit", _announce_after_commit)
