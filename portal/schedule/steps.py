"""The scheduled steps of the monthly cycle as data: what runs, at which node, when (local time), and until when
a reminder is still worth sending. The engine (``engine.py``) reads this table; the work is in ``work.py``.

All times are local to the node (a city's province, a KMW's first province, Jakarta for the national node,
``portal.models.org.node_timezone``), built from the cycle's days (``portal.cycle``) and the tiers
(``portal.tiers``):

========================  =======  ====================================  ===============================
step                      node     due (local)                           skipped when found after
========================  =======  ====================================  ===============================
remind_writers_3d         city     the 12th, 08.00                       the 14th, 08.00 (the next one)
remind_writers_1d         city     the 14th, 08.00                       the end of the 15th
collect_entries           city     the end of the 15th (city extension)  never skipped
missed_month              city     the end of the 15th (city extension)  never skipped
remind_sheets_city        city     the 18th, 08.00                       the end of the 20th
deadline_city             city     the end of the 20th (extension)       never skipped
remind_sheets_province    KMW      the 23rd, 08.00                       the end of the 25th
deadline_province         KMW      the end of the 25th (extension)       never skipped
deadline_national         nation   the end of the month (Jakarta)        never skipped
========================  =======  ====================================  ===============================
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from portal import cycle, tiers
from portal.models.reviews import Tier
from portal.period import Period

REMINDER_HOUR = 8  # local time of the reminders: the start of a working day, not midnight


@dataclass(frozen=True)
class Node:
    """Where a step runs: ``kind`` "city", "kmw" or "national" (id 0), with its name and time zone."""

    kind: str
    id: int
    name: str
    tz: str


@dataclass(frozen=True)
class Timing:
    """What the due times depend on besides the calendar: the extensions recorded for cities and KMWs, by stage
    (``{stage: cycle.latest_extensions(...)}``)."""

    extensions: dict


@dataclass(frozen=True)
class Step:
    code: str
    node_kind: str
    label: object  # lazy string, for the administrators' page
    due: Callable[[Node, Period, Timing], datetime]
    stale_after: Callable[[Node, Period, Timing], datetime] | None  # reminders only: after this, skipped
    work: str  # the name of the function in portal.schedule.work
    tier: Tier | None = None


def local_at(period: Period, day, hour: int, tz: str) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def days_before(stage: str, days: int) -> Callable[[Node, Period, Timing], datetime]:
    def due(node: Node, period: Period, timing: Timing) -> datetime:
        return local_at(period, cycle.stage_due_day(period, stage) - timedelta(days=days), REMINDER_HOUR, node.tz)

    return due


def stage_end(stage: str) -> Callable[[Node, Period, Timing], datetime]:
    """The end of the stage's day at the node, or the node's own extension of it (a team's does not move it)."""

    def due(node: Node, period: Period, timing: Timing) -> datetime:
        scope = {f"{node.kind}_id": node.id} if node.kind in ("city", "kmw") else {}
        return cycle.effective_deadline_from(period, stage, node.tz, timing.extensions.get(stage, {}), **scope)

    return due


def _tier_steps() -> list[Step]:
    """The panel members' reminders and the data manager's "deadline passed", one pair per tier (tiers.py)."""
    found = []
    for p in tiers.bottom_up():
        kind = p.node or "national"
        if p.node is not None:  # the national panel is reminded by its own data manager
            found.append(Step(f"remind_sheets_{p.tier.value}", kind,
                              _l("Pengingat lembar nilai (2 hari sebelum tenggat panel)"),
                              days_before(p.stage, 2), stage_end(p.stage), "remind_sheets", p.tier))
        found.append(Step(f"deadline_{p.tier.value}", kind, _l("Tenggat panel lewat, panel belum diputuskan"),
                          stage_end(p.stage), None, "deadline_passed", p.tier))
    return found


STEPS: list[Step] = [
    Step("remind_writers_3d", "city", _l("Pengingat penulis (3 hari sebelum tanggal 15)"),
         days_before("writing", 3), days_before("writing", 1), "remind_writers"),
    Step("remind_writers_1d", "city", _l("Pengingat penulis (1 hari sebelum tanggal 15)"),
         days_before("writing", 1), stage_end("writing"), "remind_writers"),
    Step("collect_entries", "city", _l("Pengumpulan tulisan ke panel kota"), stage_end("writing"), None,
         "collect_entries"),
    Step("missed_month", "city", _l("Daftar tim yang tidak mengirim tulisan"), stage_end("writing"), None,
         "missed_month"),
    *_tier_steps(),
]
BY_CODE = {s.code: s for s in STEPS}


def label(code: str) -> str:
    step = BY_CODE.get(code)
    return str(step.label) if step else code
