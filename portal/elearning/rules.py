"""Rules of the e-learning feature: who moderates a discussion, who publishes knowledge products and records awards."""
from __future__ import annotations

from portal import permissions as perm
from portal.models.pieces import BestPractice, KnowledgeProduct, Piece

MAX_COMMENT_CHARS = 2000
MAX_REASON_CHARS = 500


def can_moderate(user, piece: Piece) -> bool:
    """A data manager whose scope covers the piece's city (city, KMW or national), or an administrator."""
    return perm.can_manage_city(user, piece.team.city)


def can_publish_knowledge_product(user, product: KnowledgeProduct) -> bool:
    """The data manager of the product's KMW, a national data manager, or an administrator."""
    return product.submitted_at is not None and perm.can_manage_kmw(user, product.kmw_id)


def can_record_award(user, piece: Piece) -> bool:
    """Awards go to published national winners and are recorded by the national data manager."""
    return (perm.can_manage_national(user) and piece.published_at is not None
            and piece.best_practice == BestPractice.NATIONAL)
