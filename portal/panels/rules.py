"""The rules of the review procedure, one function each: who manages and sits on which panel, panel sizes,
conflicts of interest, and which deadline applies. Pure reads; writes live in operations.py."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import cycle, permissions
from portal.extensions import db
from portal.models.org import NATIONAL_TIMEZONE, City, Kmw, Province, Team, TeamKind, node_timezone
from portal.models.people import Role, RoleAssignment, User
from portal.models.reviews import Entry, EntryStatus, Panel, PanelMember, PanelStatus, Recusal, Tier
from portal.tiers import POLICIES, policy
from portal.timeutil import now_utc

STAGE_OF_TIER = {tier: p.stage for tier, p in POLICIES.items()}
NEXT_TIER = {tier: p.next_tier for tier, p in POLICIES.items() if p.next_tier is not None}


def node_scope(tier: Tier, *, city_id: int | None = None, kmw_id: int | None = None) -> dict:
    """The keyword that names the tier's node (``{"city_id": 3}``, ``{"kmw_id": 1}``, or ``{}`` nationally)."""
    node = policy(tier).node
    return {f"{node}_id": {"city": city_id, "kmw": kmw_id}[node]} if node else {}


def scope_key(tier: Tier, *, city_id: int | None = None, kmw_id: int | None = None) -> str:
    """The panel's unique key within its tier and month: ``city:3``, ``kmw:1`` or ``national``."""
    scope = node_scope(tier, city_id=city_id, kmw_id=kmw_id)
    return "".join(f"{name[:-3]}:{value}" for name, value in scope.items()) or "national"


def min_size(tier: Tier) -> int:
    """The fewest members a panel of this tier needs to decide (PANEL_MIN_* settings)."""
    return int(current_app.config[policy(tier).min_size_setting])




def panel_timezone(panel: Panel) -> str:
    """The panel's node's time zone (``org.levels.node_timezone``)."""
    return node_timezone(node_of(panel))


# --- when a panel may decide ---------------------------------------------------------------------------
#
# A panel decides on what it received, so it may close only once nothing more can arrive for its month:
# either the deadline of the stage that feeds it (its tier's ``input_stage``) has passed at every node that
# feeds it, in that node's local time and with every extension recorded for that stage there; or every node
# that feeds it has already delivered (a city panel: every facilitator team of the city has its piece in the
# panel; a KMW panel: every city panel of its provinces is decided; the national panel: every KMW panel is
# decided). A piece that is submitted after its panel was decided goes to the next month's panel as late work
# (``portal.submissions.operations.destination``), so nothing ever lands nowhere.

def inputs_due(panel: Panel) -> datetime:
    """The instant by which everything this panel can receive is due (extensions included)."""
    stage = policy(panel.tier).input_stage
    period = panel.period
    if panel.tier == Tier.CITY:
        tz = node_timezone(panel.city)
        team_ids = team_ids_of_city(panel.city_id, TeamKind.TF)
        found = cycle.latest_extensions([period], stage, team_ids=team_ids, city_ids=[panel.city_id])
        deadlines = [cycle.effective_deadline_from(period, stage, tz, found, team_id=t, city_id=panel.city_id)
                     for t in team_ids]
        return max(deadlines, default=cycle.effective_deadline_from(period, stage, tz, found,
                                                                    city_id=panel.city_id))
    if panel.tier == Tier.PROVINCE:
        cities = db.session.execute(
            select(City.id, Province.timezone).join(Province).where(Province.kmw_id == panel.kmw_id)).all()
        found = cycle.latest_extensions([period], stage, city_ids=[c for c, _ in cities], kmw_ids=[panel.kmw_id])
        return max((cycle.effective_deadline_from(period, stage, tz, found, city_id=c, kmw_id=panel.kmw_id)
                    for c, tz in cities),
                   default=cycle.effective_deadline_from(period, stage, panel_timezone(panel), found,
                                                         kmw_id=panel.kmw_id))
    # with their provinces (their time zones): a lazy load per KMW was 22 statements on the national dataset
    kmws = db.session.scalars(select(Kmw).where(Kmw.provinces.any()).options(selectinload(Kmw.provinces))).all()
    found = cycle.latest_extensions([period], stage, kmw_ids=[k.id for k in kmws])
    return max((cycle.effective_deadline_from(period, stage, node_timezone(k), found, kmw_id=k.id) for k in kmws),
               default=cycle.stage_deadline(period, stage, NATIONAL_TIMEZONE))


def inputs_complete(panel: Panel) -> bool:
    """Has every node that feeds this panel already delivered everything it can send for the month?"""
    if panel.tier == Tier.CITY:
        team_ids = set(team_ids_of_city(panel.city_id, TeamKind.TF))  # a returned piece may still come back
        return bool(team_ids) and team_ids <= {e.piece.team_id for e in panel.entries
                                               if e.status != EntryStatus.RETURNED}
    if panel.tier == Tier.PROVINCE:
        feeding = select(City.id).join(Province).where(Province.kmw_id == panel.kmw_id)
        decided = select(Panel.city_id).where(Panel.tier == Tier.CITY, Panel.city_id.in_(feeding))
    else:
        feeding = select(Kmw.id).where(Kmw.provinces.any())
        decided = select(Panel.kmw_id).where(Panel.tier == Tier.PROVINCE, Panel.kmw_id.in_(feeding))
    decided = decided.where(Panel.period == panel.period, Panel.status == PanelStatus.CLOSED)
    return set(db.session.scalars(feeding)) <= set(db.session.scalars(decided))


def receiving_panel_key(team: Team) -> tuple[Tier, str]:
    """The panel that receives a team's piece: a facilitator team's goes to its city panel, a Korkot team's own
    piece straight to its KMW panel (outside the city quota). As (tier, scope key)."""
    if team.kind == TeamKind.KORKOT:
        return Tier.PROVINCE, scope_key(Tier.PROVINCE, kmw_id=team.city.province.kmw_id)
    return Tier.CITY, scope_key(Tier.CITY, city_id=team.city_id)


def decided_periods(tier: Tier, key: str, periods) -> set[str]:
    """Of these months, those in which that panel has already decided."""
    return set(db.session.scalars(select(Panel.period).where(
        Panel.tier == tier, Panel.scope_key == key, Panel.period.in_(list(periods)),
        Panel.status == PanelStatus.CLOSED)))


def feeders_label(panel: Panel) -> str:
    return str(policy(panel.tier).feeders)


def closes_not_before(panel: Panel, now: datetime | None = None) -> datetime | None:
    """When this panel may be decided at the earliest, or None when it may be decided now."""
    due = inputs_due(panel)
    if (now or now_utc()) >= due or inputs_complete(panel):
        return None
    return due


def deadline_scope(panel: Panel) -> dict:
    return node_scope(panel.tier, city_id=panel.city_id, kmw_id=panel.kmw_id)


def panel_title(panel: Panel) -> str:
    node = node_of(panel)
    return policy(panel.tier).panel_title.format(name=node.name if node is not None else "")


# --- who may do what --------------------------------------------------------------------------------

def can_manage_panel(user, panel: Panel) -> bool:
    """Data managers of the panel's node (or above) and administrators set members and collect entries."""
    return _MANAGES[policy(panel.tier).node](user, panel)


_MANAGES = {  # by the panel's node level
    "city": lambda user, panel: permissions.can_manage_city(user, panel.city),
    "kmw": lambda user, panel: permissions.can_manage_kmw(user, panel.kmw_id),
    None: lambda user, panel: permissions.can_manage_national(user),
}




def membership(user, panel: Panel) -> PanelMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return next((m for m in panel.members if m.user_id == user.id), None)


def is_chair(user, panel: Panel) -> bool:
    return membership(user, panel) is not None and panel.chair_id == user.id


def can_view_panel(user, panel: Panel) -> bool:
    """Members, the node's data managers and administrators; nobody else learns the panel exists."""
    return membership(user, panel) is not None or can_manage_panel(user, panel)




def in_pool(user: User, panel_or_tier, *, city_id: int | None = None, kmw_id: int | None = None) -> bool:
    """May this person be chosen for this node's panel? (Role.PANEL_MEMBER at that node.)"""
    if isinstance(panel_or_tier, Panel):
        tier, city_id, kmw_id = panel_or_tier.tier, panel_or_tier.city_id, panel_or_tier.kmw_id
    else:
        tier = panel_or_tier
    return permissions.panel_pool_covers(user, **node_scope(tier, city_id=city_id, kmw_id=kmw_id))


def pool(panel: Panel) -> list[User]:
    """Everyone who may sit on this panel, by name."""
    query = select(User).join(RoleAssignment).where(RoleAssignment.role == Role.PANEL_MEMBER, User.active.is_(True))
    scope = deadline_scope(panel)
    if scope:
        query = query.where(*(getattr(RoleAssignment, column) == value for column, value in scope.items()))
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




def node_of(panel: Panel) -> City | Kmw | None:
    node = policy(panel.tier).node
    return getattr(panel, node) if node else None


def team_ids_of_city(city_id: int, kind: TeamKind | None = None) -> list[int]:
    query = select(Team.id).where(Team.city_id == city_id)
    if kind is not None:
        query = query.where(Team.kind == kind)
    return list(db.session.scalars(query))
