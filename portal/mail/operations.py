"""Mail writes outside delivery: a recipient's unsubscribe, an administrator's resend; the outbox list."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.jobs import real_now
from portal.mail import categories, outbox
from portal.mail.categories import CATEGORIES
from portal.models.mail import DeliveryMode, MailPreference, MailState, OutboxMessage
from portal.models.people import User

PER_PAGE = 50
RESENDABLE = (MailState.SENT, MailState.FAILED, MailState.STORED)


class MailError(Exception):
    """A refused mail operation; the message is shown to the user."""


def unsubscribe(token: str) -> tuple[User, str]:
    """Stop the email of the link's category for the link's user: that category goes to the portal only (the
    digest's link: every category that went into the digest). Again: nothing changes. Raises
    :class:`outbox.UnsubscribeTokenError` for a changed or old link, :class:`MailError` when it names nothing."""
    user_id, category_code = outbox.read_unsubscribe_token(token)
    user = db.session.get(User, user_id)
    kind = CATEGORIES.get(category_code)
    if user is None or kind is None or kind.about_account:
        raise MailError(_("Tautan berhenti berlangganan ini tidak lagi berlaku."))
    if category_code == outbox.DIGEST_CATEGORY:
        codes = db.session.scalars(select(MailPreference.category).where(
            MailPreference.user_id == user.id, MailPreference.channel == outbox.EMAIL_CHANNEL,
            MailPreference.mode == DeliveryMode.DIGEST)).all()
    else:
        codes = [category_code]
    set_preferences(user, {code: DeliveryMode.PORTAL for code in codes}, action="mail_unsubscribed")
    return user, category_code


def set_preference(user: User, category_code: str, enabled: bool, channel: str = outbox.EMAIL_CHANNEL) -> None:
    """On (at once) or off (the portal only) for one category."""
    set_preferences(user, {category_code: DeliveryMode.NOW if enabled else DeliveryMode.PORTAL},
                    action="mail_subscribed" if enabled else "mail_unsubscribed", channel=channel)


class PreferenceError(MailError):
    """A form named a category or a delivery the portal does not know; ``problems``: field -> message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def parse_preferences(form: dict[str, str]) -> dict[str, DeliveryMode]:
    """The preferences form (``mode_<category>`` -> now / digest / portal) read and checked: every field must
    name a category a user chooses for and one of the three deliveries. Raises :class:`PreferenceError`."""
    choosable = {c.code for c in categories.choosable()}
    chosen: dict[str, DeliveryMode] = {}
    problems: dict[str, str] = {}
    for field, value in form.items():
        if not field.startswith("mode_"):
            continue
        code = field[len("mode_"):]
        if code not in choosable:
            problems[field] = _("Jenis pemberitahuan \"%(code)s\" tidak dikenal; muat ulang halaman lalu pilih "
                                "lagi.", code=outbox.header_text(code, 40))
            continue
        try:
            chosen[code] = DeliveryMode(value)
        except ValueError:
            problems[field] = _("Untuk \"%(label)s\" pilih Segera, Ringkasan harian, atau Hanya di portal.",
                                label=categories.label(code))
    if problems:
        raise PreferenceError(problems)
    return chosen


def preferences_of(user: User) -> dict[str, DeliveryMode]:
    """The user's delivery for every category they choose for (no choice recorded: at once)."""
    recorded = dict(db.session.execute(select(MailPreference.category, MailPreference.mode).where(
        MailPreference.user_id == user.id, MailPreference.channel == outbox.EMAIL_CHANNEL)).tuples().all())
    return {c.code: recorded.get(c.code, DeliveryMode.NOW) for c in categories.choosable()}


def set_preferences(user: User, chosen: dict[str, DeliveryMode], *, action: str = "mail_preferences_set",
                    channel: str = outbox.EMAIL_CHANNEL) -> int:
    """Record the user's delivery per category (one transaction, audited once when anything changed); returns
    how many changed."""
    existing = {p.category: p for p in db.session.scalars(select(MailPreference).where(
        MailPreference.user_id == user.id, MailPreference.channel == channel))}
    changed = []
    for code, mode in sorted(chosen.items()):
        preference = existing.get(code)
        if preference is None:
            if mode == DeliveryMode.NOW:
                continue  # the default: no row needed
            preference = MailPreference(user_id=user.id, category=code, channel=channel)
            db.session.add(preference)
        elif preference.mode == mode:
            continue
        preference.mode = mode
        preference.updated_at = real_now()
        changed.append(f"{code}={mode.value}")
    if not changed:
        db.session.rollback()
        return 0
    audit.record(action, target=f"user:{user.id}", detail=f"{channel}:{','.join(changed)}"[:1000], user_id=user.id)
    db.session.commit()
    return len(changed)


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
