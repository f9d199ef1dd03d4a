"""Command line: ``python -m scoring rank ...`` and ``python -m scoring rubric``.

A stable contract that other tools script against (see docs/scoring.md). Exit status:
0 on success, 2 when the input is refused (every problem on standard error, nothing
written). Usage errors also exit with 2, as argparse does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pandas as pd

from scoring.errors import Problem, ScoringError
from scoring.results import compute_results
from scoring.rubric import Rubric, default_rubric
from scoring.rubric_toml import load_rubric, rubric_to_toml
from scoring.spreadsheet import protect_workbook, quote_frame

EXIT_OK = 0
EXIT_REFUSED = 2
OUTPUT_SUFFIXES = (".csv", ".xlsx")
T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scoring", description="Penilaian karya best practice.")
    commands = parser.add_subparsers(dest="command", required=True)

    rank = commands.add_parser("rank", help="hitung NA, kelulusan, peringkat dan daftar pendek")
    rank.add_argument("scores", type=Path, help="CSV: entry, reviewer, instrument, score, ...")
    rank.add_argument("--rubric", type=Path, help="berkas rubrik TOML (bawaan: rubrik pob-2010)")
    rank.add_argument("--group-by", type=_column_list, default=(), help="kolom kelompok, dipisah koma")
    rank.add_argument("--min-panel", type=_positive_int, default=1, help="jumlah penilai minimal per karya")
    rank.add_argument("--top", type=_positive_int, help="K: tandai K karya terbaik per kelompok")
    rank.add_argument("--require-pass", action="store_true", help="hanya karya yang lulus yang boleh masuk K")
    rank.add_argument("--consensus", action="store_true", help="satu lembar konsensus per karya")
    rank.add_argument("--out", type=Path, required=True, help="RESULTS.csv atau RESULTS.xlsx")
    rank.set_defaults(run=_rank)

    rubric = commands.add_parser("rubric", help="cetak rubrik bawaan sebagai TOML")
    rubric.set_defaults(run=_print_rubric)
    return parser


def _column_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan bilangan bulat: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"harus >= 1: {text!r}")
    return value


def _print_rubric(args: argparse.Namespace) -> int:
    sys.stdout.write(rubric_to_toml(default_rubric()))
    return EXIT_OK


def _rank(args: argparse.Namespace) -> int:
    problems = _output_problems(args.out)
    rubric = _collect(problems, lambda: rubric_for(args.rubric))
    scores = _collect(problems, lambda: read_scores_csv(args.scores))
    results = None
    if rubric is not None and scores is not None:
        results = _collect(
            problems,
            lambda: compute_results(
                scores,
                rubric,
                group_by=args.group_by,
                min_panel=args.min_panel,
                top=args.top,
                require_pass=args.require_pass,
                consensus=args.consensus,
                source="csv",
            ),
        )
    if problems or results is None:
        _report(problems, args.scores)
        return EXIT_REFUSED
    write_results(results, args.out)
    return EXIT_OK


def _collect(problems: list[Problem], action: Callable[[], T]) -> T | None:
    """Run ``action``; on a ScoringError keep its problems and return None."""
    try:
        return action()
    except ScoringError as error:
        problems.extend(getattr(error, "problems", None) or [Problem(None, None, str(error))])
        return None


def _output_problems(out: Path) -> list[Problem]:
    found = []
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        found.append(Problem(None, None, f"berkas keluaran {out} harus berakhiran .csv atau .xlsx"))
    if not out.parent.is_dir():
        found.append(Problem(None, None, f"folder keluaran {out.parent} tidak ada"))
    return found


def _report(problems: list[Problem], scores_path: Path) -> None:
    print(f"{scores_path}: ditolak, {len(problems)} masalah:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def read_scores_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a score CSV with every cell as text (ids like ``007`` keep their zeros).

    Empty cells become missing values; validation turns ``score`` and ``instrument``
    into numbers. Raises :class:`ScoringError` when the file cannot be read.
    """
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ScoringError(f"berkas nilai {path} tidak dapat dibaca: {error}") from error


def results_for_output(results: pd.DataFrame) -> pd.DataFrame:
    """The results as written to a file: NA rounded to 2 decimals (ranks use full precision)."""
    shown = results.copy()
    shown["NA"] = shown["NA"].round(2)
    return shown


def write_results(results: pd.DataFrame, out: Path) -> None:
    """Write CSV or xlsx atomically: a failed write leaves no partial file behind.

    Ids, group keys and carried columns come from the input file: a text that a spreadsheet would run
    as a formula is written as text (:mod:`scoring.spreadsheet`); numbers stay numbers.
    """
    shown = results_for_output(results)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    os.close(handle)
    try:
        if out.suffix.lower() == ".xlsx":
            with pd.ExcelWriter(temporary, engine="openpyxl") as writer:
                shown.to_excel(writer, index=False)
                protect_workbook(writer.book)
        else:
            # CRLF line ends (RFC 4180): a cell holding a bare CR is then quoted, so it cannot start a
            # new row in a spreadsheet, where its text would be read as a new, unquoted cell.
            quote_frame(shown).to_csv(temporary, index=False, float_format="%.2f", lineterminator="\r\n")
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def rubric_for(path: Path | None) -> Rubric:
    """The rubric in ``path``, or the default rubric when no path is given."""
    return load_rubric(path) if path else default_rubric()
