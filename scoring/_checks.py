"""The checks of a tidy score table, each collecting located problems (internal).

Every check is vectorised over the whole table; Python loops run only over the
rows, sheets or pieces that have a problem, to write their messages.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scoring._frame import REQUIRED_COLUMNS, plain_values
from scoring._sheets import ScoreSheets
from scoring.errors import Problem, ScoringInputError, Source, row_reference
from scoring.rubric import Rubric


def show(value: Any) -> str:
    """A rejected cell value as it appears in messages: text is quoted, ``7.0`` is ``7``."""
    if isinstance(value, str):
        return repr(value)
    return show_key(value)


def show_key(value: Any) -> str:
    """A key (entry, reviewer, group value) as it appears in messages."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def _whole_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(the column as int64, where its value is a whole number); 0 where it is not.

    Empty cells, text that is not a number, booleans and fractions are not whole numbers.
    """
    if column.dtype.kind in "iu" and isinstance(column.dtype, np.dtype):
        # The common case costs no conversion; a huge uint64 wraps negative and is out of range.
        return column.to_numpy().astype(np.int64, copy=False), np.ones(len(column), dtype=bool)
    if column.dtype.kind == "b":
        return np.zeros(len(column), dtype=np.int64), np.zeros(len(column), dtype=bool)
    if column.dtype.kind not in "iuf":
        column = pd.to_numeric(column, errors="coerce")
    floats = column.to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(floats) & (floats == np.floor(floats))
        # Beyond 2**53 a float is whole but far outside any range: -1 says so without overflow.
        exact = whole & (np.abs(floats) < 2.0**53)
    return np.where(exact, floats, np.where(whole, -1, 0)).astype(np.int64), whole


class TableReport:
    """Collects the problems of one score table, each located by row and column."""

    def __init__(self, scores: pd.DataFrame, group_by: tuple[str, ...], source: Source) -> None:
        self.scores = scores
        self.group_by = group_by
        self.source = source
        self.problems: list[Problem] = []
        self.column_order = {col: i for i, col in enumerate((*group_by, *REQUIRED_COLUMNS))}

    def row_number(self, position: int) -> int:
        return int(position) + 2 if self.source == "csv" else int(position)

    def add(self, position: int | None, column: str | None, message: str) -> None:
        row = None if position is None else self.row_number(position)
        self.problems.append(Problem(row, column, message, self.source))

    def value(self, column: str, position: int) -> Any:
        return self.scores[column].iloc[position]

    def piece_name(self, position: int) -> str:
        label = f"karya {show_key(self.value('entry', position))}"
        if self.group_by:
            keys = ", ".join(f"{col}={show_key(self.value(col, position))}" for col in self.group_by)
            label += f" ({keys})"
        return label

    def check_columns(self) -> None:
        columns = self.scores.columns
        repeated = set(columns[columns.duplicated()])
        for col in dict.fromkeys((*self.group_by, *REQUIRED_COLUMNS)):
            if col not in columns:
                self.add(None, col, "kolom tidak ada")
            elif col in repeated:
                self.add(None, col, "kolom muncul lebih dari sekali")
        # Without its columns the table cannot be checked any further.
        self.raise_if_any()

    def check_keys(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        keys_ok = np.ones(len(self.scores), dtype=bool)
        codes_by_column = {}
        for col in (*self.group_by, "entry", "reviewer"):
            column = self.scores[col]
            values = plain_values(column, "iub")  # never empty: factorised without pandas' Series overhead
            codes, _ = pd.factorize(column if values is None else values, sort=False)
            blank = codes < 0
            for position in np.flatnonzero(blank):
                self.add(position, col, "nilai kosong")
            keys_ok &= ~blank
            codes_by_column[col] = codes.astype(np.int64, copy=False)
        return keys_ok, codes_by_column

    def check_whole_numbers(self, col: str, rubric: Rubric) -> np.ndarray:
        """The column as int64 (0 where refused); refuses values outside the score range."""
        values, whole = _whole_numbers(self.scores[col])
        low, high = rubric.min_score, rubric.max_score
        ok = whole & (values >= low) & (values <= high)
        bad = np.flatnonzero(~ok)
        for position, raw in zip(bad, self.scores[col].to_numpy()[bad], strict=True):
            if pd.isna(raw):
                message = "nilai kosong"
            elif not whole[position]:
                message = f"nilai {show(raw)} bukan bilangan bulat"
            else:
                message = f"nilai {show(raw)} di luar rentang {low} sampai {high}"
            self.add(position, col, message)
        return values if not len(bad) else np.where(ok, values, 0)

    def check_instruments(self, rubric: Rubric) -> np.ndarray:
        """Each row's position in ``rubric.instruments``; -1 where the code is unknown."""
        values, whole = _whole_numbers(self.scores["instrument"])
        codes = rubric.codes
        lookup = np.full(max(codes) + 1, -1, dtype=np.int64)
        lookup[list(codes)] = np.arange(len(codes))
        usable = whole & (values >= 0) & (values <= max(codes))
        index = np.where(usable, lookup[np.clip(values, 0, max(codes))], -1)
        known = ", ".join(str(c) for c in codes)
        bad = np.flatnonzero(index < 0)
        for position, raw in zip(bad, self.scores["instrument"].to_numpy()[bad], strict=True):
            if pd.isna(raw):
                message = "instrumen kosong"
            else:
                message = f"instrumen {show(raw)} tidak dikenal; rubrik {rubric.version} memakai kode {known}"
            self.add(position, "instrument", message)
        return index

    def check_sheets(self, sheets: ScoreSheets, rows: np.ndarray, rubric: Rubric) -> None:
        """Duplicates and sheets missing instruments (rows of unknown instruments aside)."""
        width = len(rubric.instruments)
        n_sheets = len(sheets.sheet_rows)
        known = sheets.instrument >= 0
        cell = sheets.sheet * width + sheets.instrument
        counts = np.bincount(cell[known], minlength=n_sheets * width)
        if (counts > 1).any():
            self._duplicates(cell, known & (counts[np.where(known, cell, 0)] > 1), rows, rubric)
        missing = counts.reshape(n_sheets, width) == 0
        for sheet in np.flatnonzero(missing.any(axis=1)):
            position = sheets.sheet_rows[sheet]
            absent = ", ".join(str(rubric.codes[i]) for i in np.flatnonzero(missing[sheet]))
            reviewer = show_key(self.value("reviewer", position))
            self.add(
                position,
                "instrument",
                f"lembar penilai {reviewer} untuk {self.piece_name(position)} tidak lengkap: "
                f"instrumen {absent} tidak ada",
            )

    def _duplicates(self, cell: np.ndarray, shared: np.ndarray, rows: np.ndarray, rubric: Rubric) -> None:
        local = np.flatnonzero(shared)
        first = pd.Series(local).groupby(cell[local], sort=False).transform("first").to_numpy()
        width = len(rubric.codes)
        for here, original in zip(local, first, strict=True):
            if here == original:
                continue
            row = rows[here]
            reviewer = show_key(self.value("reviewer", row))
            where = row_reference(self.row_number(rows[original]), self.source)
            self.add(
                row,
                "instrument",
                f"duplikat: {self.piece_name(row)}, penilai {reviewer}, "
                f"instrumen {rubric.codes[cell[here] % width]} sudah ada di {where}",
            )

    def check_panels(self, sheets: ScoreSheets, min_panel: int, consensus: bool) -> None:
        panel = np.bincount(sheets.piece_of_sheet, minlength=len(sheets.piece_rows))
        wrong = np.flatnonzero(panel != 1 if consensus else panel < min_panel)
        if not len(wrong):
            return
        by_piece = np.argsort(sheets.piece_of_sheet, kind="stable")
        starts = np.concatenate(([0], np.cumsum(panel)))
        reviewers = self.scores["reviewer"].to_numpy()
        for piece in wrong:
            position = sheets.piece_rows[piece]
            piece_label = self.piece_name(position)
            if consensus:
                its_sheets = by_piece[starts[piece] : starts[piece + 1]]
                listed = ", ".join(show_key(r) for r in reviewers[sheets.sheet_rows[its_sheets]])
                count = panel[piece]
                message = (
                    f"mode konsensus: {piece_label} memiliki {count} lembar ({listed}); harus tepat satu"
                )
            else:
                message = f"{piece_label} hanya dinilai oleh {panel[piece]} penilai; minimal {min_panel}"
            self.add(position, "reviewer", message)

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        order = self.column_order

        def key(problem: Problem) -> tuple[int, int]:
            row = -1 if problem.row is None else problem.row
            return (row, order.get(problem.column or "", len(order)))

        raise ScoringInputError(sorted(self.problems, key=key))
