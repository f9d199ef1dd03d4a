"""Who may compose and build which book: the national book is the national data managers' (and administrators'),
a province's book the data managers of the KMW that covers the province (and those above). Nobody else learns
that a book page exists (404)."""
from __future__ import annotations

from sqlalchemy import select

from portal import permissions
from portal.extensions import db
from portal.models.org import Province


def can_manage_book(user, province: Province | None) -> bool:
    if province is None:
        return permissions.can_manage_national(user)
    return permissions.can_manage_kmw(user, province.kmw_id)


def managed_provinces(user) -> list[Province]:
    """The provinces whose books ``user`` may make, by name."""
    provinces = db.session.scalars(select(Province).order_by(Province.name)).all()
    return [p for p in provinces if can_manage_book(user, p)]


def may_use_anthology(user) -> bool:
    """The anthology pages at all: a national data manager or a data manager of at least one KMW."""
    scope, ids = permissions.managed_scope(user) if permissions.is_data_manager(user) else ("", set())
    return scope == "national" or (scope == "kmw" and bool(ids))
