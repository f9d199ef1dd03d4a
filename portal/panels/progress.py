"""How far panels are this month, for the signed-in home: a member's sheets left and deadline, a data manager's
panels. Counts only, in a fixed number of statements whatever the panels' size; no scores."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal import cycle
from portal.extensions import db
from portal.models.org import City, Kmw
from portal.models.reviews import (
    Entry,
    EntryStatus,
    Panel,
    PanelMember,
    PanelMode,
    PanelStatus,
    Recusal,
    ScoreSheet,
    SheetStatus,
    Tier,
)
from portal.panels import rules


@dataclass
class PanelProgress:
    """How far one panel is: members, entries waiting for the check and to be scored, sheets in and expected;
    and, for one member, the sheets still theirs to send."""

    panel: Panel
    members: int = 0
    pending: int = 0  # entries waiting for the requirements check
    eligible: int = 0
    sheets_in: int = 0
    sheets_expected: int = 0
    mine_expected: int = 0  # for the member asked about: entries they score (consensus: the chair only)
    mine_done: int = 0
    deadline: datetime | None = None  # aware UTC: when the panel's stage closes (extensions included)
    tz: str = ""

    @property
    def mine_left(self) -> int:
        return max(self.mine_expected - self.mine_done, 0)


def _panel_counts(panel_ids: list[int], user_id: int | None) -> dict:
    """Grouped counts for these panels in four statements, whatever their number or size."""
    members = dict(db.session.execute(
        select(PanelMember.panel_id, func.count(PanelMember.id)).where(PanelMember.panel_id.in_(panel_ids))
        .group_by(PanelMember.panel_id)).all())
    entries: dict[tuple[int, EntryStatus], int] = {
        (p, s): n for p, s, n in db.session.execute(
            select(Entry.panel_id, Entry.status, func.count(Entry.id)).where(Entry.panel_id.in_(panel_ids))
            .group_by(Entry.panel_id, Entry.status))}
    sheets: dict[tuple[int, bool, bool], int] = {}  # (panel, consensus, mine) -> submitted sheets
    for p, consensus, owner, n in db.session.execute(  # a row per panel and member, not per entry
            select(Entry.panel_id, ScoreSheet.consensus, ScoreSheet.user_id, func.count(ScoreSheet.id))
            .join(Entry, Entry.id == ScoreSheet.entry_id)
            .where(Entry.panel_id.in_(panel_ids), Entry.status == EntryStatus.ELIGIBLE,
                   ScoreSheet.status == SheetStatus.SUBMITTED)
            .group_by(Entry.panel_id, ScoreSheet.consensus, ScoreSheet.user_id)):
        key = (p, bool(consensus), owner == user_id)
        sheets[key] = sheets.get(key, 0) + n
    recusals: dict[tuple[int, bool], int] = {}  # (panel, mine) -> recusals on eligible entries
    for p, owner, n in db.session.execute(
            select(Entry.panel_id, Recusal.user_id, func.count(Recusal.id))
            .join(Entry, Entry.id == Recusal.entry_id)
            .where(Entry.panel_id.in_(panel_ids), Entry.status == EntryStatus.ELIGIBLE)
            .group_by(Entry.panel_id, Recusal.user_id)):
        key = (p, owner == user_id)
        recusals[key] = recusals.get(key, 0) + n
    return {"members": members, "entries": entries, "sheets": sheets, "recusals": recusals}


def panel_progress(panels: list[Panel], user=None) -> list[PanelProgress]:
    """Each panel's progress (``PanelProgress``), and ``user``'s own sheets left in it; a fixed number of
    statements for any number of panels (load the panels with their node and its province)."""
    if not panels:
        return []
    user_id = getattr(user, "id", None)
    counts = _panel_counts([p.id for p in panels], user_id)
    deadlines = _deadlines(panels)
    rows = []
    for panel in panels:
        consensus = panel.mode == PanelMode.CONSENSUS
        members = counts["members"].get(panel.id, 0)
        eligible = counts["entries"].get((panel.id, EntryStatus.ELIGIBLE), 0)
        recused = counts["recusals"].get((panel.id, True), 0) + counts["recusals"].get((panel.id, False), 0)
        mine_recused = counts["recusals"].get((panel.id, True), 0)
        mine_done = counts["sheets"].get((panel.id, consensus, True), 0)
        if consensus:
            expected = eligible
            mine_expected = eligible if user_id is not None and panel.chair_id == user_id else 0
        else:
            expected = max(eligible * members - recused, 0)
            mine_expected = max(eligible - mine_recused, 0) if user_id is not None else 0
        rows.append(PanelProgress(
            panel=panel, members=members, pending=counts["entries"].get((panel.id, EntryStatus.PENDING), 0),
            eligible=eligible, sheets_expected=expected,
            sheets_in=mine_done + counts["sheets"].get((panel.id, consensus, False), 0),
            mine_expected=mine_expected, mine_done=mine_done if mine_expected else 0,
            deadline=deadlines[panel.id], tz=rules.panel_timezone(panel)))
    return rows


def _deadlines(panels: list[Panel]) -> dict:
    """Each panel's effective deadline (``deadline``), with one extension query per stage among them."""
    found: dict[int, datetime] = {}
    for stage in {rules.STAGE_OF_TIER[p.tier] for p in panels}:
        of_stage = [p for p in panels if rules.STAGE_OF_TIER[p.tier] == stage]
        extensions = cycle.latest_extensions(
            {p.period for p in of_stage}, stage, city_ids={p.city_id for p in of_stage if p.city_id},
            kmw_ids={p.kmw_id for p in of_stage if p.kmw_id})
        for p in of_stage:
            found[p.id] = cycle.effective_deadline_from(p.period, stage, rules.panel_timezone(p), extensions,
                                                        **rules.deadline_scope(p))
    return found


def _with_nodes(query):
    """Panels with their node and its province (their time zone) in the same round trips."""
    return query.options(joinedload(Panel.city).joinedload(City.province),
                         joinedload(Panel.kmw).selectinload(Kmw.provinces))


def open_panels_of_member(user) -> list[Panel]:
    """The open panels this person sits on, oldest month first (the most urgent first)."""
    return list(db.session.scalars(_with_nodes(
        select(Panel).join(PanelMember).where(PanelMember.user_id == user.id, Panel.status == PanelStatus.OPEN)
        .order_by(Panel.period, Panel.tier, Panel.id))).unique())


def panels_at(period: str, *, national: bool = False, city_ids=(), kmw_ids=()) -> list[Panel]:
    """The panels of ``period`` at these nodes (the national one when ``national``)."""
    keys = ([rules.scope_key(Tier.CITY, city_id=c) for c in city_ids]
            + [rules.scope_key(Tier.PROVINCE, kmw_id=k) for k in kmw_ids] + (["national"] if national else []))
    if not keys:
        return []
    return list(db.session.scalars(_with_nodes(
        select(Panel).where(Panel.period == period, Panel.scope_key.in_(keys)).order_by(Panel.tier, Panel.id)))
        .unique())
