"""Diagnostics for the panel: where reviewers disagree, and how each reviewer scores.

Nothing here changes NA: these tables help the panel discuss, they do not adjust results.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scoring._frame import as_columns, sort_frame
from scoring.rubric import Rubric
from scoring.validate import read_sheets

DEFAULT_SPREAD_THRESHOLD = 4


def disagreement(
    scores: pd.DataFrame,
    rubric: Rubric,
    spread_threshold: int = DEFAULT_SPREAD_THRESHOLD,
    *,
    group_by: str | Sequence[str] = (),
    ddof: int = 0,
) -> pd.DataFrame:
    """Per (group keys..., entry, instrument): how far the reviewers' scores are apart.

    Columns: ``reviewers``, ``min``, ``max``, ``spread`` (max - min), ``std`` (standard
    deviation of the scores; ``ddof=0`` by default, the panel being the whole population,
    so one reviewer gives 0) and ``flagged`` (spread >= ``spread_threshold``, 4 points by
    default): instruments the panel should discuss. The input is validated first.
    """
    group_by = as_columns(group_by)
    sheets = read_sheets(scores, rubric, group_by=group_by)
    cells = pd.DataFrame({"piece": sheets.piece, "instrument": sheets.instrument, "score": sheets.score})
    grouped = cells.groupby(["piece", "instrument"], sort=True)["score"]
    stats = pd.DataFrame(
        {
            "reviewers": grouped.count(),
            "min": grouped.min(),
            "max": grouped.max(),
            "std": grouped.std(ddof=ddof),
        }
    ).reset_index()
    keys = scores[[*group_by, "entry"]].iloc[sheets.piece_rows[stats["piece"].to_numpy()]]
    table = keys.reset_index(drop=True)
    table["instrument"] = np.asarray(rubric.codes)[stats["instrument"].to_numpy()]
    table["reviewers"] = stats["reviewers"].to_numpy()
    table["min"] = stats["min"].to_numpy()
    table["max"] = stats["max"].to_numpy()
    table["spread"] = table["max"] - table["min"]
    table["std"] = stats["std"].to_numpy()
    table["flagged"] = table["spread"] >= spread_threshold
    return sort_frame(table, (*group_by, "entry", "instrument"))


def reviewer_calibration(
    scores: pd.DataFrame,
    rubric: Rubric,
    group_by: str | Sequence[str] = (),
    zscore: bool = False,
) -> pd.DataFrame:
    """Per (group keys..., reviewer): how this reviewer's totals compare with the panel's.

    Columns: ``sheets`` (pieces scored), ``mean_total`` (mean of the reviewer's totals),
    ``panel_mean`` (mean NA of the same pieces, so that a reviewer who recused from some
    pieces is compared on the pieces they scored) and ``distance`` = mean_total -
    panel_mean: positive for a lenient reviewer, negative for a strict one. With
    ``zscore``, ``z`` = distance / the standard deviation (ddof=0) of all totals in the
    group (NaN when that is 0). ``z`` is a diagnostic only: NA never changes.
    The input is validated first.
    """
    group_by = as_columns(group_by)
    sheets = read_sheets(scores, rubric, group_by=group_by)
    totals = sheets.sheet_totals(rubric).astype(np.float64)
    n_pieces = len(sheets.piece_rows)
    count = np.bincount(sheets.piece_of_sheet, minlength=n_pieces)
    na = np.bincount(sheets.piece_of_sheet, weights=totals, minlength=n_pieces) / np.maximum(count, 1)
    keys = [*group_by, "reviewer"]
    per_sheet = scores[keys].iloc[sheets.sheet_rows].reset_index(drop=True)
    per_sheet["total"] = totals
    per_sheet["NA"] = na[sheets.piece_of_sheet]
    grouped = per_sheet.groupby(keys, sort=False, dropna=False, observed=True)
    table = pd.DataFrame(
        {
            "sheets": grouped.size(),
            "mean_total": grouped["total"].mean(),
            "panel_mean": grouped["NA"].mean(),
        }
    ).reset_index()
    table["distance"] = table["mean_total"] - table["panel_mean"]
    if zscore:
        table["z"] = table["distance"] / _group_spread(per_sheet, table, group_by)
    return sort_frame(table, keys)


def _group_spread(per_sheet: pd.DataFrame, table: pd.DataFrame, group_by: tuple[str, ...]) -> np.ndarray:
    """The standard deviation of all totals of each row's group; NaN where it is 0."""
    if group_by:
        spread = per_sheet.groupby(list(group_by), sort=False, dropna=False, observed=True)["total"].std(
            ddof=0
        )
        values = pd.MultiIndex.from_frame(table[list(group_by)]) if len(group_by) > 1 else table[group_by[0]]
        aligned = spread.reindex(values).to_numpy(dtype=np.float64)
    else:
        aligned = np.full(len(table), per_sheet["total"].std(ddof=0))
    return np.where(aligned > 0, aligned, np.nan)
