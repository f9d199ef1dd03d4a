"""The workshop proposal: writers ranked per province by best practices, ties by mean NA (scoring/nominations.py)."""
import pandas as pd
import pytest

from scoring.errors import ScoringError
from scoring.nominations import rank_writers


def _frame(rows):
    return pd.DataFrame(rows, columns=["writer", "province", "piece", "NA"])


def test_most_best_practices_first_then_mean_na_then_writer_id():
    pieces = _frame([
        (1, 10, 100, 720.0), (1, 10, 101, 740.0),           # 2 pieces, mean 730
        (2, 10, 102, 900.0), (2, 10, 103, 700.0),           # 2 pieces, mean 800: before writer 1
        (3, 10, 104, 990.0),                                # 1 piece, the best NA, still after the two
        (4, 10, 105, 800.0), (4, 10, 106, 800.0),           # 2 pieces, mean 800: ties writer 2, larger id
        (5, 20, 107, 710.0),                                # another province
    ])
    before = pieces.copy()
    ranked = rank_writers(pieces, quota=2)
    pd.testing.assert_frame_equal(pieces, before)  # the input is not changed
    first = ranked[ranked.province == 10]
    assert first.writer.tolist() == [2, 4, 1, 3]
    assert first["rank"].tolist() == [1, 2, 3, 4]
    assert first.proposed.tolist() == [True, True, False, False]
    assert first.best_practices.tolist() == [2, 2, 2, 1]
    assert first.mean_NA.tolist() == [800.0, 800.0, 730.0, 990.0]
    other = ranked[ranked.province == 20]
    assert other.writer.tolist() == [5] and other.proposed.tolist() == [True]


def test_a_piece_on_two_rows_counts_once_and_missing_na_goes_last():
    pieces = _frame([(1, 10, 100, 800.0), (1, 10, 100, 800.0), (2, 10, 101, None), (3, 10, 102, 705.0)])
    ranked = rank_writers(pieces, quota=1)
    assert ranked.writer.tolist() == [1, 3, 2]
    assert ranked.best_practices.tolist() == [1, 1, 1]


def test_empty_input_and_bad_input():
    assert rank_writers(_frame([]), quota=2).empty
    assert list(rank_writers(_frame([]), quota=2).columns) == ["province", "writer", "best_practices", "mean_NA",
                                                              "rank", "proposed"]
    with pytest.raises(ScoringError):
        rank_writers(pd.DataFrame({"writer": [1]}), quota=1)
    with pytest.raises(ScoringError):
        rank_writers(_frame([(1, 1, 1, 700.0)]), quota=-1)
