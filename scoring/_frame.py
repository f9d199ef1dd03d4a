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


def take_rows(frame: pd.DataFrame, positions: np.ndarray, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A new frame of the rows at ``positions`` (and only ``columns``, unique labels), numbered 0..n-1."""
    taken = frame.take(positions)
    if columns is not None:
        taken = taken.take([frame.columns.get_loc(col) for col in columns], axis=1)
    taken.index = pd.RangeIndex(len(taken))
    return taken


def with_columns(frame: pd.DataFrame, added: dict, *, copy: bool = False) -> pd.DataFrame:
    """A new frame: ``frame``'s columns, then ``added`` (an array per column, or a text for every
    row), as ``frame[name] = values`` one after the other would give, in one construction (pandas
    builds a new column index for each added column). A name already there keeps its place.
    Without ``copy`` the new frame shares ``frame``'s data: only for a frame the engine built."""
    if not frame.columns.is_unique:
        result = frame.copy()
        for name, values in added.items():
            result[name] = values
        return result
    index = frame.index
    data: dict = {col: frame[col] for col in frame.columns}
    for name, values in added.items():
        if isinstance(values, str):
            values = np.full(len(index), values, dtype=object)
        if values.dtype == object:  # as a Series, so that pandas does not look for dates in it
            values = pd.Series(values, index=index, dtype=object, copy=False)
        data[name] = values
    result = pd.DataFrame(data, index=index, copy=copy)
    result.attrs = frame.attrs
    return result


def plain_values(column: pd.Series, kinds: str) -> np.ndarray | None:
    """The column's values when its dtype is a plain numpy dtype of one of these kinds, else None."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in kinds:
        return column.to_numpy()
    return None


def sort_frame(
    frame: pd.DataFrame, by: Sequence[str], ascending: Sequence[bool] | bool = True
) -> pd.DataFrame:
    """Sort deterministically, even when a key column mixes types (e.g. ints and strings)."""
    by = list(by)
    if not by:
        return frame.reset_index(drop=True)
    if ascending is True and frame.columns.is_unique:
        # Integer and boolean keys: the same stable order as sort_values, without its fixed cost.
        keys = [plain_values(frame[col], "iub") for col in by]
        if all(key is not None for key in keys):
            order = np.argsort(keys[0], kind="stable") if len(keys) == 1 else np.lexsort(keys[::-1])
            return take_rows(frame, order)
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


def competition_ranks(
    frame: pd.DataFrame, group_by: Sequence[str], column: str, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Descending competition ranks of ``column`` within each group (of the rows where the
    boolean mask ``rows`` is true), see :func:`rank_codes`. None when the column is not a
    plain numeric column (the caller then ranks with pandas)."""
    if not frame.columns.is_unique:
        return None
    values = plain_values(frame[column], "iuf")
    if values is None:
        return None
    groups = group_codes(frame, group_by)
    if rows is not None:
        values, groups = values[rows], groups[rows]
    return rank_codes(groups, values)


def rank_codes(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Per row, ``(best, worst)``: ``best`` = 1 + the rows of its group with a greater value
    (pandas' rank method "min", descending), ``worst`` = the rows of its group with a greater
    or equal value, itself included (method "max"). Equality is exact, as in pandas (-0.0
    equals 0.0). None when a value is NaN."""
    codes, uniques = pd.factorize(values, sort=True)  # equal values share a code; codes ascend
    if len(codes) and codes.min() < 0:
        return None
    width = max(len(uniques), 1)
    key = groups * width + codes
    ordered = np.sort(key)
    start = np.searchsorted(ordered, groups * width, side="left")
    size = np.bincount(groups)[groups] if len(groups) else groups
    at_most = np.searchsorted(ordered, key, side="right") - start
    below = np.searchsorted(ordered, key, side="left") - start
    return (1 + size - at_most).astype(np.int64), (size - below).astype(np.int64)


def group_codes(frame: pd.DataFrame, group_by: Sequence[str]) -> np.ndarray:
    """Per row, the id of its group (rows with equal ``group_by`` values, an empty value included),
    the groups of ``groupby(group_by, dropna=False, observed=True)``."""
    if not group_by:
        return np.zeros(len(frame), dtype=np.int64)
    codes = [pd.factorize(frame[col], sort=False, use_na_sentinel=False)[0] for col in group_by]
    return combine_codes(*codes)
