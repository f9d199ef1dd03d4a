"""Builders for panel tests: pools of panel members, panels with members, and filled sheets."""
from __future__ import annotations

from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import Entry, EntryStatus, PanelMode, Tier
from portal.panels import operations as ops
from portal.period import Period

PERIOD = Period("2026-11")


def scores_for(level: int, bump: int = 0) -> dict[int, int]:
    """Eight scores all equal to ``level`` (total = level * 100), optionally one instrument bumped."""
    values = {code: level for code in range(1, 9)}
    if bump:
        values[1] = max(1, min(10, level + bump))
    return values


def form_scores(values: dict[int, int | None], **extra) -> dict[str, str]:
    data = {f"score_{code}": "" if v is None else str(v) for code, v in values.items()}
    data.update({k: str(v) for k, v in extra.items()})
    return data


def make_pool(make_user, n: int, scope=None, *, prefix: str = "penilai") -> list:
    return [make_user(Role.PANEL_MEMBER, scope, name=f"{prefix.title()} {i + 1}",
                      email=f"{prefix}{i + 1}.{getattr(scope, 'code', 'kmp').lower()}@uji.bp.id") for i in range(n)]


def city_panel(tree, city_key: str, members: list, actor, period: str = PERIOD, mode=PanelMode.INDIVIDUAL):
    """The city's panel with its entries collected, as the scheduled step does at the end of the 15th (the suite's
    calendar is past it: portal/schedule/; opening a panel collects nothing)."""
    panel = ops.open_panel(Tier.CITY, period, actor, city=tree.city[city_key])
    ops.collect_city_entries(panel.id, actor)
    return ops.set_members(panel.id, [m.id for m in members], members[0].id, mode, actor)


def kmw_panel(tree, kmw_key: str, members: list, actor, period: str = PERIOD, mode=PanelMode.INDIVIDUAL):
    """The KMW panel with its cities' Korkot pieces in (the scheduled collection sends them there)."""
    panel = ops.open_panel(Tier.PROVINCE, period, actor, kmw=tree.kmw[kmw_key])
    ops.collect_korkot_entries(panel.id)
    return ops.set_members(panel.id, [m.id for m in members], members[0].id, mode, actor)


def national_panel(members: list, actor, period: str = PERIOD, mode=PanelMode.INDIVIDUAL):
    panel = ops.open_panel(Tier.NATIONAL, period, actor)
    return ops.set_members(panel.id, [m.id for m in members], members[0].id, mode, actor)


def check_all(panel, actor) -> None:
    for entry in list(panel.entries):
        if entry.status == EntryStatus.PENDING:
            ops.check_entry(entry.id, actor, {c: True for c in range(1, 9)})


def score_all(panel, members: list, level_of) -> None:
    """Every member submits a sheet for every eligible entry they may score; ``level_of(entry)`` -> 1..10."""
    from portal.panels import rules

    for entry in db.session.scalars(db.select(Entry).where(Entry.panel_id == panel.id,
                                                           Entry.status == EntryStatus.ELIGIBLE)).all():
        for member in members:
            if rules.may_score(member, entry):
                ops.save_sheet(entry.id, member, scores_for(level_of(entry)), version=None, submit=True)


def tied_city_panel(make_tree, make_user, make_piece, titles=("Seri 1", "Seri 2", "Seri 3"), *,
                    korkot_title: str | None = None):
    """Demak's open city panel (3 TF teams: quota 2), checked and scored by three members: NA 900, 700 and 700,
    so the last two tie at the cut-off. ``korkot_title`` also gives Demak's Korkot team a piece (it goes to the
    KMW panel, not this one). Returns ``(admin, pool, panel, entries)``, the entries in the order of ``titles``."""
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    pieces = [make_piece(tree.team[f"demak-TF{i:02d}"], title=title) for i, title in enumerate(titles, 1)]
    if korkot_title:
        make_piece(tree.team["demak-KK"], title=korkot_title)
    pool = make_pool(make_user, 3, tree.city["demak"])
    panel = city_panel(tree, "demak", pool, admin)
    check_all(panel, admin)
    entries = {e.piece_id: e for e in panel.entries}
    levels = {pieces[0].id: 9, pieces[1].id: 7, pieces[2].id: 7}
    score_all(panel, pool, lambda e: levels[e.piece_id])
    return admin, pool, panel, [entries[p.id] for p in pieces]
