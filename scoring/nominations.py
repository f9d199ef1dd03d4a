"""Proposing workshop delegates: each province's writers ranked by their best practices.

The procedure sends potential writers to the national writing workshop twice a year, delegates from each province.
The proposal ranks, per province, the writers by how many best practices (province or national tier) they wrote in
the months considered, then by the mean of those pieces' NA.
"""

from __future__ import annotations

import pandas as pd

from scoring.errors import ScoringError

NOMINATION_INPUT = ("writer", "province", "piece", "NA")
NOMINATION_OUTPUT = ["province", "writer", "best_practices", "mean_NA", "rank", "proposed"]


def rank_writers(pieces: pd.DataFrame, quota: int) -> pd.DataFrame:
    """Rank each province's writers and mark the first ``quota`` of each as proposed.

    Input: one row per best practice, with ``writer`` (an id), ``province`` (an id), ``piece`` (an id) and ``NA``
    (the piece's NA at the tier that made it a best practice; may be missing). A piece counted twice (the same
    ``piece`` on two rows) counts once, with the mean of its NA values.

    Tie rule: writers are ranked by ``best_practices`` (most first), then by ``mean_NA`` (the mean NA of their
    best practices, highest first; a writer without any NA comes after those with one), then by ``writer`` id
    (smallest first), so that the proposal is the same on every run. ``rank`` is 1, 2, 3 ... within a province with
    no shared places: the proposal needs an order, and a data manager replaces a delegate with a reason.

    Returns a new frame with the columns ``province``, ``writer``, ``best_practices``, ``mean_NA``, ``rank`` and
    ``proposed`` (the first ``quota`` of the province), sorted by province and rank; the input is not changed.
    """
    missing = [c for c in NOMINATION_INPUT if c not in pieces.columns]
    if missing:
        raise ScoringError(f"data tulisan tidak memuat kolom {', '.join(missing)}")
    if quota < 0:
        raise ScoringError("kuota tidak boleh negatif")
    if pieces.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "mean_NA" else "int64") for c in NOMINATION_OUTPUT}) \
            .astype({"proposed": bool})
    per_piece = (pieces.loc[:, list(NOMINATION_INPUT)]
                 .groupby(["province", "writer", "piece"], as_index=False, sort=False)["NA"].mean())
    writers = (per_piece.groupby(["province", "writer"], as_index=False, sort=False)
               .agg(best_practices=("piece", "size"), mean_NA=("NA", "mean")))
    ordered = writers.sort_values(["province", "best_practices", "mean_NA", "writer"],
                                  ascending=[True, False, False, True], na_position="last", kind="mergesort")
    ordered = ordered.reset_index(drop=True)
    ordered["rank"] = ordered.groupby("province").cumcount().astype("int64") + 1
    ordered["proposed"] = ordered["rank"] <= quota
    return ordered.loc[:, NOMINATION_OUTPUT]
