"""The scoring engine of the best-practice portal.

A library a statistician can use without the portal: pandas and the standard library
only. Input is a tidy table, one row per (entry, reviewer, instrument, score); other
columns (group keys such as ``kmw`` or ``month``, a title) are carried through. Every
function returns a new DataFrame and never changes its input.
"""

from scoring.analysis import DiscussionTables, disagreement, discussion_tables, reviewer_calibration
from scoring.errors import Problem, RubricError, ScoringError, ScoringInputError
from scoring.nominations import rank_writers
from scoring.ranking import (
    city_quota,
    city_shortlist,
    national_shortlist,
    province_shortlist,
    rank_entries,
    shortlist,
)
from scoring.results import compute_results, reviewer_totals
from scoring.rubric import Instrument, Rubric, default_rubric, rubric_from_mapping
from scoring.rubric_toml import load_rubric, rubric_from_toml, rubric_to_toml
from scoring.validate import validate_scores

__all__ = [
    "DiscussionTables",
    "Instrument",
    "Problem",
    "Rubric",
    "RubricError",
    "ScoringError",
    "ScoringInputError",
    "city_quota",
    "city_shortlist",
    "compute_results",
    "default_rubric",
    "disagreement",
    "discussion_tables",
    "load_rubric",
    "national_shortlist",
    "province_shortlist",
    "rank_entries",
    "rank_writers",
    "reviewer_calibration",
    "reviewer_totals",
    "rubric_from_mapping",
    "rubric_from_toml",
    "rubric_to_toml",
    "shortlist",
    "validate_scores",
]
