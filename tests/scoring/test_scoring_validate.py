"""Refusals of the tidy score table: every rule, every problem, named by line or row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring import Problem, ScoringError, ScoringInputError, default_rubric, validate_scores

RUBRIC = default_rubric()
KNOWN = "rubrik pob-2010 memakai kode 1, 2, 3, 4, 5, 6, 7, 8"


def refusals(scores: pd.DataFrame, **options) -> list[str]:
    with pytest.raises(ScoringInputError) as error:
        validate_scores(scores, RUBRIC, **options)
    return [str(p) for p in error.value.problems]


def test_problem_text_names_the_csv_line_or_the_dataframe_row():
    assert str(Problem(5, "score", "nilai kosong")) == "baris 5, kolom score: nilai kosong"
    in_frame = Problem(3, "score", "nilai kosong", "dataframe")
    assert str(in_frame) == "baris (indeks) 3, kolom score: nilai kosong"
    assert str(Problem(None, "kmw", "kolom tidak ada")) == "kolom kmw: kolom tidak ada"
    assert str(Problem(None, None, "x")) == "x"


def test_a_valid_table_passes(make_scores):
    assert validate_scores(make_scores({"A": [7, 8, 9]}), RUBRIC, min_panel=3) is None


def test_scores_that_are_not_whole_numbers_in_range_are_refused(make_scores):
    scores = make_scores({"A": [7]}).astype({"score": object})
    scores.loc[[0, 1, 2, 3, 4], "score"] = [7.5, 11, 0, "tujuh", None]
    assert refusals(scores, source="csv") == [
        "baris 2, kolom score: nilai 7.5 bukan bilangan bulat",
        "baris 3, kolom score: nilai 11 di luar rentang 1 sampai 10",
        "baris 4, kolom score: nilai 0 di luar rentang 1 sampai 10",
        "baris 5, kolom score: nilai 'tujuh' bukan bilangan bulat",
        "baris 6, kolom score: nilai kosong",
    ]


def test_dataframe_rows_are_named_by_position(make_scores):
    scores = make_scores({"A": [7]})
    scores.loc[2, "score"] = 12
    assert refusals(scores) == ["baris (indeks) 2, kolom score: nilai 12 di luar rentang 1 sampai 10"]


def test_whole_floats_and_numeric_text_are_accepted(make_scores):
    scores = make_scores({"A": [7]})
    validate_scores(scores.astype({"score": float}), RUBRIC)
    validate_scores(scores.astype({"score": str, "instrument": str}), RUBRIC)
    validate_scores(scores.astype({"score": "Int64"}), RUBRIC)


def test_unknown_instruments_are_refused(make_scores):
    scores = make_scores({"A": [7]}).astype({"instrument": object})
    scores.loc[[6, 7], "instrument"] = [9, "x"]
    assert refusals(scores, source="csv") == [
        "baris 2, kolom instrument: lembar penilai R1 untuk karya A tidak lengkap: instrumen 7, 8 tidak ada",
        f"baris 8, kolom instrument: instrumen 9 tidak dikenal; {KNOWN}",
        f"baris 9, kolom instrument: instrumen 'x' tidak dikenal; {KNOWN}",
    ]


def test_duplicates_name_the_first_occurrence(make_scores):
    scores = make_scores({"A": [7, 7]})
    scores = pd.concat([scores, scores.iloc[[9]]], ignore_index=True)
    assert refusals(scores, source="csv") == [
        "baris 18, kolom instrument: duplikat: karya A, penilai R2, instrumen 2 sudah ada di baris 11"
    ]
    assert refusals(scores) == [
        "baris (indeks) 16, kolom instrument: duplikat: karya A, penilai R2, instrumen 2 sudah ada di "
        + "baris (indeks) 9"
    ]


def test_a_sheet_missing_instruments_is_refused(make_scores):
    scores = make_scores({"A": [7, 7]}).drop(index=[9, 15]).reset_index(drop=True)
    assert refusals(scores, source="csv") == [
        "baris 10, kolom instrument: lembar penilai R2 untuk karya A tidak lengkap: instrumen 2, 8 tidak ada"
    ]


def test_a_panel_smaller_than_the_minimum_is_refused(make_scores):
    scores = make_scores({"A": [7, 7, 7], "B": [7, 7]})
    assert refusals(scores, min_panel=3, source="csv") == [
        "baris 26, kolom reviewer: karya B hanya dinilai oleh 2 penilai; minimal 3"
    ]
    validate_scores(scores, RUBRIC, min_panel=2)


def test_missing_columns_are_refused():
    scores = pd.DataFrame({"entry": ["A"], "points": [7]})
    assert refusals(scores, group_by=["kmw"]) == [
        "kolom kmw: kolom tidak ada",
        "kolom reviewer: kolom tidak ada",
        "kolom instrument: kolom tidak ada",
        "kolom score: kolom tidak ada",
    ]


def test_a_repeated_column_is_refused(make_scores):
    scores = make_scores({"A": [7]})
    scores = pd.concat([scores, scores[["score"]]], axis=1)
    assert refusals(scores) == ["kolom score: kolom muncul lebih dari sekali"]


def test_empty_keys_are_refused(make_scores):
    scores = make_scores({"A": [7, 7]}, month="2012-01")
    scores.loc[0, "entry"] = None
    scores.loc[8, "reviewer"] = np.nan
    scores.loc[9, "month"] = None
    sheet = "lembar penilai {} untuk karya A (month=2012-01) tidak lengkap".format
    assert refusals(scores, group_by="month", source="csv") == [
        "baris 2, kolom entry: nilai kosong",
        f"baris 3, kolom instrument: {sheet('R1')}: instrumen 1 tidak ada",
        "baris 10, kolom reviewer: nilai kosong",
        "baris 11, kolom month: nilai kosong",
        f"baris 12, kolom instrument: {sheet('R2')}: instrumen 1, 2 tidak ada",
    ]


def test_group_keys_tell_pieces_apart(make_scores):
    scores = pd.concat(
        [make_scores({"TF-01": [7]}, month="2012-01"), make_scores({"TF-01": [8]}, month="2012-02")],
        ignore_index=True,
    )
    validate_scores(scores, RUBRIC, group_by=["month"])
    expected = "duplikat: karya TF-01, penilai R1, instrumen 1 sudah ada di baris (indeks) 0"
    assert refusals(scores)[0].endswith(expected)


def test_consensus_mode_needs_exactly_one_sheet_per_piece(make_scores):
    scores = make_scores({"A": [7], "B": [6, 8]})
    assert refusals(scores, consensus=True, min_panel=3, source="csv") == [
        "baris 10, kolom reviewer: mode konsensus: karya B memiliki 2 lembar (R1, R2); harus tepat satu"
    ]
    validate_scores(make_scores({"A": [7], "B": [6]}), RUBRIC, consensus=True, min_panel=3)


def test_every_problem_is_reported_in_line_order(make_scores):
    scores = make_scores({"A": [7, 7, 7], "B": [7, 7]}).astype({"score": object})
    scores.loc[3, "score"] = 11
    scores.loc[20, "instrument"] = 9
    scores = scores.drop(index=[30])
    problems = refusals(scores, min_panel=3, source="csv")
    assert len(problems) == 5
    assert [p.split(",")[0] for p in problems] == ["baris 5", "baris 18", "baris 22", "baris 26", "baris 26"]


def test_the_input_is_not_changed(make_scores):
    scores = make_scores({"A": [7]}).astype({"score": object})
    scores.loc[0, "score"] = "x"
    before = scores.copy()
    refusals(scores)
    pd.testing.assert_frame_equal(scores, before)


def test_an_invalid_rubric_is_refused(make_scores):
    import dataclasses

    from scoring import RubricError

    with pytest.raises(RubricError):
        validate_scores(make_scores({"A": [7]}), dataclasses.replace(RUBRIC, max_score=0))


@pytest.mark.parametrize(
    "options",
    [{"min_panel": 0}, {"min_panel": True}, {"source": "excel"}, {"group_by": ["entry"]}],
)
def test_bad_options_are_scoring_errors(make_scores, options):
    with pytest.raises(ScoringError):
        validate_scores(make_scores({"A": [7]}), RUBRIC, **options)


def test_scores_must_be_a_dataframe():
    with pytest.raises(ScoringError):
        validate_scores([{"entry": "A"}], RUBRIC)  # type: ignore[arg-type]


def test_an_empty_table_is_valid():
    validate_scores(pd.DataFrame(columns=["entry", "reviewer", "instrument", "score"]), RUBRIC)


def test_boolean_scores_are_not_whole_numbers(make_scores):
    scores = make_scores({"A": [1]})
    scores["score"] = True
    problems = refusals(scores)
    assert len(problems) == 8 and problems[0].endswith("nilai True bukan bilangan bulat")


def test_unsigned_and_huge_numbers_are_checked_by_range(make_scores):
    scores = make_scores({"A": [7]}).astype({"score": "uint64"})
    validate_scores(scores, RUBRIC)
    scores.loc[0, "score"] = 2**64 - 1
    assert refusals(scores) == [
        f"baris (indeks) 0, kolom score: nilai {2**64 - 1} di luar rentang 1 sampai 10"
    ]
    floats = make_scores({"A": [7]}).astype({"score": float})
    floats.loc[0, "score"] = 1e300
    assert refusals(floats) == ["baris (indeks) 0, kolom score: nilai 1e+300 di luar rentang 1 sampai 10"]
