"""The engine's shortcuts give exactly what pandas gives.

Integer keys are sorted, and NA ranked, with numpy rather than ``sort_values`` and ``groupby().rank()``;
several tables of one input are read and validated once (:func:`discussion_tables`). These properties pin
the shortcuts to pandas' own answers: the same table with text keys (which takes pandas' way), pandas'
ranking itself, and the one-table-per-call functions.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_scoring_properties import SETTINGS, tables

from scoring import (
    compute_results,
    default_rubric,
    disagreement,
    discussion_tables,
    rank_entries,
    reviewer_calibration,
    reviewer_totals,
    shortlist,
)


def _numbered(scores: pd.DataFrame) -> pd.DataFrame:
    """The same table with whole-number keys, numbered in the text keys' sort order."""
    numbered = scores.copy()
    for col in ("month", "entry", "reviewer"):
        order = {key: number for number, key in enumerate(sorted(scores[col].unique()))}
        numbered[col] = scores[col].map(order).astype("int64")
    return numbered


def _as_text(frame: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (computed from :func:`_numbered` keys) with the text keys back."""
    frame = frame.copy()
    for col in ("month", "entry", "reviewer"):
        if col in frame.columns:
            frame[col] = frame[col].map(dict(enumerate(sorted(scores[col].unique())))).astype(object)
    return frame


@SETTINGS
@given(tables(), st.integers(0, 4), st.booleans())
def test_whole_number_keys_give_what_text_keys_give(table, top, require_pass):
    rubric, scores = table
    numbered = _numbered(scores)
    for function, options in [
        (compute_results, {"group_by": "month", "top": top, "require_pass": require_pass}),
        (compute_results, {"group_by": "month"}),
        (reviewer_totals, {"group_by": "month"}),
        (disagreement, {"group_by": "month"}),
    ]:
        expected = function(scores, rubric, **options)
        got = _as_text(function(numbered, rubric, **options), scores)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    calibration = reviewer_calibration(scores, rubric, "month", zscore=True)
    got = _as_text(reviewer_calibration(numbered, rubric, "month", zscore=True), scores)
    pd.testing.assert_frame_equal(got, calibration, check_exact=True)


def _pandas_ranks(results: pd.DataFrame, group_by: list[str]) -> pd.DataFrame:
    """Ranks, ties and best/worst ranks as pandas computes them (the engine's definition)."""
    ranked = results.copy()
    grouped = ranked.groupby(group_by, sort=False, dropna=False, observed=True)["NA"] if group_by else ranked["NA"]
    ranked["rank"] = grouped.rank(method="min", ascending=False).astype("int64")
    ranked["worst"] = grouped.rank(method="max", ascending=False).astype("int64")
    ranked["tied"] = ranked.duplicated([*group_by, "NA"], keep=False)
    return ranked


NA_VALUES = st.sampled_from([700.0, 650.5, 2100 / 3, 700.0000000000001, 0.0, -0.0, 1000.0, 1300 / 3, 433.3])


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", 3, None]), NA_VALUES, st.booleans()), max_size=14),
    st.booleans(),
    st.integers(0, 4),
)
def test_ranks_and_shortlists_are_pandas_ranks(rows, grouped, k):
    results = pd.DataFrame({
        "group": pd.Series([r[0] for r in rows], dtype=object),
        "entry": range(len(rows)),
        "NA": pd.Series([r[1] for r in rows], dtype="float64"),
        "passed": pd.Series([r[2] for r in rows], dtype=bool),
    })
    group_by = ["group"] if grouped else []
    expected = _pandas_ranks(results, group_by)
    got = rank_entries(results, group_by)
    pd.testing.assert_frame_equal(got, expected.drop(columns="worst"), check_exact=True)
    for require_pass in (False, True):
        pool = results[results["passed"]] if require_pass else results
        ranks = _pandas_ranks(pool, group_by)
        status = pd.Series("no", index=results.index, dtype=object)
        status[pool.index] = [
            "yes" if worst <= k else "tie" if best <= k else "no" for best, worst in zip(ranks["rank"], ranks["worst"])
        ]
        listed = shortlist(results, k, group_by, require_pass=require_pass)
        assert listed["shortlisted"].tolist() == status.tolist()
        pd.testing.assert_frame_equal(listed.drop(columns="shortlisted"), results)


def test_ranked_and_shortlisted_frames_are_copies():
    results = pd.DataFrame({"entry": ["a", "b", "c"], "NA": [700.0, 650.0, 700.0], "passed": [True, False, True]})
    before = results.copy()
    for out in (rank_entries(results), shortlist(results, 1, require_pass=True)):
        out.loc[0, "NA"] = 1.0
        out.loc[1, "entry"] = "z"
        pd.testing.assert_frame_equal(results, before)


@SETTINGS
@given(tables(), st.integers(1, 6), st.integers(0, 1), st.booleans())
def test_discussion_tables_are_the_three_tables(table, threshold, ddof, calibration):
    rubric, scores = table
    tables_ = discussion_tables(scores, rubric, threshold, group_by="month", ddof=ddof, calibration=calibration)
    pd.testing.assert_frame_equal(tables_.totals, reviewer_totals(scores, rubric, group_by="month"),
                                  check_exact=True)
    assert tables_.totals.attrs == {"rubric_version": rubric.version}
    pd.testing.assert_frame_equal(
        tables_.disagreement, disagreement(scores, rubric, threshold, group_by="month", ddof=ddof), check_exact=True
    )
    if calibration:
        pd.testing.assert_frame_equal(tables_.calibration, reviewer_calibration(scores, rubric, "month"),
                                      check_exact=True)
    else:
        assert tables_.calibration is None


def test_discussion_tables_refuse_what_each_table_refuses(make_scores):
    scores = make_scores({"A": [[1, 2, 3, 4, 5, 6, 7, 11]]})
    with pytest.raises(Exception) as alone:
        reviewer_totals(scores, default_rubric())
    with pytest.raises(type(alone.value)) as together:
        discussion_tables(scores, default_rubric())
    assert together.value.problems == alone.value.problems
