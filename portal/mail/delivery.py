"""Sending the outbox over SMTP, from the task queue's consumers.

:func:`deliver_due` claims the due messages in batches (queued ones, deferred ones whose time has come, and
sending ones whose consumer died: their lease ``MAIL_LEASE_SECONDS`` ran out) and sends each batch over one SMTP
connection. A claim is one conditional UPDATE that sets the batch's own ``claim`` token, so two consumers never
hold the same message; every later write names that token, and a sent message is never claimed again.

Outcomes: accepted -> sent (and the address is no longer marked failing). A temporary failure (the server down or
refusing connections, a timeout, a lost connection, any 4xx answer) -> deferred, retried after 1, 2, 4 ... minutes
(``MAIL_RETRY_FIRST_SECONDS``, at most ``MAIL_RETRY_MAX_SECONDS``) until ``MAIL_GIVE_UP_HOURS`` after it was queued,
then failed. A permanent one (5xx for the recipient or the message, an address that cannot be written) -> failed,
and the recipient's account is marked with a failing address (shown to the managers).
"""
from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime

from flask import Flask, current_app
from huey import crontab
from huey.api import Huey
from sqlalchemy import and_, or_, select, update

from portal import tasks
from portal.extensions import db
from portal.jobs import real_now  # leases, retries and Date headers keep real time, as jobs do
from portal.mail.outbox import CATCH_UP_TASK, DELIVER_TASK
from portal.mail.settings import SMTPS, MailTransport, parse_mail_url, parse_sender
from portal.models.mail import MailState, OutboxMessage
from portal.models.people import User

log = logging.getLogger(__name__)


def register_tasks(huey: Huey, app: Flask) -> dict:
    """The delivery task (enqueued when a message is queued) and its periodic catch-up (every minute)."""
    deliver = huey.task(name=DELIVER_TASK, priority=5)(tasks.in_app_context(app, deliver_due))
    catch_up = huey.periodic_task(crontab(minute="*"), name=CATCH_UP_TASK, priority=5)(
        tasks.in_app_context(app, deliver_due))
    return {DELIVER_TASK: deliver, CATCH_UP_TASK: catch_up}


class PermanentFailure(Exception):
    """This message cannot be delivered to this address; the message says what the server answered."""


class TemporaryFailure(Exception):
    """Try again later; ``connection`` when the connection itself is lost (the rest of the batch waits too)."""

    def __init__(self, text: str, connection: bool = False):
        super().__init__(text)
        self.connection = connection


@dataclass
class Claimed:
    id: int
    recipient: str
    recipient_name: str
    subject: str
    text_body: str
    html_body: str
    message_id: str
    unsubscribe_url: str | None
    attempts: int
    created_at: datetime
    user_id: int | None
    user_failing: bool


def _due(now: datetime):
    return or_(OutboxMessage.state == MailState.QUEUED,
               and_(OutboxMessage.state == MailState.DEFERRED, OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.state == MailState.SENDING, OutboxMessage.claimed_until < now))


def claim_batch(size: int) -> tuple[str, list[Claimed]]:
    """Claim up to ``size`` due messages for this batch (state sending, a fresh token, a lease)."""
    now = real_now()
    token = secrets.token_hex(16)
    lease = now + timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    with db.engine.begin() as conn:
        ids = conn.execute(select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(size)
                           ).scalars().all()
        if not ids:
            return token, []
        conn.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), _due(now)).values(
            state=MailState.SENDING, claim=token, claimed_until=lease, attempts=OutboxMessage.attempts + 1))
        rows = conn.execute(
            select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.recipient_name, OutboxMessage.subject,
                   OutboxMessage.text_body, OutboxMessage.html_body, OutboxMessage.message_id,
                   OutboxMessage.unsubscribe_url, OutboxMessage.attempts, OutboxMessage.created_at,
                   OutboxMessage.user_id, User.mail_failed_at.is_not(None).label("user_failing"))
            .outerjoin(User, User.id == OutboxMessage.user_id)
            .where(OutboxMessage.claim == token, OutboxMessage.state == MailState.SENDING)
            .order_by(OutboxMessage.id)).all()
    return token, [Claimed(**row._mapping) for row in rows]


def deliver_due() -> dict[str, int]:
    """Send every due message, batch after batch, one SMTP connection per batch. Returns the outcomes."""
    transport = parse_mail_url(current_app.config["MAIL_URL"])
    outcomes: Counter = Counter()
    if not transport.sends:
        return {}
    size = int(current_app.config["MAIL_BATCH_SIZE"])
    while True:
        token, batch = claim_batch(size)
        if not batch:
            break
        result = send_batch(transport, token, batch)
        outcomes.update(result)
        if result.get("deferred") and not result.get("sent"):
            break  # the server is not taking mail now: the deferred messages wait for their time
    if outcomes.get("deferred"):
        _schedule_retry()
    return dict(outcomes)


def connect(transport: MailTransport) -> smtplib.SMTP:
    timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
    context = ssl.create_default_context(cafile=current_app.config.get("MAIL_TLS_CA_FILE") or None)
    if transport.kind == SMTPS:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(transport.host, transport.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(transport.host, transport.port, timeout=timeout)
    try:
        smtp.ehlo()
        if transport.kind != SMTPS:
            smtp.starttls(context=context)
            smtp.ehlo()
        if transport.username:
            smtp.login(transport.username, transport.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


class _KeptHeaderClasses(HeaderRegistry):
    """The standard header registry, keeping the class it makes for each header name: CPython's builds a new class
    with ``type()`` at every header it parses, which cost most of the time of composing a message (4 of 6 ms)."""

    def __init__(self):
        super().__init__()
        self._kept: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        kept = self._kept.get(key)
        if kept is None:
            kept = self._kept[key] = super().__getitem__(name)
        return kept


# The email package's SMTP policy (CRLF line ends, header folding, refusing CR/LF in header values).
POLICY = SMTP_POLICY.clone(header_factory=_KeptHeaderClasses())


def build_message(row: Claimed, sender: Address) -> EmailMessage:
    """The message as it goes out: text with an HTML alternative and every header. Raises PermanentFailure for an
    address that cannot be written."""
    message = EmailMessage(policy=POLICY)
    try:
        recipient = Address(display_name=row.recipient_name, addr_spec=row.recipient)
        message["To"] = recipient
    except (ValueError, IndexError, TypeError) as exc:
        raise PermanentFailure(f"alamat tidak valid: {exc}") from None
    message["From"] = sender
    message["Subject"] = row.subject
    message["Date"] = format_datetime(real_now())
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


def _answer(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()[:1000]


def send_one(smtp: smtplib.SMTP, row: Claimed, sender: Address) -> None:
    """Hand one message to the server; raise PermanentFailure or TemporaryFailure when it is not accepted."""
    message = build_message(row, sender)
    try:
        smtp.send_message(message, from_addr=sender.addr_spec, to_addrs=[row.recipient])
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        if code >= 500:
            raise PermanentFailure(_answer(code, text)) from None
        raise TemporaryFailure(_answer(code, text)) from None
    except smtplib.SMTPSenderRefused as exc:  # our own MAIL_FROM: not the recipient's fault
        raise TemporaryFailure(f"pengirim ditolak: {_answer(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPServerDisconnected as exc:
        raise TemporaryFailure(f"sambungan terputus: {exc}", connection=True) from None
    except smtplib.SMTPResponseException as exc:  # SMTPDataError and the rest
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(_answer(exc.smtp_code, exc.smtp_error)) from None
        raise TemporaryFailure(_answer(exc.smtp_code, exc.smtp_error), connection=exc.smtp_code == 421) from None
    except (OSError, smtplib.SMTPException) as exc:  # timeouts, resets
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}", connection=True) from None


def send_batch(transport: MailTransport, token: str, batch: list[Claimed]) -> Counter:
    outcomes: Counter = Counter()
    try:
        smtp = connect(transport)
    except smtplib.SMTPResponseException as exc:
        reason = f"server: {_answer(exc.smtp_code, exc.smtp_error)}"
        return _defer_all(token, batch, reason)
    except (OSError, smtplib.SMTPException) as exc:
        return _defer_all(token, batch, f"server tidak dapat dihubungi ({transport.describe()}): "
                                        f"{type(exc).__name__}: {exc}")
    sender = parse_sender(current_app.config["MAIL_FROM"])
    try:
        for index, row in enumerate(batch):
            try:
                send_one(smtp, row, sender)
            except PermanentFailure as exc:
                _failed(token, row, str(exc), address_failing=True)
                outcomes["failed"] += 1
            except TemporaryFailure as exc:
                outcomes[_deferred(token, row, str(exc))] += 1
                if exc.connection:
                    outcomes.update(_defer_all(token, batch[index + 1:], str(exc)))
                    break
            else:
                _sent(token, row)
                outcomes["sent"] += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return outcomes


def retry_delay(attempts: int) -> float:
    first = float(current_app.config["MAIL_RETRY_FIRST_SECONDS"])
    return min(first * 2 ** max(attempts - 1, 0), float(current_app.config["MAIL_RETRY_MAX_SECONDS"]))


def _mine(token: str, row: Claimed):
    return (OutboxMessage.id == row.id, OutboxMessage.claim == token, OutboxMessage.state == MailState.SENDING)


def _sent(token: str, row: Claimed) -> None:
    moment = real_now()
    with db.engine.begin() as conn:
        conn.execute(update(OutboxMessage).where(*_mine(token, row)).values(
            state=MailState.SENT, sent_at=moment, claim=None, claimed_until=None, next_attempt_at=None,
            last_error=""))
        if row.user_failing:
            conn.execute(update(User).where(User.id == row.user_id).values(mail_failed_at=None, mail_failure=""))


def _failed(token: str, row: Claimed, reason: str, *, address_failing: bool) -> None:
    moment = real_now()
    log.warning("mail %s to %s failed: %s", row.id, row.recipient, reason)
    with db.engine.begin() as conn:
        conn.execute(update(OutboxMessage).where(*_mine(token, row)).values(
            state=MailState.FAILED, claim=None, claimed_until=None, next_attempt_at=None, last_error=reason))
        if address_failing and row.user_id is not None:
            conn.execute(update(User).where(User.id == row.user_id).values(mail_failed_at=moment,
                                                                            mail_failure=reason))


def _deferred(token: str, row: Claimed, reason: str) -> str:
    """Deferred for later, or failed once ``MAIL_GIVE_UP_HOURS`` have passed since it was queued."""
    moment = real_now()
    if moment - row.created_at >= timedelta(hours=current_app.config["MAIL_GIVE_UP_HOURS"]):
        _failed(token, row, f"menyerah setelah {row.attempts} percobaan: {reason}", address_failing=False)
        return "failed"
    with db.engine.begin() as conn:
        conn.execute(update(OutboxMessage).where(*_mine(token, row)).values(
            state=MailState.DEFERRED, claim=None, claimed_until=None, last_error=reason[:1000],
            next_attempt_at=moment + timedelta(seconds=retry_delay(row.attempts))))
    return "deferred"


def _defer_all(token: str, rows: list[Claimed], reason: str) -> Counter:
    return Counter(_deferred(token, row, reason) for row in rows)


def _schedule_retry() -> None:
    """One delivery run when the first deferred message is due (the periodic task catches up if it is lost)."""
    first = db.session.scalar(select(OutboxMessage.next_attempt_at).where(
        OutboxMessage.state == MailState.DEFERRED).order_by(OutboxMessage.next_attempt_at).limit(1))
    db.session.rollback()
    if first is None:
        return
    try:
        delay = max((first - real_now()).total_seconds(), 0) + 0.5
        tasks.queue_of().task(DELIVER_TASK).schedule(delay=delay)
    except Exception:
        log.exception("could not schedule the next mail delivery; the periodic delivery will do it")
