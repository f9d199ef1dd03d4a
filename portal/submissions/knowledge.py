"""Knowledge products (produk pengetahuan): one per KMW expert per year, with an optional document."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from portal import audit, permissions, storage
from portal.extensions import db
from portal.models.org import Kmw
from portal.models.people import Role, RoleAssignment, User
from portal.models.pieces import KnowledgeProduct
from portal.submissions.media import MediaError, MediaKind, sniff_document
from portal.submissions.operations import SubmissionError
from portal.timeutil import now_utc


def product_for(user, year: int) -> KnowledgeProduct | None:
    return db.session.scalar(db.select(KnowledgeProduct).where(KnowledgeProduct.author_id == user.id,
                                                               KnowledgeProduct.year == year))


def save_knowledge_product(user, kmw: Kmw, year: int, *, title: str, summary: str, body_md: str = "",
                           document: bytes | None = None, submit: bool = False,
                           now: datetime | None = None) -> KnowledgeProduct:
    """Create or update the expert's product of ``year``; ``submit`` records it as submitted.

    Everything is checked before anything changes. The document (PDF, DOCX or ODT, by magic bytes) is stored
    under a random name before the row points to it; the text is committed first, so a disk that refuses the
    document (``storage.StorageUnavailable``) loses the document only, and the product stays a draft."""
    if not permissions.is_kmw_expert(user, kmw.id):
        raise PermissionError("not an expert of this KMW")
    title = (title or "").strip()
    if not title:
        raise SubmissionError(_("Judul produk pengetahuan wajib diisi."))
    product = product_for(user, year) or KnowledgeProduct(author_id=user.id, kmw_id=kmw.id, year=year)
    if product.published_at is not None:
        raise SubmissionError(_("Produk pengetahuan ini sudah diterbitkan dan tidak dapat diubah."))
    kind = _check_document(document) if document else None
    if submit and not (summary or "").strip():
        raise SubmissionError(_("Ringkasan wajib diisi sebelum produk pengetahuan dikirim."))
    product.title = title[:250]
    product.summary = summary or ""
    product.body_md = body_md or ""
    db.session.add(product)
    new_path = old_path = None
    if kind is not None:
        db.session.commit()
        key = storage.new_key()
        new_path = storage.path_for("documents", key, f".{kind.extension}")
        storage.write_atomic(new_path, document)
        if product.document_key:
            old_path = document_path(product)
        product.document_key, product.document_type, product.document_ext = key, kind.content_type, kind.extension
    if submit:
        product.submitted_at = product.submitted_at or now or now_utc()
        audit.record("knowledge_product_submitted", target=f"kmw:{kmw.id}", detail=str(year), user_id=user.id)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if new_path:
            storage.remove_files([new_path])
        raise
    if old_path:
        storage.remove_files([old_path])
    return product


def _check_document(document: bytes) -> MediaKind:
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    if len(document) > limit:
        raise SubmissionError(storage.too_large_message(len(document), limit))
    try:
        return sniff_document(document)
    except MediaError as exc:
        raise SubmissionError(str(exc)) from None


def document_path(product: KnowledgeProduct):
    return storage.path_for("documents", product.document_key, f".{product.document_ext}")


def missing_knowledge_products(kmw_id: int, year: int) -> list[User]:
    """The KMW's experts (writers scoped to the KMW) who have not submitted a knowledge product for ``year``."""
    submitted = db.select(KnowledgeProduct.author_id).where(KnowledgeProduct.year == year,
                                                            KnowledgeProduct.submitted_at.is_not(None))
    return list(db.session.scalars(
        db.select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.WRITER, RoleAssignment.kmw_id == kmw_id, User.active.is_(True),
               User.id.not_in(submitted))
        .order_by(User.name).distinct()
    ))
