"""Small vectorised helpers shared by the engine's modules (not public)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("entry", "reviewer", "instrument", "score")


def as_columns(columns: str | Sequence[str]) -> tuple[str, ...]:
    """``"month"`` and ``["month"]`` both mean one column; a bare string is not split."""
    if isinstance(columns, str):
        return (columns,)
    return tuple(columns)


def combine_codes(*codes: np.ndarray) -> np.ndarray:
    """Dense ids (0..n-1, in order of first appearance) for tuples of codes.

    Each array holds non-negative codes as :func:`pandas.factorize` returns them
    (dense, in order of first appearance), so one array is returned unchanged.
    """
    combined = codes[0].astype(np.int64, copy=False)
    for more in codes[1:]:
        width = int(more.max()) + 1 if len(more) else 1
        # Renumbering after each step keeps the product far below 2**63.
        combined, _ = pd.factorize(combined * width + more, sort=False)
    return combined.astype(np.int64, copy=False)


def first_positions(ids: np.ndarray) -> np.ndarray:
    """Position of the first row of each id, for ids numbered in order of first appearance."""
    if len(ids) == 0:
        return np.empty(0, dtype=np.int64)
    seen_before = np.maximum.accumulate(np.concatenate(([-1], ids[:-1])))
    return np.flatnonzero(ids > seen_before)


def sort_frame(
    frame: pd.DataFrame, by: Sequence[str], ascending: Sequence[bool] | bool = True
) -> pd.DataFrame:
    """Sort deterministically, even when a key column mixes types (e.g. ints and strings)."""
    by = list(by)
    if not by:
        return frame.reset_index(drop=True)
    try:
        ordered = frame.sort_values(by, ascending=ascending, kind="mergesort")
    except TypeError:
        ordered = frame.sort_values(by, ascending=ascending, kind="mergesort", key=_comparable)
    return ordered.reset_index(drop=True)


def _comparable(column: pd.Series) -> pd.Series:
    if column.dtype == object:
        return column.map(lambda value: (type(value).__name__, str(value)))
    return column


def group_ranks(frame: pd.DataFrame, group_by: Sequence[str], column: str, method: str) -> pd.Series:
    """Descending competition-style ranks of ``column`` within each group."""
    values = frame[column]
    if not group_by:
        return values.rank(method=method, ascending=False)
    return frame.groupby(list(group_by), sort=False, dropna=False, observed=True)[column].rank(
        method=method, ascending=False
    )
