"""The package is a library: pandas and the standard library only, with a stable API."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

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
