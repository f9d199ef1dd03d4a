"""Certificates: one for every national winner and one for every award, each with a signed number.

A number reads ``BPN-123-1-K7Q2M9XW3PA4`` (a national winner, piece 123) or ``BPA-45-2-...`` (award 45 in its
second revision): the kind, the id, the revision and a signature, the first 60 bits of an HMAC-SHA256 of the
rest under the portal's ``SECRET_KEY`` (base32). Nobody without the key can make a number that verifies, and a
number with one character changed does not verify. The number holds no details: the verification page reads the
award or the piece as it is now, so a revoked award shows as revoked, and a certificate of an earlier revision of
a corrected award shows as corrected, with the corrected details and the current certificate's number.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models.elearning import Award
from portal.models.pieces import BestPractice, Piece
from portal.rewards import rules

NATIONAL = "BPN"  # a national winner: the piece's own certificate
AWARD = "BPA"  # an award recorded for a national winner
SIGNATURE_CHARS = 12
_NUMBER = re.compile(r"^(BPN|BPA)-([1-9][0-9]{0,9})-([1-9][0-9]{0,3})-([A-Z2-7]{12})$")
_SALT = b"bp-certificate-number"


def _signature(kind: str, object_id: int, revision: int) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    mac = hmac.new(key, _SALT + f":{kind}:{object_id}:{revision}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode()[:SIGNATURE_CHARS]


def make_number(kind: str, object_id: int, revision: int = 1) -> str:
    return f"{kind}-{object_id}-{revision}-{_signature(kind, object_id, revision)}"


def parse_number(number: str) -> tuple[str, int, int] | None:
    """(kind, id, revision) of a genuine number, or None for anything the portal did not sign."""
    match = _NUMBER.match((number or "").strip().upper())
    if match is None:
        return None
    kind, object_id, revision, signature = match[1], int(match[2]), int(match[3]), match[4]
    if not hmac.compare_digest(signature, _signature(kind, object_id, revision)):
        return None
    return kind, object_id, revision


def national_number(piece: Piece) -> str:
    return make_number(NATIONAL, piece.id)


def award_number(award: Award) -> str:
    return make_number(AWARD, award.id, award.revision)


@dataclass(frozen=True)
class Certificate:
    """What a certificate states, and whether it still stands.

    ``state``: "valid", "revoked" (the award was revoked, or the piece is no longer a published national winner),
    or "corrected" (an earlier revision of an award; ``current_number`` is the certificate that replaces it).
    """

    number: str
    kind: str
    piece: Piece
    award: Award | None
    state: str
    current_number: str = ""

    @property
    def recipient(self) -> str:
        if self.award is not None and self.award.recipient_name:
            return self.award.recipient_name
        return self.piece.author_name or self.piece.team.name

    @property
    def heading(self) -> str:
        """What the certificate honours: the award's name, or the national winner's standing."""
        return self.award.title if self.award is not None else "Penulis Best Practice Tingkat Nasional"


def _is_national_winner(piece: Piece | None) -> bool:
    return piece is not None and piece.published_at is not None and piece.best_practice == BestPractice.NATIONAL


def lookup(number: str) -> Certificate | None:
    """The certificate a number stands for, as it is now; None when the number is not genuine."""
    parsed = parse_number(number)
    if parsed is None:
        return None
    kind, object_id, revision = parsed
    canonical = make_number(kind, object_id, revision)
    if kind == NATIONAL:
        piece = db.session.get(Piece, object_id)
        if piece is None or revision != 1:
            return None
        return Certificate(canonical, kind, piece, None, "valid" if _is_national_winner(piece) else "revoked")
    award = db.session.get(Award, object_id)
    if award is None or revision > award.revision:
        return None
    if award.revoked_at is not None or not _is_national_winner(award.piece):
        state = "revoked"
    elif revision < award.revision:
        state = "corrected"
    else:
        state = "valid"
    return Certificate(canonical, kind, award.piece, award, state, award_number(award))


def of_piece(piece: Piece) -> list[Certificate]:
    """The certificates a national winner's team may download: the winner's own and one per standing award."""
    if not _is_national_winner(piece):
        return []
    found = [Certificate(national_number(piece), NATIONAL, piece, None, "valid")]
    awards = db.session.scalars(select(Award).where(Award.piece_id == piece.id, Award.revoked_at.is_(None))
                                .order_by(Award.recorded_at, Award.id))
    found += [Certificate(award_number(a), AWARD, piece, a, "valid") for a in awards]
    return found


def downloadable(user, piece: Piece) -> list[Certificate]:
    """The certificates ``user`` may download from the piece's page (none for anyone outside its team)."""
    return of_piece(piece) if rules.can_download_certificates(user, piece) else []
