"""Dates and times as Indonesians read them: "15 November 2026", "23.59 WITA"."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal import clock
from portal.models.org import TIMEZONES
from portal.period import MONTHS_EN, MONTHS_ID


def now_utc() -> datetime:
    return clock.now()


def tz_label(tz_name: str) -> str:
    return TIMEZONES.get(tz_name, tz_name)


def format_date(value: date | datetime | None, locale: str = "id", tz_name: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and tz_name:
        value = value.astimezone(ZoneInfo(tz_name))
    months = MONTHS_EN if locale == "en" else MONTHS_ID
    return f"{value.day} {months[value.month - 1]} {value.year}"


def format_datetime(value: datetime | None, tz_name: str = "Asia/Jakarta", locale: str = "id") -> str:
    """``15 November 2026 23.59 WIB`` in the given province time zone."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz_name))
    sep = ":" if locale == "en" else "."
    return f"{format_date(local, locale)} {local:%H}{sep}{local:%M} {tz_label(tz_name)}"
