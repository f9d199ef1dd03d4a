"""Discussion on published pieces, confirmations and awards (notifications: ``portal.models.mail``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.mail import Notification  # noqa: F401  (kept here for older imports; it lives with the mail)


class Comment(db.Model):
    __tablename__ = "comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="comment")  # "comment" | "question"
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    replies: Mapped[list[Comment]] = relationship(order_by="Comment.created_at")


class CommentReport(db.Model):
    __tablename__ = "comment_report"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class Confirmation(db.Model):
    """A reader's "saya konfirmasi" on a piece."""

    __tablename__ = "confirmation"
    __table_args__ = (UniqueConstraint("piece_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Award(db.Model):
    """An award recorded for a national winner (e.g. an invitation to the national writing workshop).

    The national data manager may correct it (``revision`` goes up: a certificate of an earlier revision then
    verifies as corrected) or revoke it (with a reason); each change is in the audit log (``award:<id>``).
    """

    __tablename__ = "award"
    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The name printed on the certificate; empty: the piece's writer (``Piece.author_name``).
    recipient_name: Mapped[str] = mapped_column(String(160), default="", server_default="")
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    piece = relationship("Piece")

