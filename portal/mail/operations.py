"""Mail writes outside delivery: a recipient's unsubscribe, an administrator's resend; the outbox list."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.jobs import real_now
from portal.mail import outbox
from portal.mail.categories import CATEGORIES
from portal.models.mail import MailPreference, MailState, OutboxMessage
from portal.models.people import User

PER_PAGE = 50
RESENDABLE = (MailState.SENT, MailState.FAILED, MailState.STORED)


class MailError(Exception):
    """A refused mail operation; the message is shown to the user."""


def unsubscribe(token: str) -> tuple[User, str]:
    """Turn off the email of the link's category for the link's user (again: nothing changes). Raises
    :class:`outbox.UnsubscribeTokenError` for a changed or old link, :class:`MailError` when it names nothing."""
    user_id, category_code = outbox.read_unsubscribe_token(token)
    user = db.session.get(User, user_id)
    kind = CATEGORIES.get(category_code)
    if user is None or kind is None or kind.about_account:
        raise MailError(_("Tautan berhenti berlangganan ini tidak lagi berlaku."))
    set_preference(user, category_code, False)
    return user, category_code


def set_preference(user: User, category_code: str, enabled: bool, channel: str = outbox.EMAIL_CHANNEL) -> None:
    preference = db.session.scalar(select(MailPreference).where(
        MailPreference.user_id == user.id, MailPreference.category == category_code,
        MailPreference.channel == channel))
    if preference is not None and preference.enabled == enabled:
        db.session.rollback()
        return
    if preference is None:
        preference = MailPreference(user_id=user.id, category=category_code, channel=channel)
        db.session.add(preference)
    preference.enabled = enabled
    preference.updated_at = real_now()
    audit.record("mail_unsubscribed" if not enabled else "mail_subscribed", target=f"user:{user.id}",
                 detail=f"{channel}:{category_code}", user_id=user.id)
    db.session.commit()


def list_messages(state: MailState | None, page: int):
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def resend(message: OutboxMessage, by: User) -> OutboxMessage:
    """A new message with the same content and a new Message-ID, queued (or stored in outbox mode); the original
    stays as it was (a sent message is never sent again)."""
    if message.state not in RESENDABLE:
        raise MailError(_("Hanya pesan yang sudah terkirim, gagal, atau tersimpan yang dapat dikirim ulang."))
    copy = outbox.add_to_outbox(
        user_id=message.user_id, recipient=message.recipient, recipient_name=message.recipient_name,
        category=message.category, subject=message.subject, text_body=message.text_body,
        html_body=message.html_body, unsubscribe_url=message.unsubscribe_url, resent_from_id=message.id)
    db.session.flush()
    audit.record("mail_resent", target=f"mail:{message.id}", detail=f"mail:{copy.id}", user_id=by.id)
    db.session.commit()
    outbox.announce()
    return copy
