"""Who may see which report. Every export checks the same rule as its page."""

from __future__ import annotations

from portal import permissions
from portal.models import City, Kmw, Panel
from portal.panels.rules import can_manage_panel, can_view_panel, is_chair


def can_view_city_recap(user, city: City) -> bool:
    """Lampiran 3 of a city: its data managers, those above, administrators."""
    return permissions.can_manage_city(user, city)


def can_view_kmw_recap(user, kmw: Kmw) -> bool:
    """Lampiran 2 of a KMW (members named, internal): its data managers, national ones, admins."""
    return permissions.can_manage_kmw(user, kmw)


def can_build_bundle(user, scope: str, node) -> bool:
    if scope == "city":
        return node is not None and can_view_city_recap(user, node)
    if scope == "kmw":
        return node is not None and can_view_kmw_recap(user, node)
    return permissions.can_manage_national(user)


def can_see_calibration(user, panel: Panel) -> bool:
    """Per-reviewer statistics: the panel's chair and the data managers who run the panel."""
    return is_chair(user, panel) or can_manage_panel(user, panel)


def may_know_panel(user, panel: Panel) -> bool:
    """Others are told the panel does not exist (404)."""
    return can_view_panel(user, panel)
