"""The scoring engine of the best-practice portal.

A library a statistician can use without the portal: pandas and the standard library
only. Input is a tidy table, one row per (entry, reviewer, instrument, score); other
columns (group keys such as ``kmw`` or ``month``, a title) are carried through. Every
function returns a new DataFrame and never changes its input.
"""

from __future__ import annotations

import importlib

# Where each name lives. The package imports a module only when one of its names is first used (PEP 562): the
# rubric, its errors and the quotas need only the standard library, and a program that uses just those (the
# portal's command line and task consumers at start-up) does not pay for importing pandas and NumPy.
_WHERE = {
    "DiscussionTables": "analysis", "disagreement": "analysis", "discussion_tables": "analysis",
    "reviewer_calibration": "analysis",
    "Problem": "errors", "RubricError": "errors", "ScoringError": "errors", "ScoringInputError": "errors",
    "rank_writers": "nominations",
    "city_quota": "ranking", "city_shortlist": "ranking", "national_shortlist": "ranking",
    "province_shortlist": "ranking", "rank_entries": "ranking", "shortlist": "ranking",
    "compute_results": "results", "reviewer_totals": "results",
    "Instrument": "rubric", "Rubric": "rubric", "default_rubric": "rubric", "rubric_from_mapping": "rubric",
    "load_rubric": "rubric_toml", "rubric_from_toml": "rubric_toml", "rubric_to_toml": "rubric_toml",
    "validate_scores": "validate",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'scoring' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"scoring.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
