"""The package is a library: pandas and the standard library only, with a stable API."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import scoring

ROOT = Path(__file__).resolve().parents[2]


def test_importing_scoring_loads_no_web_stack():
    code = (
        "import sys, scoring, scoring.cli; "
        "web = {'flask', 'sqlalchemy', 'portal', 'werkzeug'}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & web))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_no_module_mentions_the_portal():
    for path in (ROOT / "scoring").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import portal" not in text and "from portal" not in text, path
        assert len(text.splitlines()) <= 300, f"{path} is longer than 300 lines"


def test_public_api_signatures():
    def parameters(function):
        return list(inspect.signature(function).parameters)

    assert parameters(scoring.validate_scores) == [
        "scores",
        "rubric",
        "group_by",
        "min_panel",
        "consensus",
        "source",
    ]
    assert parameters(scoring.compute_results) == [
        "scores",
        "rubric",
        "group_by",
        "min_panel",
        "top",
        "require_pass",
        "consensus",
        "source",
    ]
    assert parameters(scoring.reviewer_totals) == ["scores", "rubric", "group_by"]
    assert parameters(scoring.rank_entries) == ["results", "group_by"]
    assert parameters(scoring.shortlist) == ["results", "k", "group_by", "require_pass"]
    assert parameters(scoring.disagreement)[:3] == ["scores", "rubric", "spread_threshold"]
    assert parameters(scoring.reviewer_calibration) == ["scores", "rubric", "group_by", "zscore"]
    assert inspect.signature(scoring.compute_results).parameters["min_panel"].default == 1
    assert inspect.signature(scoring.disagreement).parameters["spread_threshold"].default == 4


def test_every_public_function_has_a_docstring():
    for name in scoring.__all__:
        assert inspect.getdoc(getattr(scoring, name)), name


def test_the_rubric_and_the_quotas_load_without_pandas_and_every_name_resolves_on_first_use():
    """The package imports a module when one of its names is first used: a program that needs only the rubric,
    its errors or the quotas (the portal at start-up) does not import pandas."""
    code = (
        "import sys, scoring, scoring.quotas, scoring.spreadsheet; "
        "rubric = scoring.default_rubric(); scoring.RubricError; cell = scoring.spreadsheet.quote_text('=1'); "
        "print('pandas' in sys.modules, 'numpy' in sys.modules, cell); "
        "scoring.compute_results; print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["False False '=1", "True"]
    assert set(scoring.__all__) <= set(dir(scoring))
    for name in scoring.__all__:
        assert getattr(scoring, name).__module__.startswith("scoring."), name
    with pytest.raises(AttributeError, match="no_such_name"):
        scoring.no_such_name  # noqa: B018
