"""Property tests: invariants that hold for any valid table and any valid rubric."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import (
    Instrument,
    Rubric,
    ScoringInputError,
    compute_results,
    default_rubric,
    rubric_from_toml,
    rubric_to_toml,
    shortlist,
    validate_scores,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    """Valid rubrics: 1 to 4 instruments whose positive weights add up to 100."""
    count = draw(st.integers(1, 4))
    codes = draw(st.lists(st.integers(1, 9), min_size=count, max_size=count, unique=True))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    low = draw(st.integers(0, 2))
    high = draw(st.integers(low + 1, low + 6))
    text = st.text(min_size=1, max_size=12).filter(str.strip)
    instruments = tuple(
        Instrument(code, draw(text), draw(st.text(max_size=20)), weight)
        for code, weight in zip(codes, weights, strict=True)
    )
    return Rubric(draw(text), draw(st.integers(low * 100, high * 100)), low, high, instruments)


@st.composite
def tables(draw: st.DrawFn) -> tuple[Rubric, pd.DataFrame]:
    """A rubric and a valid tidy table: 1-3 months, 1-5 pieces each, 1-4 reviewers per piece."""
    rubric = draw(st.one_of(st.just(default_rubric()), rubrics()))
    # Few distinct scores, so that equal NA (ties) happen often.
    score = st.integers(rubric.min_score, min(rubric.max_score, rubric.min_score + 2)) | st.integers(
        rubric.min_score, rubric.max_score
    )
    rows = []
    for month in range(draw(st.integers(1, 3))):
        for piece in range(draw(st.integers(1, 5))):
            reviewers = draw(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=4, unique=True))
            for reviewer in reviewers:
                for code in rubric.codes:
                    rows.append(
                        {
                            "month": f"m{month}",
                            "entry": f"e{piece}",
                            "reviewer": reviewer,
                            "instrument": code,
                            "score": draw(score),
                        }
                    )
    return rubric, pd.DataFrame(rows)


def exact_na(scores: pd.DataFrame, rubric: Rubric) -> dict[tuple[str, str], Fraction]:
    """NA as exact fractions, computed independently of the engine."""
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in scores.itertuples():
        totals[(row.month, row.entry, row.reviewer)] += row.score * rubric.weights[row.instrument]
    sheets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (month, entry, _), total in totals.items():
        sheets[(month, entry)].append(total)
    return {key: Fraction(sum(values), len(values)) for key, values in sheets.items()}


@SETTINGS
@given(tables())
def test_na_lies_between_the_smallest_and_largest_possible_totals(table):
    rubric, scores = table
    results = compute_results(scores, rubric, group_by="month")
    assert results["NA"].between(rubric.min_total, rubric.max_total).all()


@SETTINGS
@given(tables())
def test_na_is_the_exact_mean_correctly_rounded(table):
    rubric, scores = table
    results = compute_results(scores, rubric, group_by="month")
    expected = exact_na(scores, rubric)
    assert {(r.month, r.entry): r.NA for r in results.itertuples()} == {
        k: float(v) for k, v in expected.items()
    }
    assert (results["passed"] == (results["NA"] >= rubric.passing_grade)).all()


@SETTINGS
@given(tables(), st.randoms(use_true_random=False))
def test_row_order_never_changes_results(table, random):
    rubric, scores = table
    order = list(range(len(scores)))
    random.shuffle(order)
    shuffled = scores.iloc[order]
    options = {"group_by": ["month"], "top": 2, "require_pass": random.random() < 0.5}
    pd.testing.assert_frame_equal(
        compute_results(scores, rubric, **options), compute_results(shuffled, rubric, **options)
    )


@SETTINGS
@given(tables())
def test_ranks_are_consistent_with_exact_na(table):
    rubric, scores = table
    results = compute_results(scores, rubric, group_by="month")
    na = exact_na(scores, rubric)
    for row in results.itertuples():
        peers = [v for (month, _), v in na.items() if month == row.month]
        mine = na[(row.month, row.entry)]
        assert row.rank == 1 + sum(v > mine for v in peers)
        assert row.tied == (sum(v == mine for v in peers) > 1)


@SETTINGS
@given(tables(), st.data())
def test_raising_one_score_never_lowers_that_pieces_na(table, data):
    rubric, scores = table
    raisable = scores.index[scores["score"] < rubric.max_score]
    if raisable.empty:
        return
    row = data.draw(st.sampled_from(list(raisable)))
    raised = scores.copy()
    raised.loc[row, "score"] += data.draw(st.integers(1, rubric.max_score - scores.loc[row, "score"]))
    key = ["month", "entry"]
    before = compute_results(scores, rubric, group_by="month").set_index(key)["NA"]
    after = compute_results(raised, rubric, group_by="month").set_index(key)["NA"]
    piece = tuple(scores.loc[row, key])
    assert after[piece] >= before[piece]
    assert after.drop(index=[piece]).equals(before.drop(index=[piece]))


@SETTINGS
@given(tables(), st.integers(0, 6), st.booleans())
def test_a_shortlist_never_holds_more_than_k_yes(table, k, require_pass):
    rubric, scores = table
    results = compute_results(scores, rubric, group_by="month")
    listed = shortlist(results, k, "month", require_pass=require_pass)
    for _, group in listed.groupby("month"):
        yes = group[group["shortlisted"] == "yes"]
        tie = group[group["shortlisted"] == "tie"]
        eligible = group[group["passed"]] if require_pass else group
        assert len(yes) <= k
        assert group.loc[group["shortlisted"] != "no", "NA"].isin(eligible["NA"]).all()
        assert tie["NA"].nunique() <= 1  # only the tie group at the cut-off
        if len(tie):
            assert len(yes) < k < len(yes) + len(tie)
        else:  # no tie at the cut-off: exactly min(K, eligible) go up
            assert len(yes) == min(k, len(eligible))
        if len(yes) and len(group) > len(yes):
            rest = eligible[eligible["shortlisted"] != "yes"]
            assert rest.empty or yes["NA"].min() > rest["NA"].max()


@SETTINGS
@given(tables(), st.data())
def test_a_bad_score_is_refused_on_its_own_line(table, data):
    rubric, scores = table
    row = data.draw(st.integers(0, len(scores) - 1))
    bad = scores.copy()
    bad.loc[row, "score"] = data.draw(st.sampled_from([rubric.max_score + 1, rubric.min_score - 1]))
    with pytest.raises(ScoringInputError) as error:
        validate_scores(bad, rubric, group_by="month", source="csv")
    assert [(p.row, p.column) for p in error.value.problems] == [(row + 2, "score")]


@SETTINGS
@given(rubrics())
def test_toml_round_trip(rubric):
    assert rubric_from_toml(rubric_to_toml(rubric)) == rubric
