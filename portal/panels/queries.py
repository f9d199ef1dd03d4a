"""Read models of the panel pages: what each page shows, computed in a few bulk queries."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from markupsafe import escape
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload, subqueryload

import scoring
from portal import cycle, permissions, scoring_adapter
from portal.db import select_rows
from portal.extensions import db
from portal.kept import Kept
from portal.models.org import City, Kmw, Province, Team, TeamKind
from portal.models.people import User
from portal.models.pieces import Piece, PieceStatus
from portal.models.reviews import (
    Entry,
    EntryStatus,
    Panel,
    PanelMember,
    PanelMode,
    PanelStatus,
    Recusal,
    RubricVersion,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetStatus,
    Tier,
)
from portal.nodes import CityRef, KmwRef, ProvinceRef, TeamRef
from portal.panels import rules
from portal.period import Period
from portal.submissions.queries import PIECE_TEXT_COLUMNS, PieceText

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd


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


def load_panel(panel_id: int, *, entries: bool = True, results: bool = False,
               instruments: bool = False) -> Panel | None:
    """The panel with members and (``entries``) its entries with recusals, sheets and pieces.

    ``subqueryload`` (not ``selectinload``, which splits into a query per 500 parents) keeps the statement
    count fixed whatever the panel's size. The sheets' scores are not loaded: pages that show scores read them
    through :func:`portal.scoring_adapter.panel_scores`, one light query. Called again with ``entries`` for a
    panel first loaded without them, it fills in the entries of the same object. ``results`` (the results
    page): the rubric comes with the panel, and the members' accounts without their roles (the page shows
    members' names; it asks nothing of their roles), all in the panel's own query. The rubric's instruments are
    left out of it (members x instruments rows, 40 for a national panel, for a page that mostly shows a closed
    panel's kept results and needs none): ``instruments`` joins them to the statement that fills in the
    entries of an open panel (with ``results``, the one statement of an open panel's results page: members x
    instruments rows there); a closed panel's view, built once per worker, reads them when it is built.
    """
    statement = _load_panel_statement(entries, results, instruments)
    return db.session.execute(statement, {"panel_id": panel_id}).unique().scalar()


@functools.cache
def _load_panel_statement(entries: bool, results: bool, instruments: bool):
    """Built once per kind (SQLAlchemy then reuses its cache key instead of walking the options each time)."""
    if results:  # one statement: the panel, its members' names, its rubric (a handful of rows)
        options = [joinedload(Panel.members).joinedload(PanelMember.user).lazyload(User.roles)]
        if not instruments:
            options.append(joinedload(Panel.rubric).lazyload(RubricVersion.instruments))
    else:
        options = [selectinload(Panel.members)]
    if instruments:
        options.append(joinedload(Panel.rubric).joinedload(RubricVersion.instruments))
    if entries:
        loaded = subqueryload(Panel.entries)
        options += [loaded.subqueryload(Entry.recusals),
                    loaded.subqueryload(Entry.sheets).lazyload(ScoreSheet.scores),
                    loaded.subqueryload(Entry.piece).joinedload(Piece.team).joinedload(Team.city)]
    return select(Panel).where(Panel.id == bindparam("panel_id")).options(*options)


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


def waiting_pieces(panel: Panel) -> list[Piece]:
    """An open city panel: the pieces its facilitator teams submitted for the month that have not entered it yet
    (they enter at the end of the 15th local time, by the scheduled collection), so that a panel opened early
    shows what is in. One query."""
    if panel.tier != Tier.CITY or panel.status != PanelStatus.OPEN:
        return []
    inside = select(Entry.piece_id).where(Entry.panel_id == panel.id)
    return list(db.session.scalars(
        select(Piece).join(Team).where(Team.city_id == panel.city_id, Team.kind == TeamKind.TF,
                                       Piece.period == panel.period, Piece.status == PieceStatus.SUBMITTED,
                                       Piece.id.not_in(inside))
        .options(joinedload(Piece.team)).order_by(Team.code, Piece.id)))


def collected_at(panel: Panel):
    """When the scheduled collection takes a city panel's pieces: the end of the 15th, or the city's extension."""
    return cycle.effective_deadline(panel.period, "writing", rules.panel_timezone(panel), city_id=panel.city_id)


def deadline(panel: Panel):
    return cycle.effective_deadline(panel.period, rules.STAGE_OF_TIER[panel.tier], rules.panel_timezone(panel),
                                    **rules.deadline_scope(panel))


@dataclass
class ResultRow:
    """One entry on the results page."""

    entry: int
    title: str
    team: str
    city: str
    rank: int | None
    na: float | None
    reviewers: int
    passed: bool
    tied: bool
    outside_quota: bool
    shortlisted: str  # "yes" (goes up by the rule), "tie" (tied at the cut-off: the chair decides) or "no"
    selected: bool | None
    tie_reason: str = ""
    totals: list = field(default_factory=list)  # [(member name, total)]
    matrix: tuple | None = None  # (member names, [(instrument name, [scores])])
    flags: list = field(default_factory=list)  # [(instrument name, min, max)]


@dataclass
class ResultsView:
    rows: list[ResultRow]
    top: int
    passing_grade: int  # the panel's rubric version's (scoring_adapter.passing_grade)
    calibration: list = field(default_factory=list)  # (name, sheets, mean_total, distance) for the chair
    error: str = ""
    listing: bytes | None = None  # a closed panel's rendered list (panels/_results_list.html), set at first use


# A closed panel's results do not change (see portal/kept.py): each worker keeps the latest views it built.
_decided_views: Kept[ResultsView] = Kept(64)


def decided_view(panel: Panel | PanelView, *, show_calibration: bool) -> ResultsView:
    """:func:`build_decided_view`, kept per worker with the panel's closing time (a panel closed again after a
    reopening is built anew). ``panel`` may be the page's rows (:func:`panel_view`): the mapped panel with its
    members and rubric is loaded only to build the view."""
    def build() -> ResultsView:
        mapped = panel if isinstance(panel, Panel) else load_panel(panel.id, entries=False, results=True)
        return build_decided_view(mapped, show_calibration=show_calibration)

    return _decided_views.get((panel.id, panel.closed_at, show_calibration), build)


def forget_decided_views() -> None:
    _decided_views.clear()


def build_decided_view(panel: Panel, *, show_calibration: bool) -> ResultsView:
    """A closed panel: NA, rank, ties and selection exactly as ``operations.close_panel`` stored them (the
    official record, the one the letter prints), with the members' scores that led to them. Needs only the
    panel, its members and rubric loaded (``load_panel(..., entries=False, results=True)``); no ranking
    is recomputed.

    ``shortlisted`` is read back from the record: "tie" for an entry whose tie the chair decided (the close
    keeps a tie reason only on entries tied at the cut-off), "yes" for the others selected by the rule (a
    Korkot piece a city panel sent up outside its quota is selected but not shortlisted), else "no".
    """
    top, _ = scoring_adapter.tier_quota(panel)
    rows = []
    for r in select_rows(
            select(Entry.id, Entry.rank, Entry.na, Entry.reviewers, Entry.passed, Entry.tied, Entry.selected,
                   Entry.outside_quota, Entry.tie_reason, Piece.title, Team.name.label("team"),
                   City.name.label("city"))
            .join(Piece, Piece.id == Entry.piece_id).join(Team, Team.id == Piece.team_id)
            .join(City, City.id == Team.city_id)
            .where(Entry.panel_id == panel.id, Entry.status == EntryStatus.ELIGIBLE)):
        outside = scoring_adapter.outside_quota(panel, r.outside_quota)
        rows.append(ResultRow(
            entry=r.id, title=r.title, team=r.team, city=r.city, rank=r.rank, na=r.na, reviewers=r.reviewers or 0,
            passed=bool(r.passed), tied=bool(r.tied), outside_quota=outside,
            shortlisted="tie" if r.tie_reason else "yes" if r.selected and not outside else "no",
            selected=r.selected, tie_reason=r.tie_reason or ""))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.entry))
    view = ResultsView(rows, top, scoring_adapter.passing_grade(panel))
    _add_scores(view, panel, scoring_adapter.panel_scores(panel), {r.entry for r in rows},
                show_calibration=show_calibration)
    return view


def live_view(panel: Panel, user, *, show_calibration: bool) -> ResultsView:
    """An open panel: results computed now, shown only for the entries complete for the whole panel (until
    everything is in, a member sees no other member's scores). Needs the panel loaded with its entries."""
    import pandas as pd

    top, _ = scoring_adapter.tier_quota(panel)
    entries = {e.id: e for e in panel.entries}
    visible = {e.id for e in panel.entries if entry_complete(panel, e)}
    scores = scoring_adapter.panel_scores(panel)
    try:
        results = scoring_adapter.panel_results(panel, scores)
    except scoring.ScoringError as exc:
        return ResultsView([], top, scoring_adapter.passing_grade(panel), error=str(exc))
    rows = []
    for r in results.itertuples(index=False):
        if r.entry not in visible:
            continue
        entry = entries[r.entry]
        piece = entry.piece
        rows.append(ResultRow(
            entry=entry.id, title=piece.title, team=piece.team.name, city=piece.team.city.name,
            rank=None if pd.isna(r.rank) else int(r.rank), na=None if pd.isna(r.NA) else float(r.NA),
            reviewers=int(r.reviewers), passed=bool(r.passed), tied=bool(r.tied),
            outside_quota=bool(r.outside_quota), shortlisted=r.shortlisted,
            selected=None if r.selected is None else bool(r.selected), tie_reason=entry.tie_reason or ""))
    view = ResultsView(rows, top, scoring_adapter.passing_grade(panel))
    eligible = {e.id for e in panel.entries if e.status == EntryStatus.ELIGIBLE}
    _add_scores(view, panel, scores, visible, show_calibration=show_calibration and visible == eligible)
    return view


def _add_scores(view: ResultsView, panel: Panel, scores: pd.DataFrame, visible: set[int], *,
                show_calibration: bool) -> None:
    """Each visible entry's member totals, instrument x member matrix and disagreements, and (for the chair
    and the node's managers) the members' calibration, all from one read of the scores."""
    # Names are escaped once here: every card repeats them, and the template passes Markup through as it is.
    names = {m.user_id: escape(m.user.name) for m in panel.members}
    try:
        totals, spread, calib = scoring_adapter.panel_discussion(panel, scores, calibration=show_calibration)
    except scoring.ScoringError as exc:
        view.rows, view.error = [], str(exc)
        return
    rubric = {i.code: escape(i.name) for i in (panel.rubric.instruments if panel.rubric else [])}
    rows = {r.entry: r for r in view.rows if r.entry in visible}
    unknown = escape("?")
    for entry, reviewer, total in zip(totals["entry"].tolist(), totals["reviewer"].tolist(),
                                      totals["total"].tolist()):
        if entry in rows:
            rows[entry].totals.append((names.get(reviewer, unknown), total))
    if spread is not None:
        flagged = spread[spread["flagged"]]
        for entry, code, low, high in zip(flagged["entry"].tolist(), flagged["instrument"].tolist(),
                                          flagged["min"].tolist(), flagged["max"].tolist()):
            if entry in rows:
                rows[entry].flags.append((rubric.get(code, code), int(low), int(high)))
    _add_matrices(rows, scores, lambda r: names.get(r, unknown), lambda c: rubric.get(c, c))
    if calib is not None:
        view.calibration = [(names.get(int(r.reviewer), unknown), int(r.sheets), float(r.mean_total),
                             float(r.distance)) for r in calib.itertuples(index=False)]


def _add_matrices(rows: dict[int, ResultRow], scores: pd.DataFrame, name_of, instrument_of) -> None:
    """Per entry: the instrument x member score matrix the panel discusses (members by id, instruments by
    code). ``scores`` holds complete sheets (the engine has accepted them): sorted by entry, member and
    instrument, every sheet is one row of a grid, and an entry's matrix is its sheets' block, transposed."""
    import numpy as np

    if scores.empty:
        return
    columns = [scores[c].to_numpy() for c in ("entry", "reviewer", "instrument", "score")]
    order = np.lexsort(columns[2::-1])
    entry, reviewer, code, score = (c[order] for c in columns)
    width = len(np.unique(code))
    grid = code.reshape(-1, width) if len(code) % width == 0 else None
    if grid is None or not ((grid == grid[0]).all() and (entry.reshape(-1, width) == entry[::width, None]).all()
                            and (reviewer.reshape(-1, width) == reviewer[::width, None]).all()):
        raise ValueError("score table is not made of complete sheets")  # the engine refuses such tables first
    sheet_entry, sheet_reviewer, values = entry[::width], reviewer[::width].tolist(), score.reshape(-1, width)
    instruments = [instrument_of(c) for c in grid[0].tolist()]
    starts = np.flatnonzero(np.r_[True, sheet_entry[1:] != sheet_entry[:-1]]).tolist()
    for start, stop in zip(starts, starts[1:] + [len(sheet_entry)]):
        row = rows.get(int(sheet_entry[start]))
        if row is not None:
            row.matrix = ([name_of(r) for r in sheet_reviewer[start:stop]],
                          list(zip(instruments, values[start:stop].T.tolist())))


def checklist(entry: Entry) -> dict[int, bool]:
    try:
        return {int(k): bool(v) for k, v in json.loads(entry.checklist or "{}").items()}
    except (ValueError, AttributeError):
        return {}


# A submitted sheet's change history, shown on the score sheet: rows of the table's columns (built once), not
# objects loaded lazily (about seven times the work for what the page only shows).
_CHANGE_TABLE = ScoreChange.__table__.c
_CHANGE_ROWS = (select(_CHANGE_TABLE.at, _CHANGE_TABLE.instrument_code, _CHANGE_TABLE.old_score,
                       _CHANGE_TABLE.new_score)
                .where(_CHANGE_TABLE.sheet_id == bindparam("sheet_id")).order_by(_CHANGE_TABLE.at, _CHANGE_TABLE.id))


def change_rows(sheet_id: int) -> list:
    """A sheet's score changes, oldest first: ``at``, ``instrument_code``, ``old_score``, ``new_score``."""
    return select_rows(_CHANGE_ROWS, {"sheet_id": sheet_id}).all()


def sheet_changes(sheet: SheetView | None) -> list:
    """What the score sheet shows of a sheet's history: a draft keeps none, and a submitted sheet whose row
    counted no change sends no statement for it."""
    if sheet is None or sheet.status != SheetStatus.SUBMITTED or not sheet.change_count:
        return []
    return change_rows(sheet.id)


# --- the score sheet's entry and the results page's panel, as rows ------------------------------------------
#
# The score sheet is the page panel members open most (every piece, every month), and it only shows its entry,
# panel and piece: read as one statement of plain columns (members and recusals joined, a few dozen rows at
# most) instead of seven joined paths of mapped objects, about a fifth of the page's work; a closed panel's
# results page likewise reads only its panel (its results are kept per worker). The objects below
# answer the same attributes the panel rules read of mapped ones (``rules.membership``, ``can_view_panel``,
# ``may_score``, ``panel_title``, ``scoring_adapter.panel_rubric``), so each rule stays in one place.

@dataclass(frozen=True, slots=True)
class Seat:
    """A member's seat on the panel, or a member's recusal from the entry: who, nothing more."""

    user_id: int


@dataclass(frozen=True)
class PanelView:
    """A panel as the rules and the score sheet and results pages read it, with its members' seats."""

    id: int
    tier: Tier
    period: Period
    mode: PanelMode
    status: PanelStatus
    chair_id: int | None
    city_id: int | None
    kmw_id: int | None
    rubric_id: int | None
    closed_at: datetime | None
    closed_late: bool | None
    letter_number: str | None
    letter_date: date | None
    city: CityRef | None
    kmw: KmwRef | None
    members: tuple[Seat, ...]

    @property
    def rubric(self) -> RubricVersion | None:
        """Loaded only when asked: ``scoring_adapter.panel_rubric`` keeps the version's engine form per worker."""
        return db.session.get(RubricVersion, self.rubric_id) if self.rubric_id is not None else None


@dataclass(frozen=True)
class EntryView:
    id: int
    status: EntryStatus
    piece_id: int
    panel: PanelView
    piece: PieceText
    recusals: tuple[Seat, ...]

    @property
    def panel_id(self) -> int:
        return self.panel.id


def _seats(rows, column: int) -> tuple[Seat, ...]:
    """The distinct user ids of one column of joined rows (None where the outer join found none), in order."""
    return tuple(Seat(u) for u in dict.fromkeys(row[column] for row in rows if row[column] is not None))


_PANEL_CITY, _PANEL_PROVINCE = aliased(City), aliased(Province)
# The panel's own columns, its node's names and the KMW of a city panel's province, in PanelView's order.
_PANEL_COLUMNS = (Panel.id, Panel.tier, Panel.period, Panel.mode, Panel.status, Panel.chair_id, Panel.city_id,
                  Panel.kmw_id, Panel.rubric_id, Panel.closed_at, Panel.closed_late, Panel.letter_number,
                  Panel.letter_date, _PANEL_CITY.name, _PANEL_PROVINCE.name, _PANEL_PROVINCE.kmw_id, Kmw.name)


def _with_panel_node(statement):
    return (statement.outerjoin(_PANEL_CITY, _PANEL_CITY.id == Panel.city_id)
            .outerjoin(_PANEL_PROVINCE, _PANEL_PROVINCE.id == _PANEL_CITY.province_id)
            .outerjoin(Kmw, Kmw.id == Panel.kmw_id)
            .outerjoin(PanelMember, PanelMember.panel_id == Panel.id))


def _panel_of(row, members: tuple[Seat, ...]) -> PanelView:
    """PanelView from the ``_PANEL_COLUMNS`` at the start of ``row``."""
    (panel_id, tier, period, mode, status, chair_id, city_id, kmw_id, rubric_id, closed_at, closed_late,
     letter_number, letter_date, city_name, province_name, city_kmw_id, kmw_name) = row[:len(_PANEL_COLUMNS)]
    return PanelView(
        id=panel_id, tier=tier, period=period, mode=mode, status=status, chair_id=chair_id, city_id=city_id,
        kmw_id=kmw_id, rubric_id=rubric_id, closed_at=closed_at, closed_late=closed_late,
        letter_number=letter_number, letter_date=letter_date,
        city=CityRef(city_id, city_name, ProvinceRef(province_name, city_kmw_id)) if city_id is not None else None,
        kmw=KmwRef(kmw_id, kmw_name) if kmw_id is not None else None, members=members)


# Built once each: their cache keys are reused.
_PANEL_VIEW = _with_panel_node(select(*_PANEL_COLUMNS, PanelMember.user_id)).where(Panel.id == bindparam("panel_id"))


def panel_view(panel_id: int) -> PanelView | None:
    """The panel with its node and members' seats, for a page that shows it without changing it (a closed
    panel's results): one statement of rows, one per member."""
    rows = select_rows(_PANEL_VIEW, {"panel_id": panel_id}).all()
    return _panel_of(rows[0], _seats(rows, -1)) if rows else None


_TEAM_CITY = aliased(City)
_ENTRY_VIEW = (
    _with_panel_node(
        select(*_PANEL_COLUMNS, Entry.id, Entry.status, *PIECE_TEXT_COLUMNS, Team.name, Team.city_id,
               _TEAM_CITY.name, PanelMember.user_id, Recusal.user_id)
        .select_from(Entry).join(Panel, Panel.id == Entry.panel_id))
    .join(Piece, Piece.id == Entry.piece_id).join(Team, Team.id == Piece.team_id)
    .join(_TEAM_CITY, _TEAM_CITY.id == Team.city_id)
    .outerjoin(Recusal, Recusal.entry_id == Entry.id)
    .where(Entry.id == bindparam("entry_id")))


def entry_view(entry_id: int) -> EntryView | None:
    """The entry with its panel (members, node, rubric version's id) and piece (team and city), for the score
    sheet: one statement of rows, members x recusals of them (a handful)."""
    rows = select_rows(_ENTRY_VIEW, {"entry_id": entry_id}).all()
    if not rows:
        return None
    first = rows[0]
    entry_id, status, *texts = first[len(_PANEL_COLUMNS):-2]
    *texts, team_name, team_city_id, team_city_name = texts
    piece = PieceText(*texts, team=TeamRef(texts[-1], team_name, team_city_id, CityRef(team_city_id, team_city_name)))
    return EntryView(entry_id, status, piece.id, _panel_of(first, _seats(rows, -2)), piece, _seats(rows, -1))


@dataclass(frozen=True)
class SheetView:
    """A member's sheet as the score sheet shows it: its scores by instrument code."""

    id: int
    status: SheetStatus
    submitted_at: datetime | None
    version: int
    note: str
    values: dict[int, int | None]
    change_count: int  # its recorded score changes: most sheets have none, and then they are not asked for


_SHEET = ScoreSheet.__table__.c
_SCORE = Score.__table__.c  # Core columns: a sheet read for showing needs no mapped objects
_CHANGE_COUNT = select(func.count(_CHANGE_TABLE.id)).where(_CHANGE_TABLE.sheet_id == _SHEET.id).scalar_subquery()
_SHEET_VIEW = {consensus: select(_SHEET.id, _SHEET.status, _SHEET.submitted_at, _SHEET.version, _SHEET.note,
                                 _CHANGE_COUNT, _SCORE.instrument_code, _SCORE.score)
               .select_from(ScoreSheet.__table__).outerjoin(Score.__table__, _SCORE.sheet_id == _SHEET.id)
               .where(_SHEET.entry_id == bindparam("entry_id"), _SHEET.user_id == bindparam("user_id"),
                      _SHEET.consensus.is_(consensus))
               for consensus in (False, True)}


def sheet_view(entry_id: int, user_id: int, consensus: bool = False) -> SheetView | None:
    """The member's (or the chair's consensus) sheet of the entry with its scores, in one statement of rows
    (``operations.sheet_of`` is the mapped sheet that saving changes)."""
    rows = select_rows(_SHEET_VIEW[bool(consensus)], {"entry_id": entry_id, "user_id": user_id}).all()
    if not rows:
        return None
    first = rows[0]
    return SheetView(first[0], first[1], first[2], first[3], first[4],
                     {row[6]: row[7] for row in rows if row[6] is not None}, change_count=first[5] or 0)
