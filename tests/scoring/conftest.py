"""Builders for tidy score tables (the scoring tests need no app)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import pytest

Sheet = int | Sequence[int]


def build_scores(
    panels: Mapping[object, Sequence[Sheet]], codes: Sequence[int] = range(1, 9), **columns: object
) -> pd.DataFrame:
    """A tidy table: ``panels`` maps an entry to its sheets, one per reviewer R1, R2, ...

    A sheet is one int (that score on every instrument, so the default total is 100 x it)
    or one score per instrument. ``columns`` adds constant columns (``month="2012-01"``).
    """
    rows = []
    for entry, sheets in panels.items():
        for number, sheet in enumerate(sheets, start=1):
            scores = [sheet] * len(codes) if isinstance(sheet, int) else list(sheet)
            for code, score in zip(codes, scores, strict=True):
                rows.append(
                    {"entry": entry, "reviewer": f"R{number}", "instrument": code, "score": score, **columns}
                )
    return pd.DataFrame(rows, columns=["entry", "reviewer", "instrument", "score", *columns])


@pytest.fixture
def make_scores() -> Callable[..., pd.DataFrame]:
    """Return :func:`build_scores`, the builder of tidy score tables."""
    return build_scores
