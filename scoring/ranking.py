"""Ranking and shortlisting pieces by NA, and the tier rules of the procedure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring._frame import as_columns, competition_ranks, group_ranks, with_columns
from scoring.errors import ScoringError
from scoring.quotas import (
    CITY_LARGE_TEAM_COUNT,
    CITY_QUOTA_LARGE,
    CITY_QUOTA_SMALL,
    NATIONAL_QUOTA,
    PROVINCE_QUOTA,
)


def _require(results: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [col for col in columns if col not in results.columns]
    if missing:
        raise ScoringError(f"hasil tidak memuat kolom {', '.join(missing)}")
    if results["NA"].isna().any():
        raise ScoringError("kolom NA memuat nilai kosong")


def rank_entries(results: pd.DataFrame, group_by: str | Sequence[str] = ()) -> pd.DataFrame:
    """Add ``rank`` and ``tied``: competition ranking by NA within each group.

    Tie rule: pieces are ranked by NA, highest first. Pieces whose NA is exactly equal
    share the best of their ranks, and the next rank skips as many places (1, 2, 2, 4).
    Equality is exact, never after rounding (666.666... and 666.67 differ), and NA
    reached with different numbers of reviewers still ties when the values are equal
    (2100/3 ties with 700). ``tied`` is true for every piece that shares its NA with
    another piece of its group. The engine never breaks a tie: the panel does.

    Exactness: totals are integers, so NA is the rational sum/n, and float division is
    correctly rounded, so equal rationals give equal floats; distinct rationals with
    realistic panels differ by far more than a float's resolution.

    Returns a new frame; the input is not changed.
    """
    group_by = as_columns(group_by)
    _require(results, (*group_by, "NA"))
    ranks = competition_ranks(results, group_by, "NA")
    if ranks is None:
        ranked = results.copy()
        ranked["rank"] = group_ranks(ranked, group_by, "NA", "min").astype("int64")
        ranked["tied"] = ranked.duplicated([*group_by, "NA"], keep=False)
        return ranked
    return with_columns(results, rank_columns(*ranks), copy=True)


def rank_columns(best: np.ndarray, worst: np.ndarray) -> dict[str, np.ndarray]:
    """``rank`` and ``tied`` from the competition ranks (see ``scoring._frame.rank_codes``)."""
    return {"rank": best, "tied": worst > best}  # tied: another piece of the group has the same NA


def shortlist(
    results: pd.DataFrame,
    k: int,
    group_by: str | Sequence[str] = (),
    require_pass: bool = False,
) -> pd.DataFrame:
    """Add ``shortlisted``: which pieces of each group go up, when K may go up.

    ``"yes"``: the piece is in the best K whichever way its ties are broken (the pieces
    at least as good as it, itself included, number K or fewer). ``"tie"``: the piece's
    tie group crosses the cut-off (fewer than K pieces are strictly better, but more
    than K are at least as good): the panel must decide which go up. ``"no"``: the rest.
    With ``require_pass`` only pieces with ``passed`` true are eligible and are counted;
    the others are ``"no"``. There are never more than K ``"yes"`` in a group.

    Returns a new frame; the input is not changed.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ScoringError(f"k harus bilangan bulat >= 0 (didapat: {k!r})")
    group_by = as_columns(group_by)
    _require(results, (*group_by, "NA", *(("passed",) if require_pass else ())))
    eligible = results["passed"].to_numpy(dtype=bool) if require_pass else np.ones(len(results), dtype=bool)
    ranks = competition_ranks(results, group_by, "NA", eligible)
    if ranks is None:
        pool = results.loc[eligible]
        ranks = (group_ranks(pool, group_by, "NA", "min").to_numpy(),
                 group_ranks(pool, group_by, "NA", "max").to_numpy())
    return with_columns(results, {"shortlisted": shortlist_status(eligible, *ranks, k)}, copy=True)


def shortlist_status(eligible: np.ndarray, best: np.ndarray, worst: np.ndarray, k: int) -> np.ndarray:
    """"yes", "tie" or "no" per row, from the ranks among the eligible rows (see :func:`shortlist`)."""
    status = np.full(len(eligible), "no", dtype=object)
    status[eligible] = np.where(worst <= k, "yes", np.where(best <= k, "tie", "no"))
    return status


def city_quota(facilitator_team_count: int) -> int:
    """How many pieces a city sends to the province: 3 with 8 or more facilitator teams, else 2.

    The Korkot team's own piece is outside this quota: its own panel cannot judge it,
    so it goes to the province directly and must not be among the ``results`` shortlisted.
    """
    if isinstance(facilitator_team_count, bool) or not isinstance(facilitator_team_count, (int, np.integer)):
        raise ScoringError(
            f"jumlah tim fasilitator harus bilangan bulat (didapat: {facilitator_team_count!r})"
        )
    if facilitator_team_count < 0:
        raise ScoringError(f"jumlah tim fasilitator tidak boleh negatif (didapat: {facilitator_team_count})")
    return CITY_QUOTA_LARGE if facilitator_team_count >= CITY_LARGE_TEAM_COUNT else CITY_QUOTA_SMALL


def city_shortlist(
    results: pd.DataFrame, facilitator_team_count: int, group_by: str | Sequence[str] = ()
) -> pd.DataFrame:
    """City tier: the best :func:`city_quota` pieces of one city; passing is not required.

    ``results`` holds one city's pieces (group by month, say, for several months).
    """
    return shortlist(results, city_quota(facilitator_team_count), group_by, require_pass=False)


def province_shortlist(results: pd.DataFrame, group_by: str | Sequence[str] = ()) -> pd.DataFrame:
    """Province tier: the best 3 pieces that passed (NA >= passing grade) go to KMP."""
    return shortlist(results, PROVINCE_QUOTA, group_by, require_pass=True)


def national_shortlist(results: pd.DataFrame, group_by: str | Sequence[str] = ()) -> pd.DataFrame:
    """National tier: the best 5 pieces that passed are the national best practices."""
    return shortlist(results, NATIONAL_QUOTA, group_by, require_pass=True)


def check_top(top: Any) -> None:
    """Refuse a shortlist size that is not a whole number >= 0 (``None`` means no shortlist)."""
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0):
        raise ScoringError(f"top harus bilangan bulat >= 0 (didapat: {top!r})")
