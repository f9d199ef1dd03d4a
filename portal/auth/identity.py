"""The signed-in person of a request, read as rows: their account's columns and their roles with the places and
time zones the pages show, in one statement and without the ORM.

Every signed-in request starts here (``portal.auth.sessions.load_user``). Loading the account as ORM objects with
its roles and their teams, cities, provinces and KMWs cost a worker about 0.5 ms a request, most of it SQLAlchemy
setting up the row processors of seven joined paths; one Core statement on the session's connection
(``portal.db.select_rows``) gives the same values in a fifth of that. ``SignedIn`` and ``Scope`` answer what the
permission rules (``portal.permissions``), the header and the pages ask of ``User`` and ``RoleAssignment``: the
same attribute names, so a rule takes either (the request that signs in still holds the ORM account). What only
the ORM has is one step away: ``SignedIn.account`` is the ``User`` (for changing the password, signing out
everywhere) and ``Scope.team``, ``.city`` and ``.kmw`` the nodes, each read when first asked for and then taken
from the session's identity map.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.util import identity_key

from portal.db import select_rows
from portal.extensions import db
from portal.models.mail import Notification
from portal.models.org import City, Kmw, Province, Team, TeamKind
from portal.models.people import Role, RoleAssignment, SessionHolder, User, place_name, scope_level

_TeamCity, _TeamProvince, _CityProvince = aliased(City), aliased(Province), aliased(Province)

# A KMW's time zone is its first province's, by name, as ``node_timezone`` reads ``Kmw.provinces`` (ordered by name).
_KMW_TIMEZONE = (select(Province.timezone).where(Province.kmw_id == RoleAssignment.kmw_id)
                 .order_by(Province.name).limit(1).correlate(RoleAssignment).scalar_subquery())
# The header's unread notifications, counted in the same statement (a scalar subquery on their index).
_UNREAD = (select(func.count(Notification.id))
           .where(Notification.user_id == User.id, Notification.read_at.is_(None))
           .correlate(User).scalar_subquery())

# One row per role (one row with empty role columns for an account without roles), in the order the roles were
# given: a writer of two teams starts on the first team's page.
_SIGNED_IN = (
    select(User.id, User.email, User.name, User.locale, User.active, User.session_version, User.position,
           User.phone, _UNREAD.label("unread"),
           RoleAssignment.id.label("role_id"), RoleAssignment.role, RoleAssignment.team_id, RoleAssignment.city_id,
           RoleAssignment.kmw_id, Team.name.label("team_name"), Team.kind.label("team_kind"),
           Team.city_id.label("team_city_id"), _TeamCity.name.label("team_city_name"),
           func.coalesce(_TeamCity.name, City.name).label("city_name"),
           func.coalesce(_TeamProvince.name, _CityProvince.name).label("province_name"), Kmw.name.label("kmw_name"),
           func.coalesce(_TeamProvince.timezone, _CityProvince.timezone, _KMW_TIMEZONE).label("timezone"))
    .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
    .outerjoin(Team, Team.id == RoleAssignment.team_id)
    .outerjoin(_TeamCity, _TeamCity.id == Team.city_id)
    .outerjoin(_TeamProvince, _TeamProvince.id == _TeamCity.province_id)
    .outerjoin(City, City.id == RoleAssignment.city_id)
    .outerjoin(_CityProvince, _CityProvince.id == City.province_id)
    .outerjoin(Kmw, Kmw.id == RoleAssignment.kmw_id)
    .where(User.id == bindparam("user_id"))
    .order_by(RoleAssignment.id)
)

# A team is read with its city and province (deadlines and places need them), a city with its province. Built
# once: ``session.get(..., options=...)`` builds its statement and cache key anew at each call (it cost a writer's
# page more than the whole signed-in person).
_NODE_STATEMENTS = {
    model: select(model).options(*options).where(model.id.in_(bindparam("node_ids", expanding=True)))
    for model, options in ((Team, (joinedload(Team.city).joinedload(City.province),)),
                           (City, (joinedload(City.province),)), (Kmw, ()))
}


def nodes(model, node_ids: list[int]) -> list:
    """These teams, cities or KMWs in this order: from the session's identity map, the others in one statement
    (a writer of two teams does not send one per team)."""
    session = db.session()
    found = {i: session.identity_map.get(identity_key(model, i)) for i in node_ids}
    missing = [i for i, node in found.items() if node is None]
    if missing:
        found.update((node.id, node) for node in
                     session.execute(_NODE_STATEMENTS[model], {"node_ids": missing}).unique().scalars())
    return [found[i] for i in node_ids if found[i] is not None]


def _node(model, node_id: int | None):
    found = nodes(model, [node_id]) if node_id is not None else []
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Scope:
    """One role of the signed-in person (what ``RoleAssignment`` offers the rules, read from a row)."""

    id: int
    role: Role
    team_id: int | None
    city_id: int | None
    kmw_id: int | None
    place: str  # see ``place_name``
    timezone: str | None  # see ``RoleAssignment.timezone``
    # A team role's team as the writer's pages show it, with no statement of their own (submissions.queries)
    team_name: str | None = None
    team_kind: TeamKind | None = None
    team_city_id: int | None = None
    team_city_name: str | None = None

    @property
    def level(self) -> str:
        return scope_level(self.team_id, self.city_id, self.kmw_id)

    @property
    def team(self) -> Team | None:
        return _node(Team, self.team_id)

    @property
    def city(self) -> City | None:
        return _node(City, self.city_id)

    @property
    def kmw(self) -> Kmw | None:
        return _node(Kmw, self.kmw_id)


class SignedIn(SessionHolder):
    """The signed-in person of a request (what ``User`` offers the rules and pages, read from rows)."""

    def __init__(self, row, roles: tuple[Scope, ...]):
        self.id: int = row.id
        self.email: str = row.email
        self.name: str = row.name
        self.locale: str | None = row.locale
        self.active: bool = row.active
        self.session_version: int = row.session_version
        self.position: str = row.position
        self.phone: str = row.phone
        self.roles = roles

    @property
    def account(self) -> User:
        """The account as an ORM object, read when first asked for in a request."""
        return db.session.get(User, self.id)

    def __repr__(self) -> str:
        return f"<SignedIn {self.id}>"


def signed_in(user_id: int) -> tuple[SignedIn, int] | None:
    """The person with this account id and their unread notifications, or None when there is no such account."""
    rows = select_rows(_SIGNED_IN, {"user_id": user_id}).all()
    if not rows:
        return None
    roles = tuple(
        Scope(r.role_id, r.role, r.team_id, r.city_id, r.kmw_id,
              place_name(r.team_name, r.city_name, r.province_name, r.kmw_name), r.timezone,
              r.team_name, r.team_kind, r.team_city_id, r.team_city_name)
        for r in rows if r.role_id is not None)
    return SignedIn(rows[0], roles), rows[0].unread or 0
