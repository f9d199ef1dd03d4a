"""The rules of the review procedure, one function each: who manages and sits on which panel, panel sizes,
conflicts of interest, and which deadline applies. Pure reads; writes live in operations.py."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal import permissions
from portal.extensions import db
from portal.models.org import City, Kmw, Team, TeamKind
from portal.models.people import Role, RoleAssignment, User
from portal.models.reviews import Entry, Panel, PanelMember, PanelStatus, Recusal, Tier

NATIONAL_TZ = "Asia/Jakarta"
STAGE_OF_TIER = {Tier.CITY: "city", Tier.PROVINCE: "province", Tier.NATIONAL: "national"}
NEXT_TIER = {Tier.CITY: Tier.PROVINCE, Tier.PROVINCE: Tier.NATIONAL}


def scope_key(tier: Tier, *, city_id: int | None = None, kmw_id: int | None = None) -> str:
    if tier == Tier.CITY:
        return f"city:{city_id}"
    if tier == Tier.PROVINCE:
        return f"kmw:{kmw_id}"
    return "national"


def min_size(tier: Tier) -> int:
    """The fewest members a panel of this tier needs to decide (PANEL_MIN_* settings)."""
    name = {Tier.CITY: "PANEL_MIN_CITY", Tier.PROVINCE: "PANEL_MIN_PROVINCE", Tier.NATIONAL: "PANEL_MIN_NATIONAL"}
    return int(current_app.config[name[tier]])


def is_large_enough(panel: Panel) -> bool:
    return len(panel.members) >= min_size(panel.tier)


def panel_timezone(panel: Panel) -> str:
    """The node's time zone: the city's province; the KMW's first province; Jakarta for KMP."""
    if panel.tier == Tier.CITY and panel.city is not None:
        return panel.city.province.timezone
    if panel.tier == Tier.PROVINCE and panel.kmw is not None and panel.kmw.provinces:
        return panel.kmw.provinces[0].timezone
    return NATIONAL_TZ


def deadline_scope(panel: Panel) -> dict:
    if panel.tier == Tier.CITY:
        return {"city_id": panel.city_id}
    if panel.tier == Tier.PROVINCE:
        return {"kmw_id": panel.kmw_id}
    return {}


def panel_title(panel: Panel) -> str:
    if panel.tier == Tier.CITY:
        return f"Tim Penilai Korkot {panel.city.name}"
    if panel.tier == Tier.PROVINCE:
        return f"Tim Penilai {panel.kmw.name}"
    return "Tim Penilai KMP"


# --- who may do what --------------------------------------------------------------------------------

def can_manage_panel(user, panel: Panel) -> bool:
    """Data managers of the panel's node (or above) and administrators set members and collect entries."""
    if panel.tier == Tier.CITY:
        return permissions.can_manage_city(user, panel.city)
    if panel.tier == Tier.PROVINCE:
        return permissions.can_manage_kmw(user, panel.kmw_id)
    return permissions.can_manage_national(user)


def can_manage_node(user, tier: Tier, node) -> bool:
    if tier == Tier.CITY:
        return permissions.can_manage_city(user, node)
    if tier == Tier.PROVINCE:
        return permissions.can_manage_kmw(user, node)
    return permissions.can_manage_national(user)


def membership(user, panel: Panel) -> PanelMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return next((m for m in panel.members if m.user_id == user.id), None)


def is_chair(user, panel: Panel) -> bool:
    return membership(user, panel) is not None and panel.chair_id == user.id


def can_view_panel(user, panel: Panel) -> bool:
    """Members, the node's data managers and administrators; nobody else learns the panel exists."""
    return membership(user, panel) is not None or can_manage_panel(user, panel)


def can_download_letter(user, panel: Panel) -> bool:
    return panel.status == PanelStatus.CLOSED and can_view_panel(user, panel)


def in_pool(user: User, panel_or_tier, *, city_id: int | None = None, kmw_id: int | None = None) -> bool:
    """May this person be chosen for this node's panel? (Role.PANEL_MEMBER at that node.)"""
    if isinstance(panel_or_tier, Panel):
        tier, city_id, kmw_id = panel_or_tier.tier, panel_or_tier.city_id, panel_or_tier.kmw_id
    else:
        tier = panel_or_tier
    if tier == Tier.CITY:
        return permissions.panel_pool_covers(user, city_id=city_id)
    if tier == Tier.PROVINCE:
        return permissions.panel_pool_covers(user, kmw_id=kmw_id)
    return permissions.panel_pool_covers(user)


def pool(panel: Panel) -> list[User]:
    """Everyone who may sit on this panel, by name."""
    query = select(User).join(RoleAssignment).where(RoleAssignment.role == Role.PANEL_MEMBER, User.active.is_(True))
    if panel.tier == Tier.CITY:
        query = query.where(RoleAssignment.city_id == panel.city_id)
    elif panel.tier == Tier.PROVINCE:
        query = query.where(RoleAssignment.kmw_id == panel.kmw_id)
    else:
        query = query.where(RoleAssignment.city_id.is_(None), RoleAssignment.kmw_id.is_(None),
                            RoleAssignment.team_id.is_(None))
    return list(db.session.scalars(query.order_by(User.name).distinct()))


# --- conflicts of interest -----------------------------------------------------------------------------

def user_city_ids(user: User) -> set[int]:
    """Cities a person is 'from': any role scoped to the city or to a team in it."""
    ids = set()
    for a in user.roles:
        if a.city_id is not None:
            ids.add(a.city_id)
        elif a.team_id is not None:
            ids.add(a.team.city_id)
    return ids


def writes_for_team(user: User, team_id: int) -> bool:
    return permissions.can_write_for_team(user, team_id)


def automatic_recusal_reason(user: User, panel: Panel, piece) -> str | None:
    """Why this member must not score this piece, or None. Applied by the server, never optional."""
    if writes_for_team(user, piece.team_id):
        return "Penulis dari tim yang sama"
    if (panel.tier == Tier.PROVINCE and current_app.config.get("RECUSE_SAME_CITY_AT_PROVINCE", True)
            and piece.team.city_id in user_city_ids(user)):
        return "Berasal dari kota/kabupaten yang sama dengan penulis"
    return None


def recusal_of(entry: Entry, user_id: int) -> Recusal | None:
    return next((r for r in entry.recusals if r.user_id == user_id), None)


def may_score(user, entry: Entry) -> bool:
    """A member of the entry's panel, not recused, and not a writer of the piece's team."""
    panel = entry.panel
    return (membership(user, panel) is not None and recusal_of(entry, user.id) is None
            and not writes_for_team(user, entry.piece.team_id))


def is_korkot_piece(piece) -> bool:
    return piece.team.kind == TeamKind.KORKOT


def node_of(panel: Panel) -> City | Kmw | None:
    return panel.city if panel.tier == Tier.CITY else panel.kmw if panel.tier == Tier.PROVINCE else None


def team_ids_of_city(city_id: int, kind: TeamKind | None = None) -> list[int]:
    query = select(Team.id).where(Team.city_id == city_id)
    if kind is not None:
        query = query.where(Team.kind == kind)
    return list(db.session.scalars(query))
