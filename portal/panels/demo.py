"""Demo data of the review pipeline.

* the latest month whose writing deadline has passed (this month after the 15th, else the month before): the
  Semarang city panel decided, the KMW-JTG panel open with its entries, members set and some sheets submitted, so
  a newcomer can click through as panel_kmw1..3;
* the month before it: decided end to end (Semarang and Demak city panels, the KMW-JTG panel with provincial best
  practices published, the national panel with its winners).

Every step happens at a moment the procedure allows (never in the future, never before a panel's inputs were due),
so the demo shows no state the procedure forbids.

Pieces come from the submissions feature's demo when it made them; missing ones are created here (their photos
planned for the demo's photo job).
"""
from __future__ import annotations

import random
from datetime import UTC, datetime, time

from sqlalchemy import select

from portal import cycle
from portal.cycle import current_period
from portal.extensions import db
from portal.models.people import Role, RoleAssignment
from portal.models.pieces import Piece, PieceStatus
from portal.models.reviews import EntryStatus, Panel, PanelMode, Tier
from portal.panels import operations as ops
from portal.panels.rules import may_score
from portal.period import Period
from portal.submissions.demo import plan_photos
from portal.submissions.demo_texts import AUTHORS, TEXTS
from portal.timeutil import now_utc


def _piece(ctx, team, period: str, n: int, submitted_at: datetime) -> Piece:
    """The team's submitted piece of the month, created (its photos planned) when the submissions demo has none."""
    piece = db.session.scalar(select(Piece).where(Piece.team_id == team.id, Piece.period == period))
    if piece is not None:
        return piece
    # Written by the team's demo writer account when it has one (the workshop nominations count per writer).
    writer_id = db.session.scalar(select(RoleAssignment.user_id).where(
        RoleAssignment.team_id == team.id, RoleAssignment.role == Role.WRITER).order_by(RoleAssignment.id).limit(1))
    index = ctx.take_text(period, n, len(TEXTS))
    title, theme, body = TEXTS[index]
    kelurahan = team.kelurahan[0].name.replace("Kelurahan ", "") if team.kelurahan else team.city.name
    piece = Piece(team=team, period=period, status=PieceStatus.SUBMITTED, title=f"{title} di {kelurahan}",
                  theme=theme, body_md=body.format(kelurahan=kelurahan, kota=team.city.name, bkm=f"BKM {kelurahan}"),
                  facts=f"{60 + 9 * n} KK terlibat; swadaya Rp {12 + n}.500.000.",
                  institution_name=f"BKM {kelurahan}", institution_address=f"Jl. Kenanga {n + 2}, {team.city.name}",
                  institution_phone=f"024-760{n:04d}", author_name=AUTHORS[(n + 7) % len(AUTHORS)],
                  author_position="Korkot" if team.code.endswith("KK") else "Fasilitator Kelurahan",
                  author_place=team.city.name, author_phone=f"0812-2{n:03d}-3000", submitted_at=submitted_at,
                  created_by_id=writer_id)
    db.session.add(piece)
    db.session.flush()
    plan_photos(piece, index, kelurahan, count=2)
    return piece


def _at(period: str, day: int, hour: int = 3) -> datetime:
    """03:00 UTC (10:00 WIB) on that day of the month, or now if that is still to come."""
    return min(datetime.combine(Period(period).day(day), time(hour, 0), tzinfo=UTC), now_utc())


def latest_written_period() -> str:
    """The newest month whose writing stage has closed (in WIB, where the demo's panels sit)."""
    period = current_period("Asia/Jakarta")
    return period if not cycle.is_open(period, "writing", "Asia/Jakarta") else period.previous()


def _score(panel_id: int, members, quality: dict[int, int], *, only: int | None = None) -> None:
    """Members submit sheets: the piece's quality level, with each member's own small leniency."""
    panel = db.session.get(Panel, panel_id)
    day = {Tier.CITY: 18, Tier.PROVINCE: 23, Tier.NATIONAL: 26}[panel.tier]
    for entry in panel.entries:
        if entry.status != EntryStatus.ELIGIBLE:
            continue
        for k, member in enumerate(members[:only] if only else members):
            if not may_score(member, entry):
                continue
            rng = random.Random(f"{entry.id}-{member.id}")
            level = quality.get(entry.piece_id, 6)
            values = {c: max(1, min(10, level + rng.choice((-1, 0, 0, 1)) + (k == 2 and c == 8))) for c in range(1, 9)}
            ops.save_sheet(entry.id, member, values, version=None, submit=True, now=_at(panel.period, day))


def _city(ctx, code: str, period: str, teams: list[str], quality_of, close_day: int) -> None:
    users = ctx.users
    admin = users["admin"]
    for n, team_code in enumerate(teams):
        offset = 0 if period == latest_written_period() else 5  # other stories in the other month
        piece = _piece(ctx, ctx.teams[team_code], period, n + offset, _at(period, 10 + n % 4))
        quality_of.setdefault(piece.id, 9 - n % 6)
    panel = ops.open_panel(Tier.CITY, period, admin, city=ctx.cities[code])
    ops.collect_city_entries(panel.id, admin)  # as the scheduled step did at the end of the 15th
    members = [users["panel_city1"], users["panel_city2"], users["panel_city3"]]
    if code != "3374":  # Demak has no demo panel accounts: the Semarang ones sit there through a second role
        _give_city_pool(members, ctx.cities[code])
    ops.set_members(panel.id, [m.id for m in members], members[0].id, PanelMode.INDIVIDUAL, admin)
    for entry in list(panel.entries):
        ops.check_entry(entry.id, members[0], {c: True for c in range(1, 9)})
    _score(panel.id, members, quality_of)
    ops.close_panel(panel.id, members[0], now=_at(period, close_day))


def _give_city_pool(members, city) -> None:
    from portal.models.people import Role, RoleAssignment

    for member in members:
        if not any(a.role == Role.PANEL_MEMBER and a.city_id == city.id for a in member.roles):
            member.roles.append(RoleAssignment(role=Role.PANEL_MEMBER, city=city))
    db.session.flush()


def seed(ctx) -> None:
    """The month before the latest written one decided end to end; the latest with the KMW-JTG panel in progress."""
    users = ctx.users
    now_period = latest_written_period()
    before = now_period.previous()
    kmw = ctx.kmws["KMW-JTG"]
    kmw_members = [users["panel_kmw1"], users["panel_kmw2"], users["panel_kmw3"]]
    kmp_members = [users[f"panel_kmp{i}"] for i in range(1, 6)]

    # --- the previous month, decided ---
    quality: dict[int, int] = {}
    sem_teams = ["3374-KK"] + [f"3374-TF{i:02d}" for i in range(1, 7)]
    _city(ctx, "3374", before, sem_teams, quality, 19)
    _city(ctx, "3321", before, [f"3321-TF{i:02d}" for i in range(1, 4)], quality, 19)
    province = ops.open_panel(Tier.PROVINCE, before, users["admin"], kmw=kmw)
    ops.set_members(province.id, [m.id for m in kmw_members], kmw_members[0].id, PanelMode.INDIVIDUAL, users["admin"])
    _score(province.id, kmw_members, quality)
    ops.close_panel(province.id, kmw_members[0], now=_at(before, 24))
    national = ops.open_panel(Tier.NATIONAL, before, users["admin"])
    ops.set_members(national.id, [m.id for m in kmp_members], kmp_members[0].id, PanelMode.INDIVIDUAL, users["admin"])
    _score(national.id, kmp_members, quality)
    ops.close_panel(national.id, kmp_members[0], now=_at(before, 28))

    # --- the latest written month: Semarang decided, KMW-JTG scoring in progress ---
    # TF01 and TF02 (the demo writers' teams) are left to the submissions demo this month: whatever it submitted
    # for them is collected too.
    quality = {}
    _city(ctx, "3374", now_period, ["3374-KK"] + [f"3374-TF{i:02d}" for i in range(3, 9)], quality, 19)
    province = ops.open_panel(Tier.PROVINCE, now_period, users["admin"], kmw=kmw)
    ops.set_members(province.id, [m.id for m in kmw_members], kmw_members[0].id, PanelMode.INDIVIDUAL, users["admin"])
    _score(province.id, kmw_members, quality, only=1)  # the chair has submitted; the two others have not
