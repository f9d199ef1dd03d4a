"""Obligation tracking: who submitted by the 15th, which cities sent up by the 20th, which KMW by the 25th,
which experts sent this year's knowledge product; percentages per city, KMW and wilayah; who to follow up.

"Submitted by the 15th" = ``Piece.submitted_at`` before the team's effective writing deadline.
"City sent to the province by the 20th" = the city panel closed before the city's effective city deadline.
"KMW sent to KMP by the 25th" = the KMW panel closed before the KMW's effective province deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import selectinload

from portal import cycle
from portal.extensions import db
from portal.models import (
    City,
    Extension,
    Kmw,
    KnowledgeProduct,
    Panel,
    Province,
    Region,
    Role,
    RoleAssignment,
    Team,
    Tier,
    User,
)
from portal.models.org import node_timezone
from portal.period import Period
from portal.permissions import managed_scope
from portal.reports.recaps import month_pieces, writing_status

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd


@dataclass(frozen=True)
class Scope:
    """Which part of the tree a page covers: national, some KMWs or some cities; optionally one province."""

    level: str = "national"
    ids: frozenset[int] = frozenset()
    province_id: int | None = None

    def narrowed(self, province_id: int | None) -> Scope:
        return Scope(self.level, self.ids, province_id)


def scope_of(user) -> Scope:
    level, ids = managed_scope(user)
    return Scope(level, frozenset(ids))


def apply_scope(query, scope: Scope):
    """Filter a query that already joins City and Province."""
    if scope.level == "city":
        query = query.where(City.id.in_(scope.ids or {-1}))
    elif scope.level == "kmw":
        query = query.where(Province.kmw_id.in_(scope.ids or {-1}))
    if scope.province_id is not None:
        query = query.where(Province.id == scope.province_id)
    return query


def teams_frame(scope: Scope) -> pd.DataFrame:
    import pandas as pd

    query = (
        db.select(
            Team.id,
            Team.name,
            Team.kind,
            City.id,
            City.name,
            Province.id,
            Province.name,
            Province.timezone,
            Kmw.id,
            Kmw.name,
            Region.name,
        )
        .join(City, Team.city_id == City.id)
        .join(Province, City.province_id == Province.id)
        .join(Kmw, Province.kmw_id == Kmw.id)
        .outerjoin(Region, Kmw.region_id == Region.id)
        .order_by(Kmw.code, Province.name, City.name, Team.code)
    )
    rows = db.session.execute(apply_scope(query, scope)).all()
    columns = [
        "team_id",
        "team",
        "kind",
        "city_id",
        "city",
        "province_id",
        "province",
        "tz",
        "kmw_id",
        "kmw",
        "region",
    ]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["region"] = frame["region"].fillna("–")
    return frame


def _extended(period: str, stage: str) -> dict[str, set[int]]:
    rows = db.session.execute(
        db.select(Extension.team_id, Extension.city_id, Extension.kmw_id).where(
            Extension.period == period, Extension.stage == stage
        )
    ).all()
    return {
        "team": {r[0] for r in rows if r[0]},
        "city": {r[1] for r in rows if r[1]},
        "kmw": {r[2] for r in rows if r[2]},
    }


def team_compliance(period: str, scope: Scope) -> pd.DataFrame:
    """One row per team: ``submitted`` (by the deadline), ``late``, ``deadline``, ``submitted_at``."""
    import pandas as pd

    frame = teams_frame(scope)
    pieces = month_pieces(frame["team_id"].tolist(), period)
    extended = _extended(period, "writing")
    on_time, late, deadlines, submitted_at = [], [], [], []
    for team_id, city_id, tz in zip(frame["team_id"], frame["city_id"], frame["tz"]):
        if team_id in extended["team"] or city_id in extended["city"]:
            deadline = cycle.effective_deadline(
                period, "writing", tz, team_id=int(team_id), city_id=int(city_id)
            )
        else:
            deadline = cycle.stage_deadline(period, "writing", tz)
        piece = pieces.get(team_id)
        ok, too_late = writing_status(piece, deadline)
        on_time.append(ok)
        late.append(too_late)
        deadlines.append(deadline)
        submitted_at.append(piece.submitted_at if piece is not None else None)
    frame["submitted"] = pd.Series(on_time, dtype=bool, index=frame.index)
    frame["late"] = pd.Series(late, dtype=bool, index=frame.index)
    frame["deadline"] = pd.Series(deadlines, dtype=object, index=frame.index)
    frame["submitted_at"] = pd.Series(submitted_at, dtype=object, index=frame.index)
    return frame


def city_compliance(period: str, scope: Scope) -> pd.DataFrame:
    """One row per city: ``sent`` = its city panel closed before the city deadline (the 20th)."""
    import pandas as pd

    teams = teams_frame(scope)
    cities = teams.drop_duplicates("city_id")[
        ["city_id", "city", "province_id", "province", "tz", "kmw_id", "kmw", "region"]
    ].reset_index(drop=True)
    closed = dict(
        db.session.execute(
            db.select(Panel.city_id, Panel.closed_at).where(Panel.tier == Tier.CITY, Panel.period == period)
        ).all()
    )
    extended = _extended(period, "city")["city"]
    sent = []
    for city_id, tz in zip(cities["city_id"], cities["tz"]):
        deadline = (
            cycle.effective_deadline(period, "city", tz, city_id=int(city_id))
            if city_id in extended
            else cycle.stage_deadline(period, "city", tz)
        )
        at = closed.get(city_id)
        sent.append(at is not None and at < deadline)
    cities["sent"] = pd.Series(sent, dtype=bool, index=cities.index)
    cities["closed_at"] = pd.Series(
        [closed.get(c) for c in cities["city_id"]], dtype=object, index=cities.index
    )
    return cities


def kmw_compliance(period: str, scope: Scope) -> pd.DataFrame:
    """One row per KMW: ``sent`` = its KMW panel closed before the province deadline (the 25th)."""
    import pandas as pd

    teams = teams_frame(scope)
    kmws = teams.drop_duplicates("kmw_id")[["kmw_id", "kmw", "region"]].reset_index(drop=True)
    closed = dict(
        db.session.execute(
            db.select(Panel.kmw_id, Panel.closed_at).where(
                Panel.tier == Tier.PROVINCE, Panel.period == period
            )
        ).all()
    )
    # The KMWs with their provinces (the time zone) and their extensions in two statements, not two per KMW.
    ids = [int(k) for k in kmws["kmw_id"]]
    loaded = {k.id: k for k in db.session.scalars(
        db.select(Kmw).where(Kmw.id.in_(ids or [-1])).options(selectinload(Kmw.provinces)))}
    extensions = cycle.latest_extensions([period], "province", kmw_ids=ids)
    sent = []
    for kmw_id in kmws["kmw_id"]:
        kmw = loaded[int(kmw_id)]
        deadline = cycle.effective_deadline_from(period, "province", node_timezone(kmw), extensions, kmw_id=kmw.id)
        at = closed.get(kmw_id)
        sent.append(at is not None and at < deadline)
    kmws["sent"] = pd.Series(sent, dtype=bool, index=kmws.index)
    return kmws


def expert_compliance(year: int, scope: Scope) -> pd.DataFrame:
    """One row per KMW expert (KMW-scoped writer): ``sent`` = this year's knowledge product submitted."""
    import pandas as pd

    kmw_ids = set(teams_frame(scope)["kmw_id"].tolist())
    rows = db.session.execute(
        db.select(User.id, User.name, User.phone, Kmw.id, Kmw.name)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Kmw, RoleAssignment.kmw_id == Kmw.id)
        .where(RoleAssignment.role == Role.WRITER, Kmw.id.in_(kmw_ids or {-1}))
        .order_by(Kmw.code, User.name)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["user_id", "name", "phone", "kmw_id", "kmw"])
    done = set(
        db.session.scalars(
            db.select(KnowledgeProduct.author_id).where(
                KnowledgeProduct.year == year, KnowledgeProduct.submitted_at.is_not(None)
            )
        )
    )
    frame["sent"] = pd.Series([u in done for u in frame["user_id"]], dtype=bool, index=frame.index)
    return frame


def percentages(frame: pd.DataFrame, flag: str, by: str, key: str | None = None) -> pd.DataFrame:
    """Per group: ``total``, ``done`` (rows where ``flag`` holds) and ``percent`` (0-100, one decimal)."""
    import pandas as pd

    key = key or by
    if frame.empty:
        return pd.DataFrame(columns=[key, by, "total", "done", "percent"])
    grouped = frame.groupby([key, by] if key != by else [by], sort=False)[flag]
    table = pd.DataFrame({"total": grouped.size(), "done": grouped.sum().astype(int)}).reset_index()
    table["percent"] = (table["done"] / table["total"] * 100).round(1)
    return table


def contacts(
    role: Role, *, team_ids=(), city_ids=(), kmw_ids=()
) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """Names and phones of the people holding ``role`` at these nodes, keyed ("team"|"city"|"kmw", id)."""
    query = (
        db.select(
            RoleAssignment.team_id, RoleAssignment.city_id, RoleAssignment.kmw_id, User.name, User.phone
        )
        .join(User, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == role,
            User.active.is_(True),
            db.or_(
                RoleAssignment.team_id.in_(list(team_ids) or [-1]),
                RoleAssignment.city_id.in_(list(city_ids) or [-1]),
                RoleAssignment.kmw_id.in_(list(kmw_ids) or [-1]),
            ),
        )
        .order_by(User.name)
    )
    found: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for team_id, city_id, kmw_id, name, phone in db.session.execute(query):
        key = ("team", team_id) if team_id else ("city", city_id) if city_id else ("kmw", kmw_id)
        found.setdefault(key, []).append((name, phone))
    return found


@dataclass
class Obligations:
    period: str
    teams: pd.DataFrame
    cities: pd.DataFrame
    kmws: pd.DataFrame
    experts: pd.DataFrame
    contacts: dict

    def missing_teams(self) -> pd.DataFrame:
        return self.teams[~self.teams["submitted"]]

    def missing_cities(self) -> pd.DataFrame:
        return self.cities[~self.cities["sent"]]

    def missing_kmws(self) -> pd.DataFrame:
        return self.kmws[~self.kmws["sent"]]

    def missing_experts(self) -> pd.DataFrame:
        return self.experts[~self.experts["sent"]]

    def who(self, kind: str, node_id) -> list[tuple[str, str]]:
        return self.contacts.get((kind, int(node_id)), [])


def obligations(period: str, scope: Scope, *, with_contacts: bool = True) -> Obligations:
    """Everything the tracking page and the public progress page need for one month."""
    teams = team_compliance(period, scope)
    cities = city_compliance(period, scope)
    kmws = kmw_compliance(period, scope)
    experts = expert_compliance(Period(period).year, scope)
    found: dict = {}
    if with_contacts:
        found.update(
            contacts(Role.WRITER, team_ids=teams.loc[~teams["submitted"], "team_id"].astype(int).tolist())
        )
        found.update(
            contacts(
                Role.DATA_MANAGER,
                city_ids=cities.loc[~cities["sent"], "city_id"].astype(int).tolist(),
                kmw_ids=kmws.loc[~kmws["sent"], "kmw_id"].astype(int).tolist(),
            )
        )
    return Obligations(period, teams, cities, kmws, experts, found)
