"""The month at a glance for each role of the signed-in person: read models of the home page.

Nothing here decides a rule: the writing cycle and a piece's state are ``portal.submissions``' (``month_status``,
``check_requirements``), panel progress is ``portal.panels.progress``', and who has submitted or sent up is
``portal.reports.tracking``'s. Each function sends a fixed number of statements whatever the month's size.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from portal import cycle
from portal import permissions as perm
from portal.models.people import Role
from portal.models.pieces import KnowledgeProduct, PieceStatus
from portal.models.reviews import Tier
from portal.panels import progress
from portal.period import Period
from portal.reports import tracking
from portal.submissions import knowledge, operations, queries
from portal.submissions.requirements import Missing
from portal.timeutil import now_utc

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd

NAMES_SHOWN = 12  # team names listed per group on the home; the follow-up page lists them all


@dataclass
class WriterMonth:
    """One team's month for its writer: the piece being written and what it still lacks, and where the team's
    latest earlier piece went."""

    team: object
    status: queries.MonthStatus
    missing: list[Missing]
    reasons: str
    previous: queries.Journey | None


def writer_months(user, now: datetime | None = None) -> list[WriterMonth]:
    """The writer's teams (one as a rule), each as the writer's page computes it, in a few statements each."""
    now = now or now_utc()
    found = []
    for team in queries.writer_teams(user):
        months = operations.load_team_months(team, now)
        if operations.roll_over_late_drafts(team, now, months):  # as the writer's page does: a late draft moves on
            months = operations.load_team_months(team, now)
        status = queries.month_status(team, now, months)
        piece = status.piece
        open_piece = piece is not None and piece.status != PieceStatus.SUBMITTED
        earlier = next((p for p in months.pieces if p.period != status.period and p.period < status.period), None)
        previous = (queries.earlier_pieces(operations.TeamMonths([earlier], months.extensions), status.period)
                    if earlier is not None else [])
        found.append(WriterMonth(
            team=team, status=status, missing=queries.requirements_left(piece.id) if open_piece else [],
            reasons=queries.return_reasons(piece) if piece is not None and piece.status == PieceStatus.RETURNED
            else "", previous=previous[0] if previous else None))
    return found


@dataclass
class ExpertYear:
    year: int
    product: KnowledgeProduct | None


def expert_year(user, now: datetime | None = None) -> ExpertYear | None:
    """A KMW expert's knowledge product of this year (one a year), or None for others."""
    if not perm.is_kmw_expert(user):
        return None
    year = cycle.current_period(perm.home_timezone(user), now).year
    return ExpertYear(year, knowledge.product_for(user, year))


def member_panels(user) -> list[progress.PanelProgress]:
    """The open panels a panel member sits on, with their sheets left and the panel's deadline."""
    if not perm.has_role(user, Role.PANEL_MEMBER):
        return []
    return progress.panel_progress(progress.open_panels_of_member(user), user)


@dataclass
class ReportDue:
    """A monthly report a data manager's node owes: Lampiran 3 of a city by the 20th, Lampiran 2 of a KMW by the
    25th. ``sent`` is the tracking rule's (the node's panel decided before its deadline)."""

    kind: str  # "lampiran3" | "lampiran2"
    node_id: int
    name: str
    due_day: date
    sent: bool


@dataclass
class ManagerMonth:
    period: Period
    teams: int
    on_time: list[str]
    late: list[str]
    missing: list[str]
    panels: list[progress.PanelProgress]
    missing_panels: list[str]  # nodes of the manager's own level without a panel this month
    reports: list[ReportDue] = field(default_factory=list)
    cities_sent: tuple[int, int] | None = None  # (sent, all) when the manager covers several cities
    kmws_sent: tuple[int, int] | None = None  # (sent, all) for the national level


def _names(frame: pd.DataFrame, with_city: bool) -> list[str]:
    if not with_city:
        return frame["team"].tolist()
    return [f"{team} ({city})" for team, city in zip(frame["team"], frame["city"])]


def manager_month(user, now: datetime | None = None) -> ManagerMonth | None:
    """This month in the data manager's scope: teams that have and have not submitted, the panels of the
    manager's own level and how far they are, and the recaps due."""
    if not perm.is_data_manager(user):
        return None
    period = cycle.current_period(perm.home_timezone(user), now)
    scope = tracking.scope_of(user)
    teams = tracking.team_compliance(period, scope)
    several = teams["city_id"].nunique() > 1  # a team's city is said only where the manager has several
    month = ManagerMonth(period=period, teams=len(teams), on_time=_names(teams[teams["submitted"]], several),
                         late=_names(teams[teams["late"]], several),
                         missing=_names(teams[~teams["submitted"] & ~teams["late"]], several),
                         panels=[], missing_panels=[])
    cities = tracking.city_compliance(period, scope)
    if scope.level == "city":
        panels = progress.panels_at(period, city_ids=scope.ids)
        month.reports = [ReportDue("lampiran3", int(r.city_id), r.city, cycle.stage_due_day(period, "city"),
                                   bool(r.sent)) for r in cities.itertuples()]
        nodes = dict(zip(cities["city_id"].astype(int), cities["city"]))
        opened = {p.city_id for p in panels}
    else:
        kmws = tracking.kmw_compliance(period, scope)
        month.cities_sent = (int(cities["sent"].sum()), len(cities))
        if scope.level == "kmw":
            panels = progress.panels_at(period, kmw_ids=scope.ids)
            month.reports = [ReportDue("lampiran2", int(r.kmw_id), r.kmw, cycle.stage_due_day(period, "province"),
                                       bool(r.sent)) for r in kmws.itertuples()]
            nodes = dict(zip(kmws["kmw_id"].astype(int), kmws["kmw"]))
            opened = {p.kmw_id for p in panels}
        else:
            panels = progress.panels_at(period, national=True)
            month.kmws_sent = (int(kmws["sent"].sum()), len(kmws))
            nodes = {0: "KMP"}
            opened = {0} if any(p.tier == Tier.NATIONAL for p in panels) else set()
    month.panels = progress.panel_progress(panels)
    month.missing_panels = [name for node_id, name in nodes.items() if node_id not in opened]
    return month
