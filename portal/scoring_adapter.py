"""The one adapter between the ORM and the scoring engine.

Every score table the portal hands to ``scoring`` is built here, in one bulk query: tidy long rows
``entry`` (Entry.id), ``piece`` (Piece.id), ``reviewer`` (user id), ``instrument``, ``score`` plus
``panel``, ``period`` and ``tier``. No other portal code builds score tables by hand.

Which sheets count:

* only submitted sheets (``submitted_only``), never drafts;
* never the sheet of a member recused from the entry (NA uses the members who scored);
* in an individual-mode panel the members' own sheets; in a consensus-mode panel the chair's one
  consensus sheet (``ScoreSheet.consensus``).

The rubric settings the pages show come from here too: a panel decides by its own rubric version
(:func:`passing_grade`, :func:`panel_rubric`); a text that explains the rule outside any panel shows the
active rubric's. A decided panel's "passed" is the stored ``Entry.passed``, never compared again.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import String, and_, bindparam, select, type_coerce

import scoring
from portal import tiers
from portal.db import select_rows
from portal.extensions import db
from portal.kept import Kept
from portal.models.org import Team, TeamKind
from portal.models.reviews import (
    Entry,
    EntryStatus,
    Panel,
    PanelMode,
    Recusal,
    RubricVersion,
    Score,
    ScoreSheet,
    SheetStatus,
)
from portal.rubrics import shown_rubric, to_engine

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd

COLUMNS = ["entry", "piece", "reviewer", "instrument", "score", "panel", "period", "tier", "consensus"]
RESULT_COLUMNS = ["entry", "piece", "reviewers", "NA", "passed", "rank", "tied", "shortlisted", "outside_quota",
                  "selected"]


def _entry_filter(panel_or_entries):
    if isinstance(panel_or_entries, Panel):
        return Entry.panel_id == panel_or_entries.id
    ids = [e.id if isinstance(e, Entry) else int(e) for e in panel_or_entries]
    return Entry.id.in_(ids)


def scores_frame(panel_or_entries: Panel | Iterable[Entry | int], *, submitted_only: bool = True,
                 consensus: bool | None = None) -> pd.DataFrame:
    """The tidy score table of a panel (or of some entries), in one query.

    ``consensus``: None keeps every sheet, True only consensus sheets, False only members' own sheets.
    Sheets of recused members are left out. Rows with an empty score (a draft in progress) are left out.
    """
    import numpy as np
    import pandas as pd

    single = isinstance(panel_or_entries, Panel)
    if single:
        query, params = _panel_query(submitted_only, consensus), {"panel_id": panel_or_entries.id}
    else:
        query, params = _score_query(_entry_filter(panel_or_entries), False, submitted_only, consensus), {}
    columns = query.selected_columns
    rows = _rows(query, params)
    values = list(zip(*rows)) if rows else [()] * len(columns)
    count = len(rows)
    data = {name: np.array(values[i], dtype=np.int64)
            for i, name in enumerate(("entry", "piece", "reviewer", "instrument", "score"))}
    if single:
        data["panel"] = np.full(count, panel_or_entries.id, dtype=np.int64)
        data["period"] = np.full(count, panel_or_entries.period, dtype=object)
        data["tier"] = np.full(count, getattr(panel_or_entries.tier, "value", panel_or_entries.tier), dtype=object)
    else:
        data["panel"] = np.array(values[5], dtype=np.int64)
        data["period"] = np.array(values[6], dtype=object)
        data["tier"] = np.array(values[7], dtype=object)
    data["consensus"] = np.array(values[-1], dtype=bool) if consensus is None else np.full(count, consensus, dtype=bool)
    # Text columns as Series of objects: the frame is built at once and pandas does not look for dates in them.
    index = pd.RangeIndex(count)
    for name in ("period", "tier"):
        data[name] = pd.Series(data[name], index=index, dtype=object, copy=False)
    return pd.DataFrame(data, index=index, copy=False)


def _score_query(entries, single: bool, submitted_only: bool, consensus: bool | None):
    """The score rows of ``entries`` (a condition on Entry). Only what varies from row to row is read: a
    panel's own id, month and tier, and the sheet kind asked for, are known (on a panel's few thousand scores,
    reading a column costs more than the query itself)."""
    recused = select(Recusal.id).where(and_(Recusal.entry_id == ScoreSheet.entry_id,
                                            Recusal.user_id == ScoreSheet.user_id)).exists()
    columns = [Entry.id, Entry.piece_id, ScoreSheet.user_id, Score.instrument_code, Score.score]
    if not single:
        columns += [Entry.panel_id, Panel.period, type_coerce(Panel.tier, String)]
    if consensus is None:
        columns.append(ScoreSheet.consensus)
    query = (
        select(*columns)
        .join(ScoreSheet, ScoreSheet.entry_id == Entry.id)
        .join(Score, Score.sheet_id == ScoreSheet.id)
        .where(entries, Score.score.is_not(None), ~recused)
        .order_by(Entry.id, ScoreSheet.user_id, Score.instrument_code)
    )
    if not single:
        query = query.join(Panel, Panel.id == Entry.panel_id)
    if submitted_only:
        query = query.where(ScoreSheet.status == SheetStatus.SUBMITTED)
    if consensus is not None:
        query = query.where(ScoreSheet.consensus.is_(consensus))
    return query


@functools.cache
def _panel_query(submitted_only: bool, consensus: bool | None):
    """One panel's score query, built once (the panel id is bound when it runs): SQLAlchemy then finds its
    compiled form without building the statement and its cache key again on every page."""
    return _score_query(Entry.panel_id == bindparam("panel_id"), True, submitted_only, consensus)


def _rows(query, params: dict) -> list:
    """All rows of a column query, through the session's connection (the ORM's per-row processing of a
    column query costs more than the query itself on a panel's few thousand scores)."""
    if db.session.autoflush:
        db.session.flush()  # what session.execute would do: pending changes are part of the answer
    return db.session.connection().execute(query, params).all()


# A rubric version is created whole and never edited (portal/rubric_admin makes a new version instead), so its
# engine form is kept per worker: a score sheet or a panel page then loads the version's row, not its instruments.
# Kept keys on the content generation too, so a database emptied and refilled (ids used again) is never served
# another database's rubric.
_engine_rubrics: Kept[scoring.Rubric] = Kept(32)


def panel_rubric(panel: Panel) -> scoring.Rubric:
    """The engine rubric of the panel (the active one when the panel has none recorded yet). A read: it never
    stores the default rubric (``shown_rubric``), so a page that only shows a grade writes nothing. ``panel``
    may be a read model with ``rubric_id`` and ``rubric`` (``portal.panels.queries.PanelView``)."""
    if panel.rubric_id is not None:  # a saved version is never edited: kept by its id, loaded only to build it
        return _engine_rubrics.get(("rubric", panel.rubric_id), lambda: to_engine(panel.rubric))
    version = panel.rubric or shown_rubric()  # a panel not yet flushed, or none recorded
    if version.id is None:  # the unsaved copy of the engine's default
        return to_engine(version)
    return _engine_rubrics.get(("rubric", version.id), lambda: to_engine(version))


def passing_grade(panel: Panel | None = None) -> int:
    """The passing grade of the panel's rubric version; without a panel (a text explaining the rule), or for
    a panel with no rubric recorded yet, the active rubric's."""
    version = panel.rubric if panel is not None and panel.rubric is not None else shown_rubric()
    return version.passing_grade


def passing_grades(panel_ids: Iterable[int]) -> dict[int, int]:
    """panel id -> :func:`passing_grade` for many panels, in one query (dashboards, public pages)."""
    ids = sorted({int(i) for i in panel_ids})
    if not ids:
        return {}
    rows = select_rows(_PASSING_GRADES, {"panel_ids": ids}).all()
    return dict(zip([panel_id for panel_id, _ in rows], recorded_grades([grade for _, grade in rows])))


# Built once (expanding parameter): SQLAlchemy reuses its cache key.
_PASSING_GRADES = (select(Panel.id, RubricVersion.passing_grade)
                   .outerjoin(RubricVersion, RubricVersion.id == Panel.rubric_id)
                   .where(Panel.id.in_(bindparam("panel_ids", expanding=True))))


def recorded_grades(grades: list[int | None]) -> list[int]:
    """The passing grades of panels read with their rubric version's ``passing_grade`` (outer-joined, None for a
    panel with no rubric recorded yet: the active rubric's, as :func:`passing_grade` says)."""
    if any(grade is None for grade in grades):
        fallback = shown_rubric().passing_grade
        return [fallback if grade is None else grade for grade in grades]
    return list(grades)


def sheet_total(panel: Panel, values: Mapping[int, int | None]) -> int:
    """One sheet's weighted total as filled so far (instrument code -> score, None for an empty one), by
    the weights of the panel's rubric version."""
    return panel_rubric(panel).total(values)


def max_total(panel: Panel) -> int:
    """The largest total a member can give under the panel's rubric version."""
    return panel_rubric(panel).max_total


def panel_scores(panel: Panel) -> pd.DataFrame:
    """The scores that count for the panel's decision: the members' own submitted sheets, or the chair's
    consensus sheet in a consensus-mode panel. A page that shows several views of them reads them once and
    passes them as ``scores`` to the functions below."""
    return scores_frame(panel, consensus=panel.mode == PanelMode.CONSENSUS)


def _own_sheets(panel: Panel, scores: pd.DataFrame | None) -> pd.DataFrame:
    """The members' own sheets (diagnostics): ``scores`` when it holds them, else read."""
    if scores is None or panel.mode != PanelMode.INDIVIDUAL:
        return scores_frame(panel, consensus=False)
    return scores


def _entries(panel: Panel, *, eligible_only: bool = False) -> dict[int, tuple[int, bool, bool | None]]:
    """entry id -> (piece id, outside_quota, selected) for the panel, one query."""
    query = select(Entry.id, Entry.piece_id, Entry.outside_quota, Entry.selected).where(Entry.panel_id == panel.id)
    if eligible_only:
        query = query.where(Entry.status == EntryStatus.ELIGIBLE)
    return {r[0]: (r[1], bool(r[2]), r[3]) for r in db.session.execute(query)}


def facilitator_team_count(city_id: int) -> int:
    """How many TF teams the city has (the city quota depends on it)."""
    return db.session.scalar(
        select(db.func.count(Team.id)).where(Team.city_id == city_id, Team.kind == TeamKind.TF)
    ) or 0


def tier_quota(panel: Panel) -> tuple[int, bool]:
    """(how many go up, whether they must pass) for the panel's tier (``portal.tiers``): a fixed number,
    or the city rule from the city's number of facilitator teams."""
    policy = tiers.policy(panel.tier)
    quota = policy.quota if policy.quota is not None else scoring.city_quota(facilitator_team_count(panel.city_id))
    return quota, policy.must_pass


def outside_quota(panel: Panel, korkot_piece: bool) -> bool:
    """Does this entry stand outside the panel's quota? Only a tier whose outside entries go up anyway has them
    (the city: the Korkot team's own piece, which the KMW panel receives directly); at the province every piece
    competes for the best 3. ``korkot_piece`` is ``Entry.outside_quota``."""
    return bool(korkot_piece) and tiers.policy(panel.tier).outside_quota_goes_up


def panel_results(panel: Panel, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per eligible entry: reviewers, NA, passed, rank, tied, shortlisted ("yes"/"tie"/"no") and selected.

    The tier rule: city, the best ``city_quota`` pieces (passing not required); province, the best 3 that
    passed; national, the best 5 that passed. Entries outside the quota (a Korkot team's own piece) are
    ranked but never shortlisted. ``selected`` is True for "yes", the chair's recorded decision for "tie"
    (None while undecided) and False otherwise. Entries nobody has scored yet are listed last with NA empty.
    Raises ``scoring.ScoringInputError`` when a sheet is incomplete. ``scores``: :func:`panel_scores`, when
    already read.
    """
    import pandas as pd

    rubric = panel_rubric(panel)
    entries = _entries(panel, eligible_only=True)
    frame = panel_scores(panel) if scores is None else scores
    frame = frame[frame["entry"].isin(list(entries))].reset_index(drop=True)  # eligible entries only
    consensus = panel.mode == PanelMode.CONSENSUS
    top, require_pass = tier_quota(panel)
    outside = {e for e, (_, korkot, _) in entries.items() if outside_quota(panel, korkot)}
    results = scoring.compute_results(frame[["entry", "piece", "reviewer", "instrument", "score"]], rubric,
                                      consensus=consensus)
    results["outside_quota"] = results["entry"].isin(list(outside))
    inside = results[~results["outside_quota"]]
    listed = scoring.shortlist(inside, top, require_pass=require_pass) if len(inside) else inside.assign(shortlisted=[])
    results["shortlisted"] = "no"
    results.loc[listed.index, "shortlisted"] = listed["shortlisted"]
    unscored = [e for e in entries if e not in set(results["entry"])]
    if unscored:
        extra = pd.DataFrame({"entry": unscored, "piece": [entries[e][0] for e in unscored], "reviewers": 0,
                              "NA": float("nan"), "passed": False, "rank": pd.NA, "tied": False,
                              "shortlisted": "no", "outside_quota": [e in outside for e in unscored]})
        results = pd.concat([results, extra], ignore_index=True)
    results["selected"] = [
        True if s == "yes" else (entries[e][2] if s == "tie" else False)
        for e, s in zip(results["entry"], results["shortlisted"])
    ]
    return results[RESULT_COLUMNS].reset_index(drop=True)


def member_totals(panel: Panel, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """entry, piece, reviewer, total: each member's submitted total per entry (Lampiran 2).
    ``scores``: :func:`panel_scores`, when already read."""
    frame = panel_scores(panel) if scores is None else scores
    totals = scoring.reviewer_totals(frame[["entry", "piece", "reviewer", "instrument", "score"]], panel_rubric(panel))
    return totals[["entry", "piece", "reviewer", "total"]].reset_index(drop=True)


def panel_discussion(panel: Panel, scores: pd.DataFrame | None = None, *, calibration: bool = False
                     ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    """(:func:`member_totals`, :func:`panel_disagreement`, :func:`panel_calibration` with ``calibration``)
    of the panel from one reading and validation of its scores, for a page that shows them together.
    Disagreement and calibration concern the members' own sheets: None for a consensus-mode panel.
    ``scores``: :func:`panel_scores`, when already read."""
    frame = panel_scores(panel) if scores is None else scores
    columns = frame[["entry", "piece", "reviewer", "instrument", "score"]]
    if panel.mode != PanelMode.INDIVIDUAL:
        totals = scoring.reviewer_totals(columns, panel_rubric(panel))
        return totals[["entry", "piece", "reviewer", "total"]].reset_index(drop=True), None, None
    tables = scoring.discussion_tables(columns, panel_rubric(panel), calibration=calibration)
    return (tables.totals[["entry", "piece", "reviewer", "total"]].reset_index(drop=True), tables.disagreement,
            tables.calibration)


def member_totals_of_panels(panels: Iterable[Panel]) -> pd.DataFrame:
    """panel, entry, piece, reviewer, total for many panels at once (dashboards): one query for all scores."""
    import pandas as pd

    panels = list(panels)
    columns = ["panel", "entry", "piece", "reviewer", "total"]
    if not panels:
        return pd.DataFrame(columns=columns)
    entry_ids = db.session.scalars(select(Entry.id).where(Entry.panel_id.in_([p.id for p in panels]))).all()
    frame = scores_frame(entry_ids)
    consensus_panels = {p.id for p in panels if p.mode == PanelMode.CONSENSUS}
    frame = frame[frame["consensus"] == frame["panel"].isin(consensus_panels)]
    parts = []
    for rubric_id in {p.rubric_id for p in panels}:
        ids = [p.id for p in panels if p.rubric_id == rubric_id]
        subset = frame[frame["panel"].isin(ids)]
        if subset.empty:
            continue
        rubric = panel_rubric(next(p for p in panels if p.rubric_id == rubric_id))
        parts.append(scoring.reviewer_totals(subset[["panel", "entry", "piece", "reviewer", "instrument", "score"]],
                                             rubric, group_by=["panel"]))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def panel_disagreement(panel: Panel, spread_threshold: int = 4, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per entry and instrument of the members' own sheets: reviewers, min, max, spread, std, flagged.
    ``scores``: :func:`panel_scores`, when already read."""
    frame = _own_sheets(panel, scores)
    return scoring.disagreement(frame[["entry", "reviewer", "instrument", "score"]], panel_rubric(panel),
                                spread_threshold)


def panel_calibration(panel: Panel, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per member: sheets, mean_total, panel_mean, distance (positive: more lenient than the panel).
    ``scores``: :func:`panel_scores`, when already read."""
    frame = _own_sheets(panel, scores)
    return scoring.reviewer_calibration(frame[["entry", "reviewer", "instrument", "score"]], panel_rubric(panel))


# --- workshop nominations ----------------------------------------------------------------------------------

def best_practice_frame(first: str, last: str, province_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The published best practices (province or national tier) of the months ``first`` to ``last``, one row each:
    ``writer`` (the account that wrote it), ``province``, ``piece`` and ``NA`` at the tier that made it a best
    practice (the KMW panel's for a provincial one, the KMP panel's for a national one), in one query. Pieces whose
    writer account is gone are left out: nobody could be invited."""
    import pandas as pd

    from portal.models.org import City
    from portal.models.pieces import Piece

    deciding = and_(Entry.piece_id == Piece.id,
                    type_coerce(Panel.tier, String) == type_coerce(Piece.best_practice, String))
    query = (select(Piece.created_by_id, City.province_id, Piece.id, Entry.na)
             .join(Team, Team.id == Piece.team_id).join(City, City.id == Team.city_id)
             .outerjoin(Panel.__table__.join(Entry.__table__, Entry.panel_id == Panel.id), deciding)
             .where(Piece.published_at.is_not(None), Piece.best_practice.is_not(None),
                    Piece.created_by_id.is_not(None), Piece.period >= first, Piece.period <= last))
    if province_ids is not None:
        query = query.where(City.province_id.in_(list(province_ids)))
    rows = db.session.execute(query).all()
    frame = pd.DataFrame(rows, columns=["writer", "province", "piece", "NA"])
    return frame.astype({"writer": "int64", "province": "int64", "piece": "int64", "NA": "float64"})


def nomination_proposal(first: str, last: str, quota: int, province_ids: Iterable[int] | None = None
                        ) -> pd.DataFrame:
    """Each province's writers ranked for the workshop (``scoring.rank_writers``: most best practices, ties by mean
    NA), the first ``quota`` proposed."""
    return scoring.rank_writers(best_practice_frame(first, last, province_ids), quota)
