"""Read models of the panel pages: what each page shows, computed in a few bulk queries."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, subqueryload

from portal import cycle, permissions, scoring_adapter
from portal.extensions import db
from portal.models.org import City, Kmw, Province, Team
from portal.models.pieces import Piece
from portal.models.reviews import (
    Entry,
    EntryStatus,
    Panel,
    PanelMember,
    PanelMode,
    PanelStatus,
    ScoreSheet,
    SheetStatus,
    Tier,
)
from portal.panels import rules


@dataclass
class EntryRow:
    entry: Entry
    my_sheet: ScoreSheet | None = None
    submitted: int = 0
    expected: int = 0
    recused_names: list[str] = field(default_factory=list)
    i_am_recused: bool = False
    may_score: bool = False

    @property
    def complete(self) -> bool:
        return self.entry.status == EntryStatus.ELIGIBLE and self.expected > 0 and self.submitted >= self.expected


def load_panel(panel_id: int) -> Panel | None:
    """The panel with members, entries, recusals, sheets and pieces. ``subqueryload`` (not ``selectinload``,
    which splits into a query per 500 parents) keeps the statement count fixed whatever the panel's size."""
    entries = subqueryload(Panel.entries)
    return db.session.scalar(
        select(Panel).where(Panel.id == panel_id).options(
            selectinload(Panel.members), entries.subqueryload(Entry.recusals),
            entries.subqueryload(Entry.sheets).subqueryload(ScoreSheet.scores),
            entries.subqueryload(Entry.piece).joinedload(Piece.team).joinedload(Team.city))
    )


def entry_rows(panel: Panel, user) -> list[EntryRow]:
    """Each entry with the user's own sheet, how many sheets are in and who is recused (no scores)."""
    member_ids = {m.user_id for m in panel.members}
    names = {m.user_id: m.user.name for m in panel.members}
    consensus = panel.mode == PanelMode.CONSENSUS
    rows = []
    for entry in sorted(panel.entries, key=lambda e: (e.status != EntryStatus.ELIGIBLE, e.id)):
        recused = {r.user_id for r in entry.recusals}
        sheets = [s for s in entry.sheets if s.consensus == consensus]
        submitted = sum(1 for s in sheets if s.status == SheetStatus.SUBMITTED and
                        (consensus or s.user_id in member_ids - recused))
        expected = 1 if consensus else len(member_ids - recused)
        mine = next((s for s in sheets if s.user_id == getattr(user, "id", None)), None)
        rows.append(EntryRow(entry=entry, my_sheet=mine, submitted=submitted, expected=expected,
                             recused_names=[names.get(r.user_id, "?") for r in entry.recusals],
                             i_am_recused=getattr(user, "id", None) in recused,
                             may_score=rules.may_score(user, entry)))
    return rows


def entry_complete(panel: Panel, entry: Entry) -> bool:
    """Every member has submitted or is recused (consensus: the chair's sheet is in)."""
    consensus = panel.mode == PanelMode.CONSENSUS
    done = {s.user_id for s in entry.sheets if s.status == SheetStatus.SUBMITTED and s.consensus == consensus}
    if consensus:
        return bool(done)
    recused = {r.user_id for r in entry.recusals}
    waiting = [m.user_id for m in panel.members if m.user_id not in done and m.user_id not in recused]
    return not waiting and bool(done)


def my_panels(user) -> list[tuple[Panel, int, int]]:
    """Panels the user sits on, newest month first, with (eligible entries, my sheets submitted)."""
    panels = db.session.scalars(
        select(Panel).join(PanelMember).where(PanelMember.user_id == user.id)
        .order_by(Panel.period.desc(), Panel.tier, Panel.id)
    ).all()
    if not panels:
        return []
    ids = [p.id for p in panels]
    eligible = dict(db.session.execute(
        select(Entry.panel_id, func.count(Entry.id)).where(Entry.panel_id.in_(ids),
                                                           Entry.status == EntryStatus.ELIGIBLE)
        .group_by(Entry.panel_id)).all())
    mine = dict(db.session.execute(
        select(Entry.panel_id, func.count(ScoreSheet.id)).join(ScoreSheet)
        .where(Entry.panel_id.in_(ids), ScoreSheet.user_id == user.id, ScoreSheet.status == SheetStatus.SUBMITTED)
        .group_by(Entry.panel_id)).all())
    return [(p, eligible.get(p.id, 0), mine.get(p.id, 0)) for p in panels]


def managed_nodes(user) -> list[tuple[Tier, object, str]]:
    """(tier, node, label) of every panel node the user may manage."""
    nodes: list[tuple[Tier, object, str]] = []
    if permissions.can_manage_national(user):
        nodes.append((Tier.NATIONAL, None, "KMP (nasional)"))
    for kmw in db.session.scalars(select(Kmw).order_by(Kmw.code)):
        if permissions.can_manage_kmw(user, kmw):
            nodes.append((Tier.PROVINCE, kmw, kmw.name))
    cities = db.session.scalars(select(City).join(Province).order_by(Province.name, City.name)).all()
    for city in cities:
        if permissions.can_manage_city(user, city):
            nodes.append((Tier.CITY, city, city.name))
    return nodes


def node_key(tier: Tier, node) -> str:
    return rules.scope_key(tier, city_id=getattr(node, "id", None), kmw_id=getattr(node, "id", None))


def panels_for_period(nodes, period: str) -> dict[str, Panel]:
    panels = db.session.scalars(select(Panel).where(Panel.period == period)).all()
    keys = {node_key(t, n) for t, n, _ in nodes}
    return {p.scope_key: p for p in panels if p.scope_key in keys}


def deadline(panel: Panel):
    return cycle.effective_deadline(panel.period, rules.STAGE_OF_TIER[panel.tier], rules.panel_timezone(panel),
                                    **rules.deadline_scope(panel))


@dataclass
class ResultsView:
    results: pd.DataFrame
    pieces: dict
    totals: dict  # entry -> list[(name, total)]
    flags: dict  # entry -> list[(instrument name, min, max)]
    visible: set  # entries whose scores this user may see
    calibration: list  # (name, sheets, mean_total, distance) for the chair
    top: int
    error: str = ""
    matrix: dict = field(default_factory=dict)  # entry -> (member names, [(instrument, [scores])])


def results_view(panel: Panel, user, *, show_calibration: bool) -> ResultsView:
    """Results with the per-member totals and disagreements of the entries whose scoring is complete."""
    import scoring

    names = {m.user_id: m.user.name for m in panel.members}
    top, _ = scoring_adapter.tier_quota(panel)
    rubric = {i.code: i.name for i in (panel.rubric.instruments if panel.rubric else [])}
    closed = panel.status == PanelStatus.CLOSED
    visible = {e.id for e in panel.entries if closed or entry_complete(panel, e)}
    try:
        results = scoring_adapter.panel_results(panel)
        totals_frame = scoring_adapter.member_totals(panel)
        spread = scoring_adapter.panel_disagreement(panel) if panel.mode == PanelMode.INDIVIDUAL else None
        calib = scoring_adapter.panel_calibration(panel) if show_calibration and panel.mode == PanelMode.INDIVIDUAL \
            else None
    except scoring.ScoringError as exc:
        empty = pd.DataFrame(columns=scoring_adapter.RESULT_COLUMNS)
        return ResultsView(empty, {}, {}, {}, set(), [], top, error=str(exc))
    # Until everything is in, a member sees results only of the entries complete for the whole panel.
    results = results[results["entry"].isin(list(visible))].reset_index(drop=True)
    results = results.astype(object).where(results.notna(), None)  # templates see None, never NaN/NA
    totals: dict[int, list] = {}
    for row in totals_frame.itertuples(index=False):
        if row.entry in visible:
            totals.setdefault(int(row.entry), []).append((names.get(int(row.reviewer), "?"), int(row.total)))
    flags: dict[int, list] = {}
    if spread is not None:
        for row in spread[spread["flagged"]].itertuples(index=False):
            if row.entry in visible:
                flags.setdefault(int(row.entry), []).append((rubric.get(int(row.instrument), row.instrument),
                                                             int(row.min), int(row.max)))
    calibration = []
    if calib is not None and visible == {e.id for e in panel.entries if e.status == EntryStatus.ELIGIBLE}:
        calibration = [(names.get(int(r.reviewer), "?"), int(r.sheets), float(r.mean_total), float(r.distance))
                       for r in calib.itertuples(index=False)]
    pieces = scoring_adapter.load_pieces(scoring_adapter.piece_ids(results))
    return ResultsView(results, pieces, totals, flags, visible, calibration, top,
                       matrix=_matrix(panel, visible, names, rubric))


def _matrix(panel: Panel, visible: set, names: dict, rubric: dict) -> dict:
    """Per visible entry: the instrument x member score matrix the panel discusses."""
    frame = scoring_adapter.scores_frame(panel, consensus=panel.mode == PanelMode.CONSENSUS)
    frame = frame[frame["entry"].isin(list(visible))]
    matrix = {}
    for entry_id, rows in frame.groupby("entry"):
        table = rows.pivot(index="instrument", columns="reviewer", values="score")
        members = [names.get(int(r), "?") for r in table.columns]
        matrix[int(entry_id)] = (members, [(rubric.get(int(code), code), [int(v) for v in values])
                                           for code, values in zip(table.index, table.to_numpy())])
    return matrix


def checklist(entry: Entry) -> dict[int, bool]:
    try:
        return {int(k): bool(v) for k, v in json.loads(entry.checklist or "{}").items()}
    except (ValueError, AttributeError):
        return {}
