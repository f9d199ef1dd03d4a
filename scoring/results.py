"""Reviewer totals and per-piece results (NA, pass, rank, shortlist)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scoring._frame import (
    REQUIRED_COLUMNS,
    as_columns,
    group_codes,
    plain_values,
    rank_codes,
    sort_frame,
    take_rows,
    with_columns,
)
from scoring._sheets import ScoreSheets
from scoring.errors import Source
from scoring.ranking import check_top, rank_columns, shortlist_status
from scoring.rubric import Rubric
from scoring.validate import read_sheets

# Columns the engine writes; an input column of the same name is not carried through.
OUTPUT_COLUMNS = ("total", "reviewers", "NA", "passed", "rank", "tied", "shortlisted", "rubric_version")


def reviewer_totals(
    scores: pd.DataFrame, rubric: Rubric, *, group_by: str | Sequence[str] = ()
) -> pd.DataFrame:
    """One row per (group keys..., entry, reviewer) with ``total`` = sum of score x weight.

    Validates the input first (see :func:`scoring.validate_scores`). Other input columns
    whose value is the same on every row of a sheet are carried through. The rubric
    version is in ``attrs["rubric_version"]`` and in a ``rubric_version`` column.
    """
    group_by = as_columns(group_by)
    return totals_table(scores, read_sheets(scores, rubric, group_by=group_by), rubric, group_by)


def totals_table(
    scores: pd.DataFrame, sheets: ScoreSheets, rubric: Rubric, group_by: tuple[str, ...]
) -> pd.DataFrame:
    """:func:`reviewer_totals` of a table already read (internal)."""
    keys = (*group_by, "entry", "reviewer")
    frame = _per_group_rows(scores, keys, sheets.sheet, sheets.sheet_rows)
    frame = with_columns(frame, {"total": sheets.sheet_totals(rubric), "rubric_version": rubric.version})
    frame = sort_frame(frame, keys)
    frame.attrs["rubric_version"] = rubric.version
    return frame


def compute_results(
    scores: pd.DataFrame,
    rubric: Rubric,
    *,
    group_by: str | Sequence[str] = (),
    min_panel: int = 1,
    top: int | None = None,
    require_pass: bool = False,
    consensus: bool = False,
    source: Source = "dataframe",
) -> pd.DataFrame:
    """One row per piece: ``reviewers``, ``NA``, ``passed``, ``rank``, ``tied`` (and ``shortlisted``).

    NA is the mean of the totals of the reviewers who scored the piece (full precision);
    in consensus mode each piece has exactly one sheet and NA is its total. A piece passes
    when NA >= the rubric's passing grade. Ranks follow :func:`rank_entries` within each
    ``group_by`` group. With ``top`` = K, ``shortlisted`` follows :func:`shortlist`
    (``require_pass`` makes only passing pieces eligible; it has no effect without ``top``).

    The input is validated first and refused with :class:`ScoringInputError` listing every
    problem; ``source`` only chooses how rows are named in those messages. Other input
    columns whose value is the same on every row of a piece (a title, a city) are carried
    through. Rows are sorted by group, rank and entry, so the input's row order never
    matters. The rubric version is in ``attrs["rubric_version"]`` and in a column.
    """
    group_by = as_columns(group_by)
    check_top(top)
    sheets = read_sheets(
        scores, rubric, group_by=group_by, min_panel=min_panel, consensus=consensus, source=source
    )
    frame = _per_group_rows(scores, (*group_by, "entry"), sheets.piece, sheets.piece_rows)
    reviewers, na = _nilai_akhir(sheets, rubric)
    passed = na >= rubric.passing_grade
    # The columns rank_entries and shortlist add, computed on the arrays and added at once.
    groups = group_codes(frame, group_by)
    added = {"reviewers": reviewers, "NA": na, "passed": passed, **rank_columns(*rank_codes(groups, na))}
    if top is not None:
        eligible = passed if require_pass else np.ones(len(na), dtype=bool)
        added["shortlisted"] = shortlist_status(eligible, *rank_codes(groups[eligible], na[eligible]), top)
    added["rubric_version"] = rubric.version
    frame = sort_frame(with_columns(frame, added), (*group_by, "rank", "entry"))
    frame.attrs["rubric_version"] = rubric.version
    return frame


def _nilai_akhir(sheets: ScoreSheets, rubric: Rubric) -> tuple[np.ndarray, np.ndarray]:
    """Per piece: how many sheets, and NA = sum of their totals / how many."""
    n_pieces = len(sheets.piece_rows)
    reviewers = np.bincount(sheets.piece_of_sheet, minlength=n_pieces)
    # Sums of integer totals are exact in float64; one correctly rounded division
    # then gives equal floats for equal rationals (see rank_entries).
    sums = np.bincount(sheets.piece_of_sheet, weights=sheets.sheet_totals(rubric), minlength=n_pieces)
    return reviewers.astype(np.int64), sums / reviewers


def _per_group_rows(
    scores: pd.DataFrame, keys: Sequence[str], ids: np.ndarray, first_rows: np.ndarray
) -> pd.DataFrame:
    """The key columns of each group of rows, plus the other columns constant within groups."""
    carried = [col for col in _candidates(scores, keys) if _constant_within(scores[col], ids, first_rows)]
    return take_rows(scores, first_rows, [*keys, *carried])


def _candidates(scores: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    duplicated = set(scores.columns[scores.columns.duplicated()])
    skip = {*keys, *REQUIRED_COLUMNS, *OUTPUT_COLUMNS}
    return [col for col in scores.columns if col not in skip and col not in duplicated]


def _constant_within(column: pd.Series, ids: np.ndarray, first_rows: np.ndarray) -> bool:
    values = plain_values(column, "iub")  # integers and booleans: equal values are equal codes
    if values is not None:
        return bool(np.array_equal(values, values[first_rows][ids]))
    codes, _ = pd.factorize(column, sort=False)
    return bool(np.array_equal(codes, codes[first_rows][ids]))
