"""Putting messages in the outbox: rendered once, in the recipient's language, with absolute links.

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
from sqlalchemy import select

from portal import tasks
from portal.extensions import db
from portal.jobs import real_now  # leases, retries and Date headers keep real time, as jobs do
from portal.mail.categories import category
from portal.mail.settings import LOCAL_BASE_URL, parse_base_url, parse_mail_url
from portal.models.mail import MailPreference, MailState, OutboxMessage
from portal.models.people import User

log = logging.getLogger(__name__)

DELIVER_TASK, CATCH_UP_TASK = "deliver_mail", "deliver_due_mail"
UNSUBSCRIBE_SALT = "mail-unsubscribe"
EMAIL_CHANNEL = "email"
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


def wants(user: User, category_code: str, channel: str = EMAIL_CHANNEL) -> bool:
    """Whether the user receives this category on this channel (no choice recorded: yes)."""
    enabled = db.session.scalar(select(MailPreference.enabled).where(
        MailPreference.user_id == user.id, MailPreference.category == category_code,
        MailPreference.channel == channel))
    return enabled is None or enabled


def queue_message(user: User, category_code: str, template: str, subject, **context) -> OutboxMessage | None:
    """Render ``templates/mail/<template>.txt`` and ``.html`` for ``user`` in their language and add the message
    to the session (the caller commits, then calls :func:`announce`). ``subject``: a lazy string, formatted with
    ``context`` in the recipient's language. None when the user does not receive this category (turned off, or an
    address the server refused, for a category that is not about the account)."""
    kind = category(category_code)
    if not kind.about_account and (user.mail_failed_at is not None or not wants(user, category_code)):
        return None
    base = base_url()
    unsubscribe = None
    if not kind.about_account:
        unsubscribe = portal_url("mail.unsubscribe", token=unsubscribe_token(user.id, category_code))
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    values = dict(context, user=user, base_url=base, unsubscribe_url=unsubscribe, locale=locale)
    with force_locale(locale):
        title = header_text(str(subject) % context if context else str(subject), 255)
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


def announce() -> None:
    """After the commit that queued messages: ask a consumer to deliver them now. If the queue does not answer
    the messages wait for the periodic catch-up (every minute, on every consumer)."""
    if not db.session.info.pop(PENDING, False):
        return
    try:
        tasks.queue_of().task(DELIVER_TASK)()
    except Exception:  # Redis down, the queue file unwritable: the periodic task sends them later
        log.exception("could not announce queued mail; the periodic delivery will send it")
