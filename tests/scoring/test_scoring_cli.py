"""The command line contract: output columns, exit 2 with every problem, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scoring import default_rubric, rubric_from_toml, rubric_to_toml
from scoring.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scores_csv(tmp_path, make_scores):
    """A CSV of two months; entry ``007`` checks that ids keep their zeros."""
    january = make_scores({"007": [9, 9, 9], "B": [7, 8, 6], "C": [6, 8, 7], "D": [5, 5, 5]}, month="2012-01")
    february = make_scores({"E": [8, 8, 8]}, month="2012-02")
    path = tmp_path / "scores.csv"
    pd.concat([january, february]).to_csv(path, index=False)
    return path


def test_rank_writes_the_contract_columns(scores_csv, tmp_path, capsys):
    out = tmp_path / "results.csv"
    status = main(
        ["rank", str(scores_csv), "--group-by", "month", "--min-panel", "3", "--top", "1", "--out", str(out)]
    )
    assert status == 0
    assert capsys.readouterr().err == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "month,entry,reviewers,NA,passed,rank,tied,shortlisted,rubric_version",
        "2012-01,007,3,900.00,True,1,False,yes,pob-2010",
        "2012-01,B,3,700.00,True,2,True,no,pob-2010",
        "2012-01,C,3,700.00,True,2,True,no,pob-2010",
        "2012-01,D,3,500.00,False,4,False,no,pob-2010",
        "2012-02,E,3,800.00,True,1,False,yes,pob-2010",
    ]


def test_na_is_written_with_two_decimals(tmp_path, make_scores):
    scores = make_scores({"A": [7, 7, [7, 7, 7, 7, 7, 7, 7, 8]]})
    scores.to_csv(tmp_path / "s.csv", index=False)
    assert main(["rank", str(tmp_path / "s.csv"), "--out", str(tmp_path / "r.csv")]) == 0
    assert pd.read_csv(tmp_path / "r.csv", dtype=str)["NA"].tolist() == ["703.33"]


def test_rank_writes_xlsx(scores_csv, tmp_path):
    out = tmp_path / "results.xlsx"
    assert (
        main(
            [
                "rank",
                str(scores_csv),
                "--group-by",
                "month",
                "--top",
                "2",
                "--require-pass",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    table = pd.read_excel(out, dtype={"entry": str})
    assert table["entry"].tolist() == ["007", "B", "C", "D", "E"]
    assert table["shortlisted"].tolist() == ["yes", "tie", "tie", "no", "yes"]


def test_rank_with_a_rubric_file_and_consensus(tmp_path, make_scores):
    rubric = tmp_path / "rubric.toml"
    rubric.write_text(rubric_to_toml(default_rubric()).replace("passing_grade = 700", "passing_grade = 800"))
    scores = make_scores({"A": [7], "B": [8]})
    scores["reviewer"] = "konsensus"
    scores.to_csv(tmp_path / "s.csv", index=False)
    out = tmp_path / "r.csv"
    assert (
        main(
            [
                "rank",
                str(tmp_path / "s.csv"),
                "--rubric",
                str(rubric),
                "--consensus",
                "--min-panel",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert pd.read_csv(out)["passed"].tolist() == [True, False]


def test_refused_input_exits_2_lists_every_problem_and_writes_nothing(scores_csv, tmp_path, capsys):
    text = scores_csv.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("007,R1,1,9", "007,R1,1,11")
    text[5] = text[5].replace(",5,9,", ",5,9.5,")
    text.append(text[-1])
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "results.csv"
    status = main(["rank", str(bad), "--group-by", "month", "--min-panel", "4", "--out", str(out)])
    assert status == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{bad}: ditolak, 8 masalah:"
    assert "  baris 2, kolom score: nilai '11' di luar rentang 1 sampai 10" in err
    assert "  baris 6, kolom score: nilai '9.5' bukan bilangan bulat" in err
    assert sum("minimal 4" in line for line in err) == 5
    assert any(line.startswith("  baris 122, kolom instrument: duplikat") for line in err)
    assert not out.exists()
    assert set(tmp_path.iterdir()) == {scores_csv, bad}  # no temporary file left either


def test_missing_columns_and_a_bad_rubric_are_reported_together(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("entry,reviewer,points\nA,R1,7\n", encoding="utf-8")
    (tmp_path / "r.toml").write_text('version = "x"\n', encoding="utf-8")
    out = tmp_path / "r.csv"
    assert (
        main(["rank", str(tmp_path / "s.csv"), "--rubric", str(tmp_path / "r.toml"), "--out", str(out)]) == 2
    )
    err = capsys.readouterr().err
    assert "paling sedikit satu instrumen" in err
    assert not out.exists()


def test_missing_columns_are_named(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("entry,reviewer,points\nA,R1,7\n", encoding="utf-8")
    assert (
        main(["rank", str(tmp_path / "s.csv"), "--group-by", "kmw,month", "--out", str(tmp_path / "r.csv")])
        == 2
    )
    err = capsys.readouterr().err.splitlines()[1:]
    assert err == [
        "  kolom kmw: kolom tidak ada",
        "  kolom month: kolom tidak ada",
        "  kolom instrument: kolom tidak ada",
        "  kolom score: kolom tidak ada",
    ]


@pytest.mark.parametrize("name", ["results.txt", "missing-folder/results.csv"])
def test_a_bad_output_path_is_refused(scores_csv, tmp_path, capsys, name):
    assert main(["rank", str(scores_csv), "--out", str(tmp_path / name)]) == 2
    assert "keluaran" in capsys.readouterr().err


def test_an_unreadable_scores_file_is_refused(tmp_path, capsys):
    assert main(["rank", str(tmp_path / "none.csv"), "--out", str(tmp_path / "r.csv")]) == 2
    assert "tidak dapat dibaca" in capsys.readouterr().err
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert main(["rank", str(tmp_path / "empty.csv"), "--out", str(tmp_path / "r.csv")]) == 2
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("option", [["--min-panel", "0"], ["--top", "x"], []])
def test_usage_errors_exit_2(scores_csv, option, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["rank", str(scores_csv), *option])  # the last case lacks --out
    assert exit_.value.code == 2


def test_rubric_prints_the_default_rubric_as_toml(capsys):
    assert main(["rubric"]) == 0
    assert rubric_from_toml(capsys.readouterr().out) == default_rubric()


def test_python_dash_m_scoring(scores_csv, tmp_path):
    out = tmp_path / "r.csv"
    command = [
        sys.executable,
        "-m",
        "scoring",
        "rank",
        str(scores_csv),
        "--min-panel",
        "9",
        "--out",
        str(out),
    ]
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1 + 5
    assert not out.exists()
    printed = subprocess.run(
        [sys.executable, "-m", "scoring", "rubric"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert printed.returncode == 0 and rubric_from_toml(printed.stdout) == default_rubric()
