"""Who may see and change which part of the tree.

Administrators manage the whole tree. A data manager sees the part of the tree in their scope and may
create, edit, move and delete teams and kelurahan of the cities they manage (their Korkot area or
their KMW's provinces); everything above the city level is for administrators only.
"""

from __future__ import annotations

from sqlalchemy import or_

from portal import permissions
from portal.extensions import db
from portal.models.org import City, Kelurahan, Kmw, Province, Region, Team
from portal.org.levels import city_of, kmw_id_of

DATA_MANAGER_LEVELS = ("tim", "kelurahan")


def can_view_node(user, level: str, node) -> bool:
    if permissions.is_admin(user):
        return True
    if level == "wilayah":
        return permissions.can_manage_national(user)
    city = city_of(level, node)
    if city is not None:
        return permissions.can_manage_city(user, city)
    return permissions.can_manage_kmw(user, kmw_id_of(level, node))


def can_edit_node(user, level: str, node) -> bool:
    if permissions.is_admin(user):
        return True
    return level in DATA_MANAGER_LEVELS and permissions.can_manage_city(user, city_of(level, node))


def can_create_under(user, level: str, parent) -> bool:
    """May ``user`` add a node of ``level`` below ``parent`` (None for top levels)?"""
    if permissions.is_admin(user):
        return True
    if level not in DATA_MANAGER_LEVELS or parent is None:
        return False
    return permissions.can_manage_city(user, parent if level == "tim" else parent.city)


def can_open_create(user, level: str, parent) -> bool:
    """May ``user`` open the form for a new node; without a parent a data manager types the parent code."""
    if parent is None and not permissions.is_admin(user):
        return permissions.is_data_manager(user) and level in DATA_MANAGER_LEVELS
    return can_create_under(user, level, parent)


def can_import_tree(user) -> bool:
    return permissions.is_admin(user)


def managed_area(user):
    """(KMW ids, SQL select of city ids) a data manager covers, or None for the whole country.

    Unlike permissions.managed_scope (the widest level only), this unites every data-manager role,
    e.g. one KMW plus one city elsewhere, so lists agree with can_manage_city.
    """
    if permissions.is_admin(user) or permissions.can_manage_national(user):
        return None
    roles = permissions.assignments(user, permissions.Role.DATA_MANAGER)
    kmw_ids = sorted({a.kmw_id for a in roles if a.kmw_id})
    city_ids = sorted({a.city_id for a in roles if a.city_id})
    cities = db.select(City.id).join(Province).where(or_(Province.kmw_id.in_(kmw_ids), City.id.in_(city_ids)))
    return kmw_ids, cities


def scope_filter(user):
    """A function level -> SQL where clause (None: no restriction) limiting lists to the user's scope."""
    area = managed_area(user)
    if area is None:
        return lambda level: None
    kmw_ids, cities = area
    teams = db.select(Team.id).where(Team.city_id.in_(cities))
    clauses = {
        "wilayah": Region.id.in_([]),
        "kmw": Kmw.id.in_(kmw_ids),
        "provinsi": Province.kmw_id.in_(kmw_ids),
        "kota": City.id.in_(cities),
        "tim": Team.city_id.in_(cities),
        "kelurahan": Kelurahan.team_id.in_(teams),
    }
    return clauses.get
