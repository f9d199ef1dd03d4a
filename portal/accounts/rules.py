"""Roles, the scopes each role may have, scope codes, and which accounts a manager sees.

The general rules (who may manage whom, who may grant what) live in portal/permissions.py;
this module adds what only the account pages need.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, not_, or_

from portal import permissions
from portal.extensions import db
from portal.failures import PortalError
from portal.models.org import City, Kmw, Team
from portal.models.people import Role, RoleAssignment, User
from portal.org.rules import managed_area

ROLE_LABELS = {
    Role.WRITER: _l("Penulis"),
    Role.DATA_MANAGER: _l("Pengelola data"),
    Role.PANEL_MEMBER: _l("Anggota tim penilai"),
    Role.READER: _l("Pembaca"),
    Role.ADMIN: _l("Administrator"),
}
# The scope levels each role may have ("national" means no node: the whole country).
ROLE_SCOPES = {
    Role.WRITER: ("team", "kmw"),
    Role.DATA_MANAGER: ("city", "kmw", "national"),
    Role.PANEL_MEMBER: ("city", "kmw", "national"),
    Role.READER: ("national",),
    Role.ADMIN: ("national",),
}
ROLE_NAMES = {
    "writer": Role.WRITER,
    "penulis": Role.WRITER,
    "data_manager": Role.DATA_MANAGER,
    "pengelola_data": Role.DATA_MANAGER,
    "pengelola data": Role.DATA_MANAGER,
    "panel_member": Role.PANEL_MEMBER,
    "penilai": Role.PANEL_MEMBER,
    "anggota_panel": Role.PANEL_MEMBER,
    "reader": Role.READER,
    "pembaca": Role.READER,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
}
PREFIXES = {"tim": "team", "kota": "city", "kmw": "kmw"}
MODELS = {"team": Team, "city": City, "kmw": Kmw}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ScopeError(PortalError):
    """A scope code that does not fit the role; the message says what to fix."""


def parse_role(value: str) -> Role | None:
    return ROLE_NAMES.get(value.strip().lower())


def split_code(code: str) -> tuple[str | None, str]:
    """``"kota:3273"`` -> ("city", "3273"); a code without a prefix may name a team, a city or a KMW."""
    head, sep, tail = code.strip().partition(":")
    if sep and head.lower() in PREFIXES:
        return PREFIXES[head.lower()], tail.strip()
    return None, code.strip()


class ScopeLookup:
    """Nodes by code for a set of scope codes, fetched in three queries whatever the number of codes."""

    def __init__(self, codes: set[str]):
        bare = {split_code(c)[1] for c in codes if c.strip()}
        self.nodes = (
            {
                level: {n.code: n for n in db.session.scalars(db.select(model).where(model.code.in_(bare)))}
                for level, model in MODELS.items()
            }
            if bare
            else {level: {} for level in MODELS}
        )

    def resolve(self, role: Role, code: str):
        """The node this role gets at ``code`` (None: national or unscoped); ScopeError if it does not fit."""
        allowed = ROLE_SCOPES[role]
        if not code.strip():
            if "national" in allowed:
                return None
            raise ScopeError(_("peran ini perlu kode lingkup (kode tim atau KMW)."))
        if allowed == ("national",):
            raise ScopeError(_("peran ini tidak memakai kode lingkup; kosongkan."))
        prefix, bare = split_code(code)
        levels = [lvl for lvl in ("team", "city", "kmw") if lvl in allowed and prefix in (None, lvl)]
        found = [self.nodes[lvl][bare] for lvl in levels if bare in self.nodes[lvl]]
        if not found:
            raise ScopeError(
                _(
                    "kode lingkup %(code)s tidak ditemukan untuk peran ini (%(levels)s).",
                    code=code,
                    levels=", ".join(scope_level_label(lvl) for lvl in allowed),
                )
            )
        if len(found) > 1:
            raise ScopeError(
                _(
                    "kode %(code)s dipakai lebih dari satu tingkat; tulis kota:%(code)s atau kmw:%(code)s.",
                    code=bare,
                )
            )
        return found[0]


def scope_level_label(level: str) -> str:
    return {"team": _("tim"), "city": _("kota/kabupaten"), "kmw": _("KMW"), "national": _("nasional")}[level]


def scope_kwargs(node) -> dict:
    """Keyword arguments for permissions.can_grant_role and RoleAssignment."""
    if isinstance(node, Team):
        return {"team": node}
    if isinstance(node, City):
        return {"city": node}
    if isinstance(node, Kmw):
        return {"kmw": node}
    return {}


def scope_label(assignment: RoleAssignment) -> str:
    if assignment.team is not None:
        return f"{assignment.team.name} ({assignment.team.code})"
    if assignment.city is not None:
        return f"{assignment.city.name} ({assignment.city.code})"
    if assignment.kmw is not None:
        return f"{assignment.kmw.name} ({assignment.kmw.code})"
    if assignment.role in (Role.READER, Role.ADMIN):
        return ""
    return _("Nasional")


def can_grant(user, role: Role, node) -> bool:
    """``user`` None is the command line, which may do anything."""
    return user is None or permissions.can_grant_role(user, role, **scope_kwargs(node))


def grantable_roles(user) -> list[Role]:
    return [r for r in Role if permissions.is_admin(user) or r != Role.ADMIN]


def manageable_accounts_clause(user):
    """SQL condition on User for the accounts ``user`` may manage (None: all of them).

    Mirrors permissions.can_manage_user: some role inside the manager's scope and no scoped role outside it.
    """
    if permissions.is_admin(user):
        return None
    admins = db.select(RoleAssignment.user_id).where(RoleAssignment.role == Role.ADMIN)
    area = managed_area(user)
    if area is None:
        return not_(User.id.in_(admins))
    kmw_ids, cities = area
    teams = db.select(Team.id).where(Team.city_id.in_(cities))
    inside = or_(
        and_(RoleAssignment.team_id.is_not(None), RoleAssignment.team_id.in_(teams)),
        and_(RoleAssignment.city_id.is_not(None), RoleAssignment.city_id.in_(cities)),
        and_(RoleAssignment.kmw_id.is_not(None), RoleAssignment.kmw_id.in_(kmw_ids)),
    )
    some_inside = db.select(RoleAssignment.user_id).where(inside)
    some_outside = db.select(RoleAssignment.user_id).where(RoleAssignment.role != Role.READER, not_(inside))
    return and_(User.id.in_(some_inside), not_(User.id.in_(some_outside)))
