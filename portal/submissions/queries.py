"""Read-only views of a team's cycle for the writer's home (no reviewer names or scores, only decisions), and a
piece's photos and media file as the pages that only show them read them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select

from portal import cycle, tiers
from portal import permissions as perm
from portal.auth.identity import Scope
from portal.db import select_rows
from portal.extensions import db
from portal.models.org import Team, node_timezone
from portal.models.people import Role
from portal.models.pieces import Photo, Piece, PieceStatus
from portal.models.reviews import Entry, EntryStatus, Panel, PanelStatus
from portal.nodes import CityRef, TeamRef
from portal.submissions.operations import TeamMonths, TeamPiece, team_writing_cycle
from portal.submissions.requirements import Missing, check_requirements
from portal.timeutil import now_utc, tz_label

TIER_ORDER = {p.tier: p.order for p in tiers.POLICIES.values()}


@dataclass(frozen=True, slots=True)
class PieceText:
    """A piece as a page that only shows it reads it (a row): its texts, its institution and writer, its team
    (``portal.nodes.TeamRef``). The score sheet shows it beside the sheet (``panels.queries.entry_view``); a
    published piece's page adds its month and standing (``elearning.queries.ShownPiece``)."""

    id: int
    title: str
    theme: str
    body_md: str
    body_html: str | None  # body_md rendered when it was saved, and under which rules (``Piece.body_html``)
    body_html_rendering: int | None
    facts: str
    institution_name: str
    institution_address: str
    institution_phone: str
    author_name: str
    author_position: str
    author_place: str
    team_id: int
    team: TeamRef


# PieceText's columns before its team, in its order, for the statements that read it.
PIECE_TEXT_COLUMNS = (Piece.id, Piece.title, Piece.theme, Piece.body_md, Piece.body_html, Piece.body_html_rendering,
                      Piece.facts, Piece.institution_name, Piece.institution_address, Piece.institution_phone,
                      Piece.author_name, Piece.author_position, Piece.author_place, Piece.team_id)


def writer_teams(user) -> list[TeamRef | Team]:
    """The teams ``user`` writes for, in the order the roles were given (``permissions.writer_teams``): read from
    the signed-in person's roles (``portal.auth.identity``), which carry each team's name, kind, city and time
    zone, with no statement of their own; for an account, its mapped teams."""
    roles = [a for a in perm.assignments(user, Role.WRITER) if a.team_id is not None]
    if not all(isinstance(a, Scope) for a in roles):
        return perm.writer_teams(user)
    return [TeamRef(a.team_id, a.team_name, a.team_city_id, CityRef(a.team_city_id, a.team_city_name),
                    a.team_kind, a.timezone) for a in roles]


@dataclass
class MonthStatus:
    period: str
    piece: Piece | TeamPiece | None  # a row when the team's months were read (the writer's home)
    status: str  # not_started | draft | submitted | returned | moved
    deadline: datetime
    time_left: timedelta
    tz_name: str
    tz_label: str
    extended: bool
    due_day: date

    @property
    def left(self) -> tuple[int, int, int]:
        """(days, hours, minutes) left."""
        return cycle.format_time_left(self.time_left)


def month_status(team: Team, now: datetime | None = None, months: TeamMonths | None = None) -> MonthStatus:
    """This month's piece of the team and the time left to submit it (no query when ``months`` is given)."""
    now = now or now_utc()
    tz = node_timezone(team)
    period, deadline = team_writing_cycle(team, now, months.extensions if months else None)
    if months is None:
        piece = db.session.scalar(db.select(Piece).where(Piece.team_id == team.id, Piece.period == period))
    else:
        piece = next((p for p in months.pieces if p.period == period), None)
    if piece is None:
        status = "not_started"
    elif piece.status == PieceStatus.SUBMITTED:
        status = "submitted"
    elif piece.status == PieceStatus.RETURNED:
        status = "returned"
    else:
        status = "moved" if piece.moved_from_period else "draft"
    return MonthStatus(period=period, piece=piece, status=status, deadline=deadline,
                       time_left=cycle.time_left(deadline, now), tz_name=tz, tz_label=tz_label(tz),
                       extended=deadline != cycle.stage_deadline(period, "writing", tz),
                       due_day=cycle.stage_due_day(period, "writing"))


@dataclass
class Step:
    tier: str
    na: float | None
    passed: bool | None
    selected: bool | None
    returned: bool
    return_reasons: str


@dataclass
class Journey:
    piece: TeamPiece
    steps: list[Step] = field(default_factory=list)


# The values only: no Entry objects for a list of decisions. Built once (its cache key is reused).
_DECISIONS = (db.select(Entry.piece_id, Panel.tier, Entry.na, Entry.passed, Entry.selected, Entry.status,
                        Entry.return_reasons)
              .join(Panel, Panel.id == Entry.panel_id)
              .where(Entry.piece_id.in_(bindparam("piece_ids", expanding=True)), Panel.status == PanelStatus.CLOSED))


def earlier_pieces(months: TeamMonths, exclude_period: str) -> list[Journey]:
    """The team's other pieces, newest first, each with the decisions of closed panels (NA at each tier)."""
    journeys = {p.id: Journey(p) for p in months.pieces if p.period != exclude_period}
    if not journeys:
        return []
    rows = select_rows(_DECISIONS, {"piece_ids": list(journeys)}).all()
    for row in sorted(rows, key=lambda r: TIER_ORDER[r.tier]):
        journeys[row.piece_id].steps.append(Step(
            tier=row.tier.value, na=row.na, passed=row.passed, selected=row.selected,
            returned=row.status == EntryStatus.RETURNED, return_reasons=row.return_reasons or ""))
    return list(journeys.values())


def requirements_left(piece_id: int) -> list[Missing]:
    """What the piece still lacks before it can be submitted (``check_requirements`` of the mapped piece: its
    texts and photos, which a home's list of the team's pieces does not read)."""
    return check_requirements(db.session.get(Piece, piece_id))


def return_reasons(piece: Piece | TeamPiece) -> str:
    """Why the city panel returned the piece: the piece's own note, else the latest returned entry's."""
    return return_reasons_for([piece]).get(piece.id, "")


def return_reasons_for(pieces) -> dict[int, str]:
    """``return_reasons`` of several returned pieces in one query."""
    reasons = {p.id: p.return_reasons for p in pieces if p.return_reasons}
    missing = [p.id for p in pieces if not p.return_reasons]
    if missing:
        rows = db.session.execute(
            db.select(Entry.piece_id, Entry.return_reasons)
            .where(Entry.piece_id.in_(missing), Entry.status == EntryStatus.RETURNED).order_by(Entry.id)
        )
        for piece_id, text in rows:
            if text:
                reasons[piece_id] = text
    return reasons


# Pages that show a piece's photos without changing them (the score sheet, a published piece's article) read
# them as rows of the table's columns by a statement built once: loading them as objects, lazily, was about
# seven times the work (a fifth of a score sheet's page).
_PHOTO = Photo.__table__.c
_PHOTO_ROWS = (select(_PHOTO.id, _PHOTO.caption, _PHOTO.width, _PHOTO.height)
               .where(_PHOTO.piece_id == bindparam("piece_id")).order_by(_PHOTO.position, _PHOTO.id))


def photo_rows(piece_id: int) -> list:
    """The piece's photos in their order: rows of ``id``, ``caption``, ``width`` and ``height``."""
    return select_rows(_PHOTO_ROWS, {"piece_id": piece_id}).all()
