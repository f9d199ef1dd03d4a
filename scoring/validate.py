"""Checking the tidy score table (:func:`validate_scores`) and reading it into arrays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring._checks import TableReport
from scoring._frame import REQUIRED_COLUMNS, as_columns, combine_codes, first_positions
from scoring._sheets import ScoreSheets
from scoring.errors import ScoringError, Source
from scoring.rubric import Rubric

__all__ = ["ScoreSheets", "read_sheets", "validate_scores"]


def validate_scores(
    scores: pd.DataFrame,
    rubric: Rubric,
    *,
    group_by: str | Sequence[str] = (),
    min_panel: int = 1,
    consensus: bool = False,
    source: Source = "dataframe",
) -> None:
    """Check a tidy score table; raise :class:`ScoringInputError` listing every problem.

    One row per (entry, reviewer, instrument, score); other columns are allowed. A piece
    is identified by its ``group_by`` keys together with ``entry``. Refused: a missing
    column; an empty key; a score that is not a whole number in the rubric's range; an
    unknown instrument; a duplicate (piece, reviewer, instrument); a sheet missing
    instruments; a piece with fewer than ``min_panel`` sheets, or, in consensus mode,
    with other than exactly one sheet. ``source="csv"`` names rows by CSV line (the header
    is line 1, so row ``i`` is line ``i + 2``); ``"dataframe"`` by position.
    """
    read_sheets(scores, rubric, group_by=group_by, min_panel=min_panel, consensus=consensus, source=source)


def read_sheets(
    scores: pd.DataFrame,
    rubric: Rubric,
    *,
    group_by: str | Sequence[str] = (),
    min_panel: int = 1,
    consensus: bool = False,
    source: Source = "dataframe",
) -> ScoreSheets:
    """Validate like :func:`validate_scores` and return the table as :class:`ScoreSheets`."""
    rubric.validate()
    group_by = as_columns(group_by)
    _check_options(scores, group_by, min_panel, source)
    report = TableReport(scores, group_by, source)
    report.check_columns()
    keys_ok, key_codes = report.check_keys()
    score = report.check_whole_numbers("score", rubric)
    instrument = report.check_instruments(rubric)

    rows = np.flatnonzero(keys_ok)
    if len(rows) == len(scores):
        local = key_codes
    else:  # rows with an empty key belong to no sheet; renumber the others densely
        local = {col: pd.factorize(codes[rows], sort=False)[0] for col, codes in key_codes.items()}
    piece = combine_codes(*(local[col] for col in (*group_by, "entry")))
    sheet = combine_codes(piece, local["reviewer"])
    piece_first, sheet_first = first_positions(piece), first_positions(sheet)
    piece_of_sheet = piece[sheet_first]
    sheets = ScoreSheets(
        group_by=group_by,
        piece=piece,
        sheet=sheet,
        instrument=instrument if len(rows) == len(scores) else instrument[rows],
        score=score if len(rows) == len(scores) else score[rows],
        piece_of_sheet=piece_of_sheet,
        piece_rows=rows[piece_first],
        sheet_rows=rows[sheet_first],
    )
    report.check_sheets(sheets, rows, rubric)
    report.check_panels(sheets, min_panel, consensus)
    report.raise_if_any()
    return sheets


def _check_options(scores: Any, group_by: tuple[str, ...], min_panel: Any, source: Any) -> None:
    if not isinstance(scores, pd.DataFrame):
        raise ScoringError(f"scores harus berupa pandas.DataFrame (didapat: {type(scores).__name__})")
    if isinstance(min_panel, bool) or not isinstance(min_panel, (int, np.integer)) or min_panel < 1:
        raise ScoringError(f"min_panel harus bilangan bulat >= 1 (didapat: {min_panel!r})")
    if source not in ("csv", "dataframe"):
        raise ScoringError(f"source harus 'csv' atau 'dataframe' (didapat: {source!r})")
    clash = [col for col in group_by if col in REQUIRED_COLUMNS]
    if clash:
        raise ScoringError(f"group_by tidak boleh memuat kolom {', '.join(clash)}")
