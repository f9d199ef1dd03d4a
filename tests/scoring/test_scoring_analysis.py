"""Disagreement per instrument and reviewer calibration; neither changes NA."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring import compute_results, default_rubric, disagreement, reviewer_calibration

RUBRIC = default_rubric()


def test_disagreement_spread_std_and_flag(make_scores):
    scores = make_scores(
        {"A": [[3, 5, 5, 5, 5, 5, 5, 5], [7, 5, 5, 5, 5, 5, 5, 5], [5, 2, 5, 5, 5, 5, 5, 5]]}
    )
    table = disagreement(scores, RUBRIC)
    assert list(table.columns) == [
        "entry",
        "instrument",
        "reviewers",
        "min",
        "max",
        "spread",
        "std",
        "flagged",
    ]
    first, second = table.iloc[0], table.iloc[1]
    assert (first["instrument"], first["spread"], first["flagged"]) == (1, 4, True)
    assert first["std"] == pytest.approx(pd.Series([3, 7, 5]).std(ddof=0))
    assert (second["instrument"], second["spread"], second["flagged"]) == (2, 3, False)
    assert table["flagged"].sum() == 1
    assert disagreement(scores, RUBRIC, spread_threshold=3)["flagged"].sum() == 2
    assert disagreement(scores, RUBRIC, ddof=1)["std"].iloc[0] == pytest.approx(2.0)


def test_disagreement_per_group_and_single_reviewer(make_scores):
    scores = pd.concat(
        [make_scores({"A": [7]}, month="2012-02"), make_scores({"A": [1, 10]}, month="2012-01")],
        ignore_index=True,
    )
    table = disagreement(scores, RUBRIC, group_by="month")
    assert table["month"].tolist() == ["2012-01"] * 8 + ["2012-02"] * 8
    assert table["flagged"].tolist() == [True] * 8 + [False] * 8
    assert table["std"].iloc[-1] == 0.0


def test_reviewer_calibration_compares_each_reviewer_on_the_pieces_they_scored(make_scores):
    scores = make_scores({"A": [8, 6, 7], "B": [9, 7]})
    table = reviewer_calibration(scores, RUBRIC).set_index("reviewer")
    assert list(table.columns) == ["sheets", "mean_total", "panel_mean", "distance"]
    # NA: A = 700, B = 800. R3 scored only A.
    assert table.loc["R1"].tolist() == [2, 850.0, 750.0, 100.0]
    assert table.loc["R2"].tolist() == [2, 650.0, 750.0, -100.0]
    assert table.loc["R3"].tolist() == [1, 700.0, 700.0, 0.0]


def test_reviewer_calibration_z_is_a_diagnostic_only(make_scores):
    scores = make_scores({"A": [8, 6], "B": [8, 6]}, month="2012-01")
    same = make_scores({"C": [7, 7]}, month="2012-02")
    both = pd.concat([scores, same], ignore_index=True)
    before = compute_results(both, RUBRIC, group_by="month")
    table = reviewer_calibration(both, RUBRIC, group_by="month", zscore=True)
    # January totals: 800, 600, 800, 600 -> std 100; R1 is 100 above the panel.
    assert table[["month", "reviewer", "z"]].values.tolist()[:2] == [
        ["2012-01", "R1", 1.0],
        ["2012-01", "R2", -1.0],
    ]
    assert table["z"].iloc[2:].isna().all()  # February: no spread at all
    pd.testing.assert_frame_equal(compute_results(both, RUBRIC, group_by="month"), before)


def test_reviewer_calibration_pools_groups_when_not_grouped(make_scores):
    scores = pd.concat(
        [make_scores({"A": [8, 6]}, kmw="1"), make_scores({"B": [9, 7]}, kmw="2")], ignore_index=True
    )
    table = reviewer_calibration(scores, RUBRIC, zscore=True).set_index("reviewer")
    assert table.loc["R1", "sheets"] == 2 and table.loc["R1", "distance"] == 100.0
    assert table.loc["R1", "z"] == pytest.approx(100.0 / pd.Series([800, 600, 900, 700]).std(ddof=0))


def test_analysis_does_not_change_its_input(make_scores):
    scores = make_scores({"A": [8, 6, 7]})
    before = scores.copy()
    disagreement(scores, RUBRIC)
    reviewer_calibration(scores, RUBRIC, zscore=True)
    pd.testing.assert_frame_equal(scores, before)
