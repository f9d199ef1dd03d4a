"""Outgoing mail: one row per message (the outbox), and each user's choice of what to receive by email.

A message is rendered once, when it is queued (subject, text and HTML in the recipient's language), and its row is
its only state: queued -> sending (claimed by one consumer, with a lease) -> sent; a temporary failure makes it
deferred until ``next_attempt_at``, a permanent one failed. In outbox mode (``MAIL_URL=outbox``) it is stored and
only shown in the portal. See ``portal/mail/delivery.py``.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow


class MailState(str, enum.Enum):
    QUEUED = "queued"  # waiting for a consumer
    SENDING = "sending"  # claimed by one consumer until claimed_until
    SENT = "sent"  # accepted by the SMTP server; never sent again
    DEFERRED = "deferred"  # a temporary failure: tried again at next_attempt_at
    FAILED = "failed"  # a permanent failure, or temporary ones for too long
    STORED = "stored"  # outbox mode: kept and shown in the portal, not sent


def _enum(e):
    return Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))  # the address
    recipient_name: Mapped[str] = mapped_column(String(160), default="")
    category: Mapped[str] = mapped_column(String(40))  # portal.mail.categories
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)  # the Message-ID header, <...>
    unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))  # List-Unsubscribe; None for account mail
    state: Mapped[MailState] = mapped_column(_enum(MailState), default=MailState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(40))  # the batch that holds a sending message
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    resent_from_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User", lazy="joined")


class DeliveryMode(str, enum.Enum):
    """How a user receives one category: every notification is in the portal; the mode decides the email."""

    NOW = "now"  # "Segera": an email at once
    DIGEST = "digest"  # "Ringkasan harian": one email a day listing them
    PORTAL = "portal"  # "Hanya di portal": no email


class MailPreference(db.Model):
    """How a user receives one category of messages (``mode``) on one channel (``email``). No row: at once.
    Account mail (an invitation, a password reset) has no choice: it always goes at once."""

    __tablename__ = "mail_preference"
    __table_args__ = (UniqueConstraint("user_id", "category", "channel", name="uq_mail_preference_choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20), default="email")
    mode: Mapped[DeliveryMode] = mapped_column(_enum(DeliveryMode), default=DeliveryMode.NOW)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailDigest(db.Model):
    """One daily digest of a user: at most one per user and local day (the unique key makes a second consumer's
    attempt fail), with the message it became (None: nothing could be mailed, e.g. a failing address). The
    notifications it listed point to it (``Notification.digest_id``), so none is listed twice."""

    __tablename__ = "mail_digest"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_mail_digest_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # the user's local day (their province's time zone)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(db.Model):
    """One entry of a user's notification centre (``/notifikasi``), written by the mail funnel
    (``portal.mail.outbox.queue_message``) in the recipient's language. ``delivery`` records what its email did:
    ``now`` (mailed with it), ``digest`` (waits for the daily digest until ``digest_id`` is set) or ``portal``."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),  # the unread count in the header
        Index("ix_notification_user_id_created_at", "user_id", "created_at"),  # the list, newest first
        Index("ix_notification_delivery_digest_id", "delivery", "digest_id"),  # what the digests still owe
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    piece_id: Mapped[int | None] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(40), default="discussion")  # portal.mail.categories
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(1000), default="")
    link: Mapped[str] = mapped_column(String(500), default="")  # a path in the portal, or an absolute address
    delivery: Mapped[DeliveryMode] = mapped_column(_enum(DeliveryMode), default=DeliveryMode.PORTAL)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("mail_digest.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
