"""Dates and times as Indonesians read them: "15 November 2026", "23.59 WITA"."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal import clock
from portal.models.org import TIMEZONES

MONTHS_ID = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


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


def period_label(period: str, locale: str = "id") -> str:
    """``2026-11`` -> ``November 2026``."""
    year, month = (int(x) for x in period.split("-"))
    months = MONTHS_EN if locale == "en" else MONTHS_ID
    return f"{months[month - 1]} {year}"


def period_of(value: date | datetime) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def next_period(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def previous_period(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"


def is_valid_period(period: str) -> bool:
    try:
        year, month = period.split("-")
        return len(year) == 4 and len(month) == 2 and 2000 <= int(year) <= 2100 and 1 <= int(month) <= 12
    except (ValueError, AttributeError):
        return False
