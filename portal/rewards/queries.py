"""The reads of the rewards pages: an award's history, the rounds and the delegates a data manager sees."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from portal import permissions as perm
from portal.extensions import db
from portal.models.elearning import Award
from portal.models.org import Kmw, Province
from portal.models.people import AuditLog, User
from portal.models.rewards import Nomination, NominationRound

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd


def award_history(award: Award) -> list[AuditLog]:
    """Everything recorded about an award in the audit log, oldest first (recorded, corrected, revoked)."""
    return list(db.session.scalars(select(AuditLog).where(AuditLog.target == f"award:{award.id}")
                                   .order_by(AuditLog.at, AuditLog.id)))


def rounds() -> list[NominationRound]:
    return list(db.session.scalars(select(NominationRound)
                                   .order_by(NominationRound.year.desc(), NominationRound.semester.desc())))


def provinces_for(user) -> list[Province]:
    """The provinces whose delegates the user follows: every province for a national data manager, else those of
    the user's KMWs."""
    query = select(Province).join(Kmw).order_by(Province.name)
    level, kmw_ids = perm.managed_scope(user)
    if level != "national":
        query = query.where(Province.kmw_id.in_(kmw_ids or {-1}))
    return list(db.session.scalars(query))


def nominations_of(nomination_round: NominationRound, province_ids: list[int] | None = None) -> list[Nomination]:
    query = (select(Nomination).join(Province).where(Nomination.round_id == nomination_round.id)
             .order_by(Province.name, Nomination.position))
    if province_ids is not None:
        query = query.where(Nomination.province_id.in_(province_ids))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Candidate:
    """A writer of the province's ranked list, as the confirmation form shows them."""

    user: User
    rank: int
    best_practices: int
    mean_na: float | None
    proposed: bool


def candidates(ranked: pd.DataFrame) -> dict[int, list[Candidate]]:
    """province id -> its ranked writers with their accounts (one query for the accounts)."""
    import pandas as pd

    ids = [int(w) for w in ranked["writer"]] if not ranked.empty else []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    out: dict[int, list[Candidate]] = {}
    for row in ranked.itertuples(index=False):
        user = users.get(int(row.writer))
        if user is None:
            continue
        out.setdefault(int(row.province), []).append(Candidate(
            user=user, rank=int(row.rank), best_practices=int(row.best_practices),
            mean_na=None if pd.isna(row.mean_NA) else float(row.mean_NA), proposed=bool(row.proposed)))
    return out
