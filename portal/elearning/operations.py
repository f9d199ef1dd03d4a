"""Writes of the e-learning feature, one business operation per transaction."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit, signals
from portal.extensions import db
from portal.failures import PortalError
from portal.models.elearning import Award, Comment, CommentReport, Confirmation
from portal.models.people import User
from portal.models.pieces import KnowledgeProduct, Piece
from portal.timeutil import now_utc

COMMENT_KINDS = ("comment", "question")


class DiscussionError(PortalError, ValueError):
    """Refused input, with a message for the user."""


def _clean_text(text: str, limit: int) -> str:
    value = (text or "").replace("\r\n", "\n").strip()
    if not value:
        raise DiscussionError(_("Tulis isi komentar terlebih dahulu."))
    if len(value) > limit:
        raise DiscussionError(_("Komentar terlalu panjang (maksimal %(n)d karakter).", n=limit))
    return value


def add_comment(piece: Piece, user: User, body: str, kind: str = "comment", parent_id: int | None = None,
                limit: int = 2000) -> Comment:
    """A comment or question on a published piece, or a reply. Replies are one level deep: a reply to a reply
    is attached to the top-level comment it belongs to (flattened). A question or a reply is notified by the
    subscriber of ``comment_posted``."""
    if piece.published_at is None:
        raise DiscussionError(_("Tulisan ini belum diterbitkan."))
    text = _clean_text(body, limit)
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.piece_id != piece.id:
            raise DiscussionError(_("Komentar yang ingin Anda balas tidak ditemukan."))
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
    kind = kind if kind in COMMENT_KINDS and parent is None else "comment"
    comment = Comment(piece_id=piece.id, user_id=user.id, parent_id=parent.id if parent else None, kind=kind, body=text)
    db.session.add(comment)
    db.session.flush()
    signals.comment_posted.send(comment)  # a question or a reply is notified (portal.notifications.events)
    db.session.commit()
    return comment


def toggle_confirmation(piece: Piece, user: User) -> bool:
    """"Saya konfirmasi": one per user per piece; a second call takes it back. Returns the new state."""
    if piece.published_at is None:
        raise DiscussionError(_("Tulisan ini belum diterbitkan."))
    existing = db.session.scalar(
        select(Confirmation).where(Confirmation.piece_id == piece.id, Confirmation.user_id == user.id))
    if existing is not None:
        db.session.delete(existing)
    else:
        db.session.add(Confirmation(piece_id=piece.id, user_id=user.id))
    signals.piece_confirmed.send(piece, user=user, confirmed=existing is None)
    db.session.commit()
    return existing is None


def report_comment(comment: Comment, user: User, reason: str = "") -> None:
    """Flag a comment for the data managers; one report per person per comment (a repeat is ignored)."""
    existing = db.session.scalar(
        select(CommentReport).where(CommentReport.comment_id == comment.id, CommentReport.user_id == user.id))
    if existing is None:
        db.session.add(CommentReport(comment_id=comment.id, user_id=user.id, reason=(reason or "").strip()[:500]))
        db.session.commit()


def moderate_comment(comment: Comment, moderator: User, hide: bool, reason: str) -> None:
    """Hide or restore a comment, with a reason; resolves its open reports and is audited."""
    reason = (reason or "").strip()
    if hide and not reason:
        raise DiscussionError(_("Tuliskan alasan menyembunyikan komentar."))
    comment.hidden = hide
    comment.hidden_reason = reason[:500]
    comment.hidden_by_id = moderator.id
    comment.hidden_at = now_utc() if hide else None
    for report in db.session.scalars(select(CommentReport).where(CommentReport.comment_id == comment.id,
                                                                 CommentReport.resolved.is_(False))):
        report.resolved = True
    audit.record("comment_hidden" if hide else "comment_restored", target=f"comment:{comment.id}", detail=reason)
    signals.comment_moderated.send(comment, hidden=hide)
    db.session.commit()


def publish_knowledge_product(product: KnowledgeProduct, user: User) -> None:
    """Publish a submitted knowledge product on the e-learning pages (KMW or national data manager)."""
    if product.submitted_at is None:
        raise DiscussionError(_("Produk pengetahuan ini belum dikirim oleh penulisnya."))
    if product.published_at is None:
        product.published_at = now_utc()
        audit.record("knowledge_product_published", target=f"knowledge_product:{product.id}", user_id=user.id)
        signals.knowledge_product_published.send(product)
        db.session.commit()


def withdraw_knowledge_product(product: KnowledgeProduct, user: User) -> None:
    """Take a published knowledge product off the public pages."""
    if product.published_at is not None:
        product.published_at = None
        audit.record("knowledge_product_withdrawn", target=f"knowledge_product:{product.id}", user_id=user.id)
        signals.knowledge_product_withdrawn.send(product)
        db.session.commit()


def record_award(piece: Piece, user: User, title: str, description: str = "") -> Award:
    """Record an award for a national winner (e.g. an invitation to the national writing workshop)."""
    title = (title or "").strip()
    if not title:
        raise DiscussionError(_("Tuliskan nama penghargaan."))
    award = Award(piece_id=piece.id, title=title[:200], description=(description or "").strip(),
                  recorded_by_id=user.id)
    db.session.add(award)
    db.session.flush()  # the award's id names its history in the audit log (its corrections and revocation follow)
    audit.record("award_recorded", target=f"award:{award.id}", detail=f"piece:{piece.id}: {title[:200]}",
                 user_id=user.id)
    signals.award_recorded.send(award)
    db.session.commit()
    return award
