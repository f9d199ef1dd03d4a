"""What the dashboards show: tracking tables and charts for one scope, month and tier (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import contains_eager, selectinload

from portal import charts, scoring_adapter
from portal.extensions import db
from portal.models import City, Kmw, Panel, Province, Tier
from portal.period import Period
from portal.reports import stats
from portal.reports.tracking import Obligations, Scope, obligations, percentages

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd


@dataclass
class Dashboard:
    period: Period
    tier: Tier
    obligations: Obligations
    per_city: pd.DataFrame
    per_kmw: pd.DataFrame
    per_region: pd.DataFrame
    charts: dict[str, Markup]
    headline: dict[str, float | int | None]
    captions: dict[str, str]  # chart key -> its title, for the figure captions of the pages


def _percent(frame: pd.DataFrame, flag: str) -> float | None:
    return round(float(frame[flag].mean()) * 100, 1) if len(frame) else None


def build(scope: Scope, period: Period, tier: Tier, *, with_contacts: bool = True) -> Dashboard:
    """Everything a dashboard page renders for ``scope`` in ``period``; panel charts for ``tier``."""
    found = obligations(period, scope, with_contacts=with_contacts)
    periods = stats.last_periods(period, 6)
    # The grade is that of the rubric versions the charted panels decided by ("650/700" when they differ).
    month_grades = stats.passing_grades([period], scope, tier)
    grades = "/".join(str(g) for g in stats.passing_grades(periods, scope, tier))
    captions = {
        "na": _("Sebaran NA dengan batas lulus %(grade)s", grade="/".join(str(g) for g in month_grades)),
        "pass_rate": _("Persentase tulisan lulus (NA ≥ %(grade)s) per bulan", grade=grades),
    }
    chart_set = {
        "pieces": charts.column_chart(
            stats.pieces_per_month(periods, scope), title=_("Tulisan masuk per bulan")
        ),
        "compliance": charts.hbar_chart(
            stats.compliance_per_province(found.teams),
            unit="%",
            max_value=100,
            title=_("Tim yang mengirim s.d. tanggal 15, per provinsi"),
        ),
        "na": charts.histogram(
            stats.na_values(period, scope, tier),
            # One line where the month's panels share a grade; with several, the caption names them.
            reference=month_grades[0] if len(month_grades) == 1 else None,
            reference_label=_("batas lulus %(grade)d", grade=month_grades[0]),
            title=captions["na"],
        ),
        "pass_rate": charts.line_chart(stats.pass_rate(periods, scope, tier), title=captions["pass_rate"]),
        "agreement": charts.hbar_chart(
            stats.panel_agreement(period, scope, tier),
            title=_("Rata-rata selisih nilai tertinggi dan terendah per panel"),
        ),
    }
    teams = found.teams
    headline = {
        "teams": len(teams),
        "submitted": int(teams["submitted"].sum()) if len(teams) else 0,
        "late": int(teams["late"].sum()) if len(teams) else 0,
        "teams_percent": _percent(teams, "submitted"),
        "cities_percent": _percent(found.cities, "sent"),
        "kmws_percent": _percent(found.kmws, "sent"),
        "experts_percent": _percent(found.experts, "sent"),
    }
    return Dashboard(
        period,
        tier,
        found,
        percentages(teams, "submitted", "city", "city_id"),
        percentages(teams, "submitted", "kmw", "kmw_id"),
        percentages(teams, "submitted", "region"),
        chart_set,
        headline,
        captions,
    )


def provinces_in(scope: Scope) -> list[Province]:
    query = db.select(Province).join(Kmw).order_by(Province.name)
    if scope.level == "kmw":
        query = query.where(Province.kmw_id.in_(scope.ids or {-1}))
    elif scope.level == "city":
        query = query.join(City, City.province_id == Province.id).where(City.id.in_(scope.ids or {-1}))
    return list(db.session.scalars(query).unique())


def cities_in(scope: Scope) -> list[City]:
    # with their provinces (the dashboard names each city's): a lazy load per province otherwise
    query = db.select(City).join(Province).options(contains_eager(City.province)).order_by(City.name)
    if scope.level == "kmw":
        query = query.where(Province.kmw_id.in_(scope.ids or {-1}))
    elif scope.level == "city":
        query = query.where(City.id.in_(scope.ids or {-1}))
    if scope.province_id:
        query = query.where(Province.id == scope.province_id)
    return list(db.session.scalars(query))


def kmws_in(scope: Scope, *, with_provinces: bool = False) -> list[Kmw]:
    """The KMWs of ``scope``; ``with_provinces``: their provinces loaded with them (one statement, not one per KMW)."""
    if scope.level == "city":
        return []
    query = db.select(Kmw).order_by(Kmw.code)
    if with_provinces:
        query = query.options(selectinload(Kmw.provinces))
    if scope.level == "kmw":
        query = query.where(Kmw.id.in_(scope.ids or {-1}))
    return list(db.session.scalars(query))


def panels_chaired_by(user) -> list[Panel]:
    return list(
        db.session.scalars(
            db.select(Panel).where(Panel.chair_id == user.id).order_by(Panel.period.desc()).limit(12)
        )
    )


def calibration(panel: Panel) -> pd.DataFrame:
    """Per member: name, sheets, mean total, panel mean, distance (from scoring_adapter.panel_calibration)."""

    table = scoring_adapter.panel_calibration(panel)
    names = {m.user_id: m.user.name for m in panel.members}
    table = table.assign(name=[names.get(int(r), "?") for r in table["reviewer"]])
    return table.sort_values("distance", ascending=False).reset_index(drop=True)


def scope_label(scope: Scope) -> str:
    """A short name for a scope, for file names and title blocks."""
    if scope.province_id:
        province = db.session.get(Province, scope.province_id)
        if province is not None:
            return province.name
    if scope.level == "kmw":
        return ", ".join(k.name for k in kmws_in(scope)) or "KMW"
    if scope.level == "city":
        return ", ".join(c.name for c in cities_in(scope)) or _("Kota")
    return _("Nasional")
