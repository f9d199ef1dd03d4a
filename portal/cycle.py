"""The monthly cycle: the one place that says what is open when.

For month M (``period`` ``"YYYY-MM"``), all dates local to the province:

=========  =====================  ==============================
stage      due (local day)        who
=========  =====================  ==============================
writing    the 15th               TF and Korkot teams submit
city       the 20th               the city panel sends up
province   the 25th               the KMW panel sends to KMP
national   the month's last day   the KMP panel decides
=========  =====================  ==============================

A stage is due at the *end* of its day: it closes at the local midnight that starts the next day.
So 23:59:59.999 local on the 15th is on time and 00:00:00 on the 16th is late. Deadlines are returned
as aware UTC instants so they compare with ``now_utc()`` and with database timestamps directly.

Extensions (``portal.models.pieces.Extension``) push one team's, city's or KMW's deadline later;
they never make it earlier.
"""
from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam

from portal.db import select_rows
from portal.extensions import db
from portal.models.pieces import Extension
from portal.period import Period
from portal.timeutil import now_utc

STAGES = ("writing", "city", "province", "national")
_DUE_DAY = {"writing": 15, "city": 20, "province": 25, "national": -1}  # -1: the month's last day


def stage_due_day(period: Period | str, stage: str) -> date:
    """The local calendar day on which ``stage`` of ``period`` is due."""
    if stage not in _DUE_DAY:
        raise ValueError(f"unknown stage: {stage!r}")
    return Period(period).day(_DUE_DAY[stage])


def stage_deadline(period: str, stage: str, tz_name: str) -> datetime:
    """The aware UTC instant when the stage closes: local midnight starting the day after the due day."""
    after = stage_due_day(period, stage) + timedelta(days=1)
    local = datetime.combine(after, time(0, 0), tzinfo=ZoneInfo(tz_name))
    return local.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    if now is None:
        return now_utc()
    if now.tzinfo is None:
        raise ValueError("naive datetime given; use timezone-aware UTC")
    return now


def _later(deadline: datetime, extended_until: datetime | None) -> datetime:
    return max(deadline, extended_until) if extended_until is not None else deadline


def is_open(period: str, stage: str, tz_name: str, now: datetime | None = None,
            extended_until: datetime | None = None) -> bool:
    """True while ``now`` is before the stage's deadline (or the extension, if later)."""
    return _now(now) < _later(stage_deadline(period, stage, tz_name), extended_until)


def current_period(tz_name: str, now: datetime | None = None) -> Period:
    """The month it is now in the given time zone."""
    return Period.of_date(_now(now).astimezone(ZoneInfo(tz_name)))


def writing_period(tz_name: str, now: datetime | None = None, extended_until: datetime | None = None) -> Period:
    """The period a piece written now belongs to: this month until its writing stage closes, else next month.

    ``extended_until`` is an extension of this month's writing deadline for the team, if any.
    """
    now = _now(now)
    period = current_period(tz_name, now)
    return period if is_open(period, "writing", tz_name, now, extended_until) else period.next()


def extension_for(period: str, stage: str, *, team_id: int | None = None, city_id: int | None = None,
                  kmw_id: int | None = None):
    """The latest recorded extension of ``stage`` in ``period`` for any of the given scopes (or None).

    Pass every scope that applies: a team's writing deadline is extended by an extension for the team
    or for its whole city.
    """

    scopes = []
    if team_id is not None:
        scopes.append(Extension.team_id == team_id)
    if city_id is not None:
        scopes.append(Extension.city_id == city_id)
    if kmw_id is not None:
        scopes.append(Extension.kmw_id == kmw_id)
    if not scopes:
        return None
    return db.session.scalar(
        db.select(Extension).where(Extension.period == period, Extension.stage == stage, db.or_(*scopes))
        .order_by(Extension.granted_at.desc(), Extension.id.desc()).limit(1)
    )


def latest_extensions(periods, stage: str, *, team_ids=(), city_ids=(), kmw_ids=()) -> dict[tuple[str, int, str], datetime]:
    """The latest extension's ``until`` per ``(scope kind, scope id, period)``, in one query.

    For pages that list many teams or months (use with ``effective_deadline_from``): ``kind`` is
    ``"team"``, ``"city"`` or ``"kmw"``.
    """

    scopes = {name: list(ids) for name, ids in (("team_ids", team_ids), ("city_ids", city_ids),
                                                ("kmw_ids", kmw_ids)) if ids}
    periods = list(periods)
    if not scopes or not periods:
        return {}
    rows = select_rows(_extensions_statement(tuple(scopes)), {"periods": periods, "stage": stage, **scopes})
    found: dict[tuple[str, int, str], datetime] = {}
    for team_id, city_id, kmw_id, period, until in rows:  # later rows (the latest granted) overwrite earlier ones
        for kind, scope_id in (("team", team_id), ("city", city_id), ("kmw", kmw_id)):
            if scope_id is not None:
                found[(kind, scope_id, period)] = until
    return found


_SCOPE_COLUMNS = {"team_ids": Extension.team_id, "city_ids": Extension.city_id, "kmw_ids": Extension.kmw_id}


@functools.cache
def _extensions_statement(scopes: tuple[str, ...]):
    """The statement of :func:`latest_extensions` for these kinds of scope, built once (SQLAlchemy reuses its
    cache key); the ids and periods are expanding parameters. Rows of the five columns it needs, not mapped
    extensions (every writer's home, panel page and report asks)."""
    return (db.select(Extension.team_id, Extension.city_id, Extension.kmw_id, Extension.period, Extension.until)
            .where(Extension.period.in_(bindparam("periods", expanding=True)), Extension.stage == bindparam("stage"),
                   db.or_(*[_SCOPE_COLUMNS[name].in_(bindparam(name, expanding=True)) for name in scopes]))
            .order_by(Extension.granted_at, Extension.id))


def effective_deadline_from(period: str, stage: str, tz_name: str, extensions: dict, *, team_id: int | None = None,
                            city_id: int | None = None, kmw_id: int | None = None) -> datetime:
    """``effective_deadline`` computed from ``latest_extensions`` (no query). Of several scopes' latest
    extensions the latest ``until`` counts."""
    deadline = stage_deadline(period, stage, tz_name)
    for kind, scope_id in (("team", team_id), ("city", city_id), ("kmw", kmw_id)):
        until = extensions.get((kind, scope_id, period)) if scope_id is not None else None
        if until is not None and until > deadline:
            deadline = until
    return deadline


def effective_deadline(period: str, stage: str, tz_name: str, *, team_id: int | None = None,
                       city_id: int | None = None, kmw_id: int | None = None) -> datetime:
    """The stage's deadline, or a later extension: within each scope the latest recorded extension counts
    (so a data manager can correct one), and across scopes (team, city, KMW) the latest ``until`` wins."""
    found = latest_extensions([period], stage, team_ids=[team_id] if team_id is not None else (),
                              city_ids=[city_id] if city_id is not None else (),
                              kmw_ids=[kmw_id] if kmw_id is not None else ())
    return effective_deadline_from(period, stage, tz_name, found, team_id=team_id, city_id=city_id, kmw_id=kmw_id)


def is_late(period: str, stage: str, tz_name: str, at: datetime, **scope) -> bool:
    """Was something done ``at`` this instant late for the stage (extensions for ``scope`` included)?"""
    return _now(at) >= effective_deadline(period, stage, tz_name, **scope)


def time_left(deadline: datetime, now: datetime | None = None) -> timedelta:
    """Time until ``deadline``; zero once it has passed."""
    return max(deadline - _now(now), timedelta(0))


def format_time_left(delta: timedelta) -> tuple[int, int, int]:
    """(days, hours, minutes) of a time span, for display."""
    minutes = int(delta.total_seconds()) // 60
    return minutes // (24 * 60), (minutes // 60) % 24, minutes % 60
