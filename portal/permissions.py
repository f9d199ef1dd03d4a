"""Who may do what: every role's rule, in one place.

Roles are scoped to a node of the organisation tree (see ``RoleAssignment``). A scope covers its own
node and everything below it: a KMW data manager manages the KMW's provinces, cities and teams; a
national data manager manages everything. Administrators may manage the tree and accounts everywhere.
Views call these functions and answer 403 (or 404 for objects a user must not know exist).
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from werkzeug.local import LocalProxy

from portal.auth.identity import nodes
from portal.extensions import db
from portal.models.org import NATIONAL_TIMEZONE, City, Kmw, Team
from portal.models.people import Role, RoleAssignment, User
from portal.models.reviews import Entry, PanelMember


def unproxied(user):
    """The account itself when given Flask-Login's ``current_user``: that proxy looks the user up in the request
    context again at every attribute it reads (a few microseconds each), and a page asks these rules dozens of
    times. Functions that ask several rules about the same person call this once and pass the result on."""
    return user._get_current_object() if isinstance(user, LocalProxy) else user


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def assignments(user, role: Role) -> list[RoleAssignment]:
    user = unproxied(user)
    if not _authenticated(user):
        return []
    return [a for a in user.roles if a.role == role]


def is_admin(user) -> bool:
    return bool(assignments(user, Role.ADMIN))


def has_role(user, role: Role) -> bool:
    return bool(assignments(user, role))


def _covers_city(assignment: RoleAssignment, city: City) -> bool:
    if assignment.city_id is not None:
        return assignment.city_id == city.id
    if assignment.kmw_id is not None:
        return city.province.kmw_id == assignment.kmw_id
    return assignment.team_id is None  # national scope


def _covers_kmw(assignment: RoleAssignment, kmw_id: int) -> bool:
    if assignment.kmw_id is not None:
        return assignment.kmw_id == kmw_id
    return assignment.team_id is None and assignment.city_id is None


# --- data managers -----------------------------------------------------------------------------

def can_manage_city(user, city: City) -> bool:
    """City data manager of this city, or a data manager above it, or an administrator."""
    return is_admin(user) or any(_covers_city(a, city) for a in assignments(user, Role.DATA_MANAGER))


def can_manage_kmw(user, kmw: Kmw | int) -> bool:
    kmw_id = kmw if isinstance(kmw, int) else kmw.id
    return is_admin(user) or any(_covers_kmw(a, kmw_id) for a in assignments(user, Role.DATA_MANAGER))


def can_manage_national(user) -> bool:
    return is_admin(user) or any(a.level == "national" for a in assignments(user, Role.DATA_MANAGER))


def can_manage_team(user, team: Team) -> bool:
    return can_manage_city(user, team.city)


def is_data_manager(user) -> bool:
    return is_admin(user) or has_role(user, Role.DATA_MANAGER)


def managed_scope(user) -> tuple[str, set[int]]:
    """The widest scope a data manager (or admin) covers: ("national", {}), ("kmw", ids) or ("city", ids)."""
    if is_admin(user):
        return "national", set()
    dm = assignments(user, Role.DATA_MANAGER)
    if any(a.level == "national" for a in dm):
        return "national", set()
    kmws = {a.kmw_id for a in dm if a.kmw_id}
    if kmws:
        return "kmw", kmws
    return "city", {a.city_id for a in dm if a.city_id}


def can_manage_user(user, other: User) -> bool:
    """Admins manage everyone; data managers manage accounts whose every scoped role lies in their scope."""
    if is_admin(user):
        return True
    if not is_data_manager(user) or is_admin(other):
        return False
    for a in other.roles:
        if a.role == Role.READER:
            continue
        if a.team_id is not None and not can_manage_team(user, a.team):
            return False
        if a.city_id is not None and not can_manage_city(user, a.city):
            return False
        if a.kmw_id is not None and not can_manage_kmw(user, a.kmw_id):
            return False
        if a.level == "national" and not can_manage_national(user):
            return False
    return True


def can_grant_role(user, role: Role, *, team: Team | None = None, city: City | None = None,
                   kmw: Kmw | None = None) -> bool:
    """May ``user`` give someone ``role`` at this node?"""
    if is_admin(user):
        return True
    if role == Role.ADMIN:
        return False
    if team is not None:
        return can_manage_team(user, team)
    if city is not None:
        return can_manage_city(user, city)
    if kmw is not None:
        return can_manage_kmw(user, kmw)
    if role == Role.READER:
        return is_data_manager(user)
    return can_manage_national(user)


# --- writers ---------------------------------------------------------------------------------

def writer_teams(user) -> list[Team]:
    return nodes(Team, [a.team_id for a in assignments(user, Role.WRITER) if a.team_id is not None])


def writes_for_a_team(user) -> bool:
    """Has ``writer_teams`` anything (without reading the teams)?"""
    return any(a.team_id is not None for a in assignments(user, Role.WRITER))


def is_kmw_expert(user, kmw_id: int | None = None) -> bool:
    """Is ``user`` a writing expert of this KMW (of any, without ``kmw_id``)? ``expert_kmws`` without reading them."""
    return any(a.kmw_id is not None and kmw_id in (None, a.kmw_id) for a in assignments(user, Role.WRITER))


def can_write_for_team(user, team: Team | int) -> bool:
    team_id = team if isinstance(team, int) else team.id
    return any(a.team_id == team_id for a in assignments(user, Role.WRITER))


def expert_kmws(user) -> list[Kmw]:
    """KMWs where the user is a writing expert (Tenaga Ahli): knowledge products."""
    return nodes(Kmw, [a.kmw_id for a in assignments(user, Role.WRITER) if a.kmw_id is not None])


# --- panel members ---------------------------------------------------------------------------

def panel_pool_covers(user, *, city_id: int | None = None, kmw_id: int | None = None) -> bool:
    """May this person sit on panels of this node? (membership per month is set by a data manager)."""
    for a in assignments(user, Role.PANEL_MEMBER):
        if city_id is not None and a.city_id == city_id:
            return True
        if kmw_id is not None and a.kmw_id == kmw_id:
            return True
        if city_id is None and kmw_id is None and a.level == "national":
            return True
    return False


# --- pieces ------------------------------------------------------------------------------------

def can_view_piece(user, piece) -> bool:
    """Published pieces are public. Otherwise: the team's writers, data managers above the team, panel members
    of a panel the piece is before, and administrators."""
    if piece.published_at is not None:
        return True
    if not _authenticated(user):
        return False
    if can_write_for_team(user, piece.team_id) or can_manage_team(user, piece.team):
        return True
    return is_panel_member_for_piece(user, piece.id)


def is_panel_member_for_piece(user, piece_id: int) -> bool:

    if not _authenticated(user):
        return False
    found = db.session.scalar(
        db.select(PanelMember.id).join(Entry, Entry.panel_id == PanelMember.panel_id)
        .where(Entry.piece_id == piece_id, PanelMember.user_id == user.id).limit(1)
    )
    return found is not None


def can_edit_piece(user, piece) -> bool:
    """Only the team's own writers edit its piece (the status rules live in the submissions feature)."""
    return can_write_for_team(user, piece.team_id)


# --- time zone ---------------------------------------------------------------------------------

def home_timezone(user) -> str:
    """The time zone of the province a user works in (first scoped role that says one), Jakarta otherwise."""
    user = unproxied(user)
    for a in user.roles if _authenticated(user) else []:
        if a.timezone is not None:
            return a.timezone
    return NATIONAL_TIMEZONE


# --- decorators ----------------------------------------------------------------------------------

def require(predicate):
    """View decorator: 403 unless ``predicate(current_user)`` holds (login is enforced first)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from portal.extensions import login_manager

                return login_manager.unauthorized()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


require_admin = require(is_admin)
require_data_manager = require(is_data_manager)
