"""Diagnostics for the panel: where reviewers disagree, and how each reviewer scores.

Nothing here changes NA: these tables help the panel discuss, they do not adjust results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring._frame import as_columns, first_positions, group_codes, sort_frame, take_rows, with_columns
from scoring._sheets import ScoreSheets
from scoring.results import totals_table
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
    return _disagreement_table(scores, sheets, rubric, spread_threshold, group_by, ddof)


def _disagreement_table(
    scores: pd.DataFrame,
    sheets: ScoreSheets,
    rubric: Rubric,
    spread_threshold: int,
    group_by: tuple[str, ...],
    ddof: int,
) -> pd.DataFrame:
    # One cell per (piece, instrument), numbered piece by piece in rubric order: the order of
    # groupby(["piece", "instrument"], sort=True).
    width = len(rubric.instruments)
    cell = sheets.piece * width + sheets.instrument
    count = np.bincount(cell, minlength=len(sheets.piece_rows) * width)
    present = np.flatnonzero(count)
    low = np.full(len(count), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(low, cell, sheets.score)
    high = np.full(len(count), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(high, cell, sheets.score)
    low, high = low[present], high[present]
    # pandas' own standard deviation (its accumulation order and rounding), grouped by cell.
    std = pd.Series(sheets.score).groupby(cell, sort=True).std(ddof=ddof).to_numpy()
    table = take_rows(scores, sheets.piece_rows[present // width], [*group_by, "entry"])
    spread = high - low
    table = with_columns(
        table,
        {
            "instrument": np.asarray(rubric.codes)[present % width],
            "reviewers": count[present],
            "min": low,
            "max": high,
            "spread": spread,
            "std": std,
            "flagged": spread >= spread_threshold,
        },
    )
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
    return _calibration_table(scores, sheets, rubric, group_by, zscore)


def _calibration_table(
    scores: pd.DataFrame, sheets: ScoreSheets, rubric: Rubric, group_by: tuple[str, ...], zscore: bool
) -> pd.DataFrame:
    totals = sheets.sheet_totals(rubric).astype(np.float64)
    n_pieces = len(sheets.piece_rows)
    count = np.bincount(sheets.piece_of_sheet, minlength=n_pieces)
    na = np.bincount(sheets.piece_of_sheet, weights=totals, minlength=n_pieces) / np.maximum(count, 1)
    keys = [*group_by, "reviewer"]
    # The reviewers (of each group) numbered in order of first appearance: groupby(keys, sort=False).
    reviewer = group_codes(take_rows(scores, sheets.sheet_rows, keys), keys)
    sheets_done = np.bincount(reviewer)
    # Totals are whole numbers: their sums are exact, as pandas' compensated sums are. NA are not:
    # their means are pandas' own (its accumulation order and rounding).
    mean_total = np.bincount(reviewer, weights=totals) / np.maximum(sheets_done, 1)
    panel_mean = pd.Series(na[sheets.piece_of_sheet]).groupby(reviewer, sort=True).mean().to_numpy()
    table = take_rows(scores, sheets.sheet_rows[first_positions(reviewer)], keys)
    table = with_columns(
        table,
        {
            "sheets": sheets_done,
            "mean_total": mean_total,
            "panel_mean": panel_mean,
            "distance": mean_total - panel_mean,
        },
    )
    table.attrs = {}  # a table of the reviewers, not of the input's rows: none of its attrs
    if zscore:
        per_sheet = take_rows(scores, sheets.sheet_rows, keys)
        per_sheet["total"] = totals
        table["z"] = table["distance"] / _group_spread(per_sheet, table, group_by)
    return sort_frame(table, keys)


@dataclass(frozen=True)
class DiscussionTables:
    """What a panel discusses about one table of scores (see :func:`discussion_tables`)."""

    totals: pd.DataFrame  # reviewer_totals
    disagreement: pd.DataFrame  # disagreement
    calibration: pd.DataFrame | None  # reviewer_calibration (None when not asked for)


def discussion_tables(
    scores: pd.DataFrame,
    rubric: Rubric,
    spread_threshold: int = DEFAULT_SPREAD_THRESHOLD,
    *,
    group_by: str | Sequence[str] = (),
    ddof: int = 0,
    calibration: bool = True,
) -> DiscussionTables:
    """:func:`scoring.reviewer_totals`, :func:`disagreement` and (with ``calibration``)
    :func:`reviewer_calibration` of the same table, read and validated once.

    Each table is exactly what its own function returns for these arguments. For a table as
    small as one panel's, validation and pandas' fixed cost per call are most of the work:
    a page that shows all three asks for them together.
    """
    group_by = as_columns(group_by)
    sheets = read_sheets(scores, rubric, group_by=group_by)
    return DiscussionTables(
        totals=totals_table(scores, sheets, rubric, group_by),
        disagreement=_disagreement_table(scores, sheets, rubric, spread_threshold, group_by, ddof),
        calibration=_calibration_table(scores, sheets, rubric, group_by, False) if calibration else None,
    )


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
