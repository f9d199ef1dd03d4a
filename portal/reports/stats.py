"""Numbers behind the dashboards' charts, each scoped like the pages (see :class:`tracking.Scope`)."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from portal import scoring_adapter
from portal.extensions import db
from portal.models import City, Entry, Panel, Piece, PieceStatus, Province, Team, Tier
from portal.panels.rules import node_of
from portal.period import MONTHS_ID, Period
from portal.reports.tracking import Scope, apply_scope, percentages, teams_frame

MAX_PANELS_IN_CHART = 30


def last_periods(period: Period, count: int = 6) -> list[Period]:
    periods = [Period(period)]  # a str from a caller outside the pages is taken too
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def short_label(period: Period) -> str:
    """"Nov 26"."""
    period = Period(period)
    return f"{MONTHS_ID[period.month - 1][:3]} {period.year % 100:02d}"


def _entries(scope: Scope, tier: Tier, periods: list[str]):
    return db.session.execute(_scoped(db.select(Entry, Panel.period), scope, tier, periods)).all()


def _scoped(query, scope: Scope, tier: Tier, periods: list[str]):
    """``query`` (of entries) limited to the tier's panels of ``periods`` and to the pieces in ``scope``."""
    query = (
        query
        .join(Panel, Entry.panel_id == Panel.id)
        .join(Piece, Entry.piece_id == Piece.id)
        .join(Team, Piece.team_id == Team.id)
        .join(City, Team.city_id == City.id)
        .join(Province, City.province_id == Province.id)
        .where(Panel.tier == tier, Panel.period.in_(periods))
    )
    return apply_scope(query, scope)


def pieces_per_month(periods: list[str], scope: Scope) -> list[tuple[str, int]]:
    """Submitted pieces (returned ones included: they were submitted) per month."""
    query = (
        db.select(Piece.period, db.func.count(Piece.id))
        .join(Team, Piece.team_id == Team.id)
        .join(City, Team.city_id == City.id)
        .join(Province, City.province_id == Province.id)
        .where(Piece.period.in_(periods), Piece.status != PieceStatus.DRAFT)
        .group_by(Piece.period)
    )
    counts = dict(db.session.execute(apply_scope(query, scope)).all())
    return [(short_label(p), int(counts.get(p, 0))) for p in periods]


def compliance_per_province(teams) -> list[tuple[str, float]]:
    """Percent of teams that submitted by the 15th, per province (``teams`` from ``team_compliance``)."""
    table = percentages(teams, "submitted", "province", "province_id")
    return [(row.province, float(row.percent)) for row in table.itertuples()]


def na_values(period: str, scope: Scope, tier: Tier) -> list[float]:
    return [e.na for e, _ in _entries(scope, tier, [period]) if e.na is not None]


def pass_rate(periods: list[str], scope: Scope, tier: Tier) -> list[tuple[str, float | None]]:
    """Percent of decided entries (NA known) that passed, per month; None for a month with none decided."""
    decided: dict[str, list[bool]] = {p: [] for p in periods}
    for entry, period in _entries(scope, tier, periods):
        if entry.passed is not None:
            decided[period].append(bool(entry.passed))
    return [(short_label(p), round(100 * sum(v) / len(v), 1) if v else None) for p, v in decided.items()]


def passing_grades(periods: list[str], scope: Scope, tier: Tier) -> list[int]:
    """The passing grades (lowest first) of the rubric versions the charted panels decided by: those with a
    decided entry in ``scope`` in ``periods``. Where no panel has decided yet, the active rubric's."""
    query = _scoped(db.select(Entry.panel_id).distinct(), scope, tier, periods).where(Entry.passed.is_not(None))
    panel_ids = db.session.scalars(query).all()
    grades = set(scoring_adapter.passing_grades(panel_ids).values())
    return sorted(grades) or [scoring_adapter.passing_grade()]


def panel_agreement(period: str, scope: Scope, tier: Tier) -> list[tuple[str, float]]:
    """Mean spread (highest minus lowest member total) over each panel's pieces, largest first."""

    panel_ids = {entry.panel_id for entry, _ in _entries(scope, tier, [period])}
    # with their city or KMW (the chart names each panel by its node): a lazy load per panel's node otherwise
    panels = db.session.scalars(db.select(Panel).where(Panel.id.in_(panel_ids or {-1}))
                                .options(joinedload(Panel.city), joinedload(Panel.kmw))).all()
    totals = scoring_adapter.member_totals_of_panels(panels)
    if totals.empty:
        return []
    spreads = totals.groupby(["panel", "entry"])["total"].agg(lambda s: s.max() - s.min())
    mean_spread = spreads.groupby(level="panel").mean()
    by_id = {p.id: p for p in panels}
    result = [(_panel_name(by_id[int(pid)]), round(float(value), 1)) for pid, value in mean_spread.items()]
    return sorted(result, key=lambda r: -r[1])[:MAX_PANELS_IN_CHART]


def _panel_name(panel: Panel) -> str:
    node = node_of(panel)
    return node.name if node is not None else "KMP"


def team_counts(scope: Scope) -> int:
    return len(teams_frame(scope))
