"""What each scheduled step does at one node for one month. Each returns its counts for the run's record.

The message steps only add messages to the session (through ``portal.mail.messages``); the engine commits them
together with the run's "done", so a step whose consumer dies before that commit sends nothing, and its retry
sends everything once. The collection commits through the panels' own operations, which are idempotent.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from portal import cycle
from portal.extensions import db
from portal.mail import messages
from portal.models.org import City, Team
from portal.models.people import Role, RoleAssignment, User
from portal.models.pieces import Piece, PieceStatus
from portal.models.reviews import Entry, EntryStatus, Panel, PanelMode, PanelStatus, SheetStatus, Tier
from portal.panels import operations as panel_ops
from portal.panels import rules as panel_rules
from portal.period import Period
from portal.schedule.steps import Node, Step
from portal.tiers import policy
from portal.timeutil import format_datetime


def _locale(user: User) -> str:
    return "en" if user.locale == "en" else "id"


def _shown_deadline(deadline, tz: str, locale: str) -> str:
    """The last minute that is still on time ("15 November 2026 23.59 WIB")."""
    return format_datetime(deadline - timedelta(minutes=1), tz, locale)


def teams_without_piece(city_id: int, period: str) -> list[Team]:
    """The city's teams (TF and Korkot) with no submitted piece for the month: one query."""
    submitted = exists().where(Piece.team_id == Team.id, Piece.period == period,
                               Piece.status == PieceStatus.SUBMITTED)
    return list(db.session.scalars(select(Team).where(Team.city_id == city_id, ~submitted)
                                   .order_by(Team.kind, Team.code)))


def _people(role: Role, **scope) -> list[tuple[User, RoleAssignment]]:
    """Active users holding ``role`` at exactly this scope (``team_id=[...]``, ``city_id=3``, or none: national)."""
    query = select(User, RoleAssignment).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.role == role, User.active.is_(True))
    for column in ("team_id", "city_id", "kmw_id"):
        value = scope.get(column)
        col = getattr(RoleAssignment, column)
        if value is None:
            query = query.where(col.is_(None))
        elif isinstance(value, (list, tuple, set)):
            query = query.where(col.in_(list(value)))
        else:
            query = query.where(col == value)
    return list(db.session.execute(query.order_by(User.id)).tuples())


def data_managers(node: Node) -> list[User]:
    scope = {"city": {"city_id": node.id}, "kmw": {"kmw_id": node.id}}.get(node.kind, {})
    seen: dict[int, User] = {}
    for user, _assignment in _people(Role.DATA_MANAGER, **scope):
        seen.setdefault(user.id, user)
    return list(seen.values())


# --- the steps ----------------------------------------------------------------------------------------

def remind_writers(node: Node, period: Period, step: Step) -> dict:
    """Every writer of a team of the city (TF and Korkot) that has no submitted piece for the month."""
    teams = {t.id: t for t in teams_without_piece(node.id, period)}
    if not teams:
        return {"teams": 0, "messages": 0}
    deadline = cycle.stage_deadline(period, "writing", node.tz)
    sent = 0
    for user, assignment in _people(Role.WRITER, team_id=list(teams)):
        locale = _locale(user)
        sent += messages.reminder(user, team=teams[assignment.team_id].name, month=period.label(locale),
                                  deadline=_shown_deadline(deadline, node.tz, locale)) is not None
    return {"teams": len(teams), "messages": sent}


def collect_entries(node: Node, period: Period, step: Step) -> dict:
    """The city's submitted pieces enter its panel (opened if needed); its Korkot team's go to the KMW panel."""
    city = db.session.get(City, node.id)
    panel = panel_ops.find_panel(Tier.CITY, period, city_id=city.id) or \
        panel_ops.open_panel(Tier.CITY, period, None, city=city)
    if panel.status == PanelStatus.OPEN:
        return {"entries": panel_ops.collect_city_entries(panel.id, None)}
    # The city panel decided early (every team's piece was in): the Korkot pieces still go to the KMW panel.
    province_panel = panel_ops.find_panel(Tier.PROVINCE, period, kmw_id=city.province.kmw_id)
    if province_panel is not None and province_panel.status == PanelStatus.OPEN:
        return {"entries": panel_ops.collect_korkot_entries(province_panel.id)}
    return {"entries": 0}


def missed_month(node: Node, period: Period, step: Step) -> dict:
    """The city's data managers get the list of its teams with no submitted piece (nothing when none missed)."""
    teams = teams_without_piece(node.id, period)
    if not teams:
        return {"teams": 0, "messages": 0}
    names = [t.name for t in teams]
    sent = 0
    for user in data_managers(node):
        sent += messages.missed_month(user, city=node.name, month=period.label(_locale(user)), teams=names,
                                      city_id=node.id, period=period) is not None
    return {"teams": len(teams), "messages": sent}


def _panel_of(node: Node, period: Period, tier: Tier) -> Panel | None:
    scope = {"city": {"city_id": node.id}, "kmw": {"kmw_id": node.id}}.get(node.kind, {})
    return panel_ops.find_panel(tier, period, **scope)


def unsubmitted_sheets(panel: Panel) -> dict[int, int]:
    """Per member (user id): how many eligible entries still wait for their submitted sheet (in a consensus
    panel, the chair's consensus sheet). The panel's entries, sheets and recusals are loaded in three queries."""
    entries = db.session.scalars(
        select(Entry).where(Entry.panel_id == panel.id, Entry.status == EntryStatus.ELIGIBLE)
        .options(selectinload(Entry.sheets), selectinload(Entry.recusals), selectinload(Entry.piece))).all()
    members = db.session.scalars(select(User).where(User.id.in_([m.user_id for m in panel.members]),
                                                    User.active.is_(True))).all()
    consensus = panel.mode == PanelMode.CONSENSUS
    waiting: dict[int, int] = defaultdict(int)
    for entry in entries:
        done = {s.user_id for s in entry.sheets if s.status == SheetStatus.SUBMITTED and s.consensus == consensus}
        if consensus and done:
            continue
        for user in members:
            if consensus and user.id != panel.chair_id:
                continue
            if user.id not in done and panel_rules.may_score(user, entry):
                waiting[user.id] += 1
    return dict(waiting)


def remind_sheets(node: Node, period: Period, step: Step) -> dict:
    """Members of the node's open panel with eligible entries they have not submitted a sheet for."""
    panel = _panel_of(node, period, step.tier)
    if panel is None or panel.status != PanelStatus.OPEN:
        return {"members": 0, "messages": 0}
    waiting = unsubmitted_sheets(panel)
    if not waiting:
        return {"members": 0, "messages": 0}
    deadline = cycle.stage_deadline(period, panel_rules.STAGE_OF_TIER[step.tier], node.tz)
    title = panel_rules.panel_title(panel)
    sent = 0
    for user in db.session.scalars(select(User).where(User.id.in_(list(waiting))).order_by(User.id)):
        locale = _locale(user)
        sent += messages.sheet_reminder(user, panel=title, month=period.label(locale), count=waiting[user.id],
                                        deadline=_shown_deadline(deadline, node.tz, locale),
                                        panel_id=panel.id) is not None
    return {"members": len(waiting), "messages": sent}


def deadline_passed(node: Node, period: Period, step: Step) -> dict:
    """The node's data managers, when the tier's deadline passed and its panel is not decided (or not opened)."""
    panel = _panel_of(node, period, step.tier)
    if panel is not None and panel.status == PanelStatus.CLOSED:
        return {"open_panels": 0, "messages": 0}
    if panel is not None:
        title = panel_rules.panel_title(panel)
    else:  # the panel's title as the tier names it
        title = policy(step.tier).panel_title.format(name=node.name)
    sent = 0
    for user in data_managers(node):
        sent += messages.deadline_passed(user, panel=title, month=period.label(_locale(user)),
                                         panel_id=panel.id if panel else None, period=period) is not None
    return {"open_panels": 1, "messages": sent}
