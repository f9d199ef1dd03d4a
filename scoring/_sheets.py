"""The score table read into integer arrays (internal to the engine)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.rubric import Rubric


@dataclass(frozen=True)
class ScoreSheets:
    """A valid score table as integer arrays (internal to the engine).

    Pieces and sheets are numbered 0..n-1 in order of first appearance; a piece is
    identified by its group keys together with ``entry``, a sheet by its piece and
    ``reviewer``.
    """

    group_by: tuple[str, ...]
    piece: np.ndarray  # per row: the piece id
    sheet: np.ndarray  # per row: the sheet id
    instrument: np.ndarray  # per row: position of the instrument in the rubric
    score: np.ndarray  # per row: the score, int64
    piece_of_sheet: np.ndarray
    piece_rows: np.ndarray  # per piece: position of its first row
    sheet_rows: np.ndarray  # per sheet: position of its first row

    def sheet_totals(self, rubric: Rubric) -> np.ndarray:
        """Each sheet's total: the sum of score x weight over its instruments (int64)."""
        weights = np.array([i.weight for i in rubric.instruments], dtype=np.int64)
        points = self.score * weights[self.instrument]
        # float64 sums of integers below 2**53 are exact.
        totals = np.bincount(self.sheet, weights=points, minlength=len(self.sheet_rows))
        return totals.astype(np.int64)
