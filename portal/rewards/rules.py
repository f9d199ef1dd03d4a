"""Rules of the rewards: who downloads certificates and corrects awards, and the workshop nomination rules."""
from __future__ import annotations

from portal import permissions as perm
from portal.models.org import Province
from portal.models.pieces import Piece
from portal.period import Period

MAX_REASON_CHARS = 1000
MAX_QUOTA = 20  # delegates per province in one round
NOMINATION_MONTHS = 6  # the best practices of the last six months count
SEMESTERS = (1, 2)  # twice a year: January-June and July-December


def can_manage_awards(user) -> bool:
    """Awards are recorded, corrected and revoked by the national data manager (or an administrator)."""
    return perm.can_manage_national(user)


def can_download_certificates(user, piece: Piece) -> bool:
    """The piece's team (its writers), and the national data manager who hands the certificates over."""
    return perm.can_write_for_team(user, piece.team_id) or perm.can_manage_national(user)


def can_open_round(user) -> bool:
    """A nomination round is opened by the national data manager."""
    return perm.can_manage_national(user)


def can_see_rounds(user) -> bool:
    """The national data manager and the provincial (KMW) data managers follow the rounds."""
    level, _ids = perm.managed_scope(user)
    return perm.is_data_manager(user) and level in ("national", "kmw")


def can_confirm_for(user, province: Province) -> bool:
    """A province's delegates are confirmed by its KMW's data manager (or a national one, or an administrator)."""
    return perm.can_manage_kmw(user, province.kmw_id)


def nomination_window(opened_in: Period) -> tuple[Period, Period]:
    """The months whose best practices count for a round opened in ``opened_in``: the six before it."""
    last = opened_in.previous()
    first = last
    for _ in range(NOMINATION_MONTHS - 1):
        first = first.previous()
    return first, last
