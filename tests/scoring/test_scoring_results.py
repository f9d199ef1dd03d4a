"""Totals, NA, passing, ranking with exact ties, shortlists and the tier rules."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring import (
    ScoringError,
    ScoringInputError,
    city_quota,
    city_shortlist,
    compute_results,
    default_rubric,
    national_shortlist,
    province_shortlist,
    rank_entries,
    reviewer_totals,
    shortlist,
)

RUBRIC = default_rubric()


def by_entry(results: pd.DataFrame) -> dict:
    return results.set_index("entry").to_dict("index")


def test_a_total_is_the_sum_of_score_times_weight(make_scores):
    scores = make_scores({"A": [[1, 2, 3, 4, 5, 6, 7, 8], 10, 1]})
    totals = reviewer_totals(scores, RUBRIC)
    assert list(totals.columns) == ["entry", "reviewer", "total", "rubric_version"]
    # 10*1 + 20*2 + 10*3 + 10*4 + 10*5 + 20*6 + 10*7 + 10*8
    assert totals["total"].tolist() == [440, 1000, 100]
    assert totals["total"].dtype == "int64"
    assert totals.attrs["rubric_version"] == "pob-2010"


def test_reviewer_totals_are_per_group_and_carry_sheet_columns(make_scores):
    scores = pd.concat(
        [make_scores({"A": [7]}, month="2012-02"), make_scores({"A": [6]}, month="2012-01")],
        ignore_index=True,
    )
    scores["note"] = "ok"
    totals = reviewer_totals(scores, RUBRIC, group_by="month")
    assert totals[["month", "entry", "reviewer", "note", "total"]].values.tolist() == [
        ["2012-01", "A", "R1", "ok", 600],
        ["2012-02", "A", "R1", "ok", 700],
    ]


def test_na_is_the_mean_of_the_reviewers_totals(make_scores):
    scores = make_scores({"A": [7, 8, [7, 7, 7, 7, 7, 7, 7, 8]], "B": [6, 7]})
    results = by_entry(compute_results(scores, RUBRIC))
    assert results["A"]["NA"] == pytest.approx((700 + 800 + 710) / 3)
    assert results["A"]["reviewers"] == 3
    assert results["B"]["NA"] == 650.0 and results["B"]["reviewers"] == 2


def test_reviewers_may_differ_per_piece_after_recusals(make_scores):
    scores = make_scores({"A": [7, 8], "B": [9, 5]})
    scores.loc[scores["entry"].eq("B") & scores["reviewer"].eq("R2"), "reviewer"] = "R3"
    results = by_entry(compute_results(scores, RUBRIC, min_panel=2))
    assert (results["A"]["NA"], results["B"]["NA"]) == (750.0, 700.0)


def test_a_piece_passes_at_the_passing_grade(make_scores):
    scores = make_scores({"at": [7], "below": [[7, 7, 7, 7, 7, 7, 7, 6]], "above": [8]})
    results = by_entry(compute_results(scores, RUBRIC))
    assert (results["at"]["passed"], results["below"]["passed"], results["above"]["passed"]) == (
        True,
        False,
        True,
    )


def test_results_columns_types_and_rubric_version(make_scores):
    results = compute_results(
        make_scores({"A": [7], "B": [8]}, month="2012-01"), RUBRIC, group_by=["month"], top=1
    )
    assert list(results.columns) == [
        "month",
        "entry",
        "reviewers",
        "NA",
        "passed",
        "rank",
        "tied",
        "shortlisted",
        "rubric_version",
    ]
    assert results.dtypes[["reviewers", "NA", "passed", "rank", "tied"]].astype(str).tolist() == [
        "int64",
        "float64",
        "bool",
        "int64",
        "bool",
    ]
    assert results.attrs["rubric_version"] == "pob-2010"
    assert set(results["rubric_version"]) == {"pob-2010"}
    assert "shortlisted" not in compute_results(make_scores({"A": [7]}), RUBRIC).columns


def test_na_keeps_full_precision(make_scores):
    scores = make_scores({"A": [7, 7, [7, 7, 7, 7, 7, 7, 7, 8]]})
    assert compute_results(scores, RUBRIC)["NA"].iloc[0] == 2110 / 3


def test_competition_ranking_within_groups(make_scores):
    january = make_scores({"A": [9], "B": [8], "C": [8], "D": [7], "E": [8]}, month="2012-01")
    february = make_scores({"F": [5], "G": [6]}, month="2012-02")
    results = compute_results(pd.concat([january, february], ignore_index=True), RUBRIC, group_by="month")
    assert results[["month", "entry", "rank", "tied"]].values.tolist() == [
        ["2012-01", "A", 1, False],
        ["2012-01", "B", 2, True],
        ["2012-01", "C", 2, True],
        ["2012-01", "E", 2, True],
        ["2012-01", "D", 5, False],
        ["2012-02", "G", 1, False],
        ["2012-02", "F", 2, False],
    ]


def test_equal_na_from_different_panel_sizes_is_a_tie(make_scores):
    # 2100/3 == 700 == 1400/2 exactly.
    scores = make_scores({"three": [6, 8, 7], "one": [7], "two": [6, 8], "next": [[7, 7, 7, 7, 7, 7, 7, 6]]})
    results = by_entry(compute_results(scores, RUBRIC))
    assert {e: (r["rank"], r["tied"]) for e, r in results.items()} == {
        "three": (1, True),
        "one": (1, True),
        "two": (1, True),
        "next": (4, False),
    }


def test_equality_is_exact_not_after_rounding(make_scores):
    # 2000/3 = 666.666..., 4000/6 is the same rational; 2001/3 = 667 and 666.67 differs from both.
    scores = make_scores(
        {
            "a": [6, 7, 7],  # 600 + 700 + 700 = 2000 -> 666.666...
            "b": [6, 6, 7, 7, 7, 7],  # 4000 / 6 -> 666.666...
            "c": [[6, 7, 7, 7, 7, 7, 7, 7], 7],  # 690 + 700 = 1390 -> 695
        }
    )
    results = by_entry(compute_results(scores, RUBRIC))
    assert results["a"]["NA"] == results["b"]["NA"]
    assert results["a"]["tied"] and results["b"]["tied"] and not results["c"]["tied"]
    near = pd.DataFrame({"entry": ["x", "y"], "NA": [2000 / 3, 666.67]})
    assert rank_entries(near)["rank"].tolist() == [2, 1]
    assert not rank_entries(near)["tied"].any()


def test_rank_entries_docstring_states_the_tie_rule():
    doc = rank_entries.__doc__
    assert "1, 2, 2, 4" in doc and "exact" in doc and "never breaks a tie" in doc


def test_rank_entries_does_not_change_its_input():
    results = pd.DataFrame({"entry": ["a", "b"], "NA": [700.0, 800.0]})
    before = results.copy()
    ranked = rank_entries(results)
    pd.testing.assert_frame_equal(results, before)
    assert ranked["rank"].tolist() == [2, 1]


def _results(na: dict[str, float], passing: float = 700) -> pd.DataFrame:
    return pd.DataFrame(
        {"entry": list(na), "NA": list(na.values()), "passed": [v >= passing for v in na.values()]}
    )


def _status(listed: pd.DataFrame) -> dict[str, str]:
    return dict(zip(listed["entry"], listed["shortlisted"], strict=True))


def test_shortlist_marks_yes_tie_and_no():
    results = _results({"a": 900, "b": 800, "c": 800, "d": 800, "e": 700})
    assert _status(shortlist(results, 2)) == {"a": "yes", "b": "tie", "c": "tie", "d": "tie", "e": "no"}
    assert _status(shortlist(results, 4)) == {"a": "yes", "b": "yes", "c": "yes", "d": "yes", "e": "no"}
    assert _status(shortlist(results, 1)) == {"a": "yes", "b": "no", "c": "no", "d": "no", "e": "no"}
    assert set(_status(shortlist(results, 0)).values()) == {"no"}
    assert set(_status(shortlist(results, 9)).values()) == {"yes"}


def test_shortlist_with_require_pass_counts_only_passing_pieces():
    results = _results({"a": 750, "b": 699.5, "c": 600})
    assert _status(shortlist(results, 3, require_pass=True)) == {"a": "yes", "b": "no", "c": "no"}
    assert _status(shortlist(results, 3)) == {"a": "yes", "b": "yes", "c": "yes"}


def test_shortlist_is_per_group():
    results = _results({"a": 900, "b": 800, "c": 900, "d": 900})
    results["month"] = ["1", "1", "2", "2"]
    assert _status(shortlist(results, 1, group_by="month")) == {"a": "yes", "b": "no", "c": "tie", "d": "tie"}


@pytest.mark.parametrize("k", [-1, 1.5, True, None])
def test_shortlist_refuses_a_bad_k(k):
    with pytest.raises(ScoringError):
        shortlist(_results({"a": 1}), k)  # type: ignore[arg-type]


def test_shortlist_needs_the_columns_it_reads():
    with pytest.raises(ScoringError, match="passed"):
        shortlist(pd.DataFrame({"entry": ["a"], "NA": [700.0]}), 1, require_pass=True)


def test_compute_results_shortlists_top_k(make_scores):
    scores = make_scores({"a": [9], "b": [8], "c": [8], "d": [6]})
    assert _status(compute_results(scores, RUBRIC, top=2)) == {"a": "yes", "b": "tie", "c": "tie", "d": "no"}
    assert _status(compute_results(scores, RUBRIC, top=4, require_pass=True))["d"] == "no"


def test_compute_results_refuses_a_bad_top(make_scores):
    with pytest.raises(ScoringError):
        compute_results(make_scores({"a": [9]}), RUBRIC, top=-1)


@pytest.mark.parametrize(("teams", "quota"), [(0, 2), (7, 2), (8, 3), (30, 3)])
def test_city_quota(teams, quota):
    assert city_quota(teams) == quota


@pytest.mark.parametrize("teams", [-1, 7.5, "8"])
def test_city_quota_refuses_nonsense(teams):
    with pytest.raises(ScoringError):
        city_quota(teams)  # type: ignore[arg-type]


def test_city_tier_sends_two_or_three_without_requiring_a_pass():
    results = _results({"a": 650, "b": 640, "c": 630, "d": 620})
    assert _status(city_shortlist(results, 7)) == {"a": "yes", "b": "yes", "c": "no", "d": "no"}
    assert _status(city_shortlist(results, 8)) == {"a": "yes", "b": "yes", "c": "yes", "d": "no"}


def test_province_tier_sends_its_best_three_that_passed():
    results = _results({"a": 900, "b": 800, "c": 750, "d": 720, "e": 690})
    assert _status(province_shortlist(results)) == {"a": "yes", "b": "yes", "c": "yes", "d": "no", "e": "no"}
    few = _results({"a": 900, "b": 600, "c": 500})
    assert _status(province_shortlist(few)) == {"a": "yes", "b": "no", "c": "no"}


def test_national_tier_picks_five_that_passed_and_leaves_ties_to_the_panel():
    results = _results({"a": 990, "b": 980, "c": 970, "d": 960, "e": 950, "f": 950, "g": 600})
    assert _status(national_shortlist(results)) == {
        "a": "yes",
        "b": "yes",
        "c": "yes",
        "d": "yes",
        "e": "tie",
        "f": "tie",
        "g": "no",
    }


def test_consensus_mode_na_is_the_single_sheet_total(make_scores):
    scores = make_scores({"A": [[7, 7, 7, 7, 7, 7, 7, 8]], "B": [6]})
    scores["reviewer"] = "konsensus"
    results = by_entry(compute_results(scores, RUBRIC, consensus=True, min_panel=3))
    assert (results["A"]["NA"], results["A"]["reviewers"], results["B"]["NA"]) == (710.0, 1, 600.0)
    with pytest.raises(ScoringInputError):
        compute_results(scores, RUBRIC, min_panel=3)


def test_columns_constant_per_piece_are_carried_through(make_scores):
    scores = make_scores({"A": [7, 8], "B": [6, 6]}, kmw="KMW-3", month="2012-01")
    scores["title"] = scores["entry"].map({"A": "Judul A", "B": "Judul B"})
    scores["note"] = range(len(scores))  # varies within a piece: cannot be carried
    scores["NA"] = 1  # an output name: never carried
    results = compute_results(scores, RUBRIC, group_by=["kmw", "month"])
    assert list(results.columns[:5]) == ["kmw", "month", "entry", "title", "reviewers"]
    assert "note" not in results.columns
    assert results["title"].tolist() == ["Judul A", "Judul B"]
    assert results["NA"].tolist() == [750.0, 600.0]


def test_compute_results_does_not_change_its_input(make_scores):
    scores = make_scores({"A": [7, 8], "B": [6, 6]})
    before = scores.copy()
    compute_results(scores, RUBRIC, top=1)
    reviewer_totals(scores, RUBRIC)
    pd.testing.assert_frame_equal(scores, before)


def test_compute_results_refuses_invalid_input(make_scores):
    scores = make_scores({"A": [7, 8]})
    scores.loc[0, "score"] = 11
    with pytest.raises(ScoringInputError) as error:
        compute_results(scores, RUBRIC, min_panel=3)
    assert len(error.value.problems) == 2


def test_empty_input_gives_empty_results():
    empty = pd.DataFrame({"entry": [], "reviewer": [], "instrument": [], "score": []})
    results = compute_results(empty, RUBRIC, top=3)
    assert results.empty and "shortlisted" in results.columns


def test_mixed_type_entries_and_categorical_groups(make_scores):
    january = make_scores({1: [7], "A": [8]}, month="2012-01")
    scores = pd.concat([january, make_scores({2: [7]}, month="2012-02")], ignore_index=True)
    scores["month"] = scores["month"].astype("category")
    results = compute_results(scores, RUBRIC, group_by="month", top=1)
    assert results[["entry", "rank", "shortlisted"]].values.tolist() == [
        ["A", 1, "yes"],
        [1, 2, "no"],
        [2, 1, "yes"],
    ]
