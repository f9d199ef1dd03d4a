"""A month of the cycle as a value: ``Period("2026-11")``.

A period is parsed once where it enters the portal (the ``period`` URL converter, ``PeriodField`` in forms,
``Period.from_arg`` for query strings, the ``PeriodColumn`` of the models, the CSV readers) and only this value
travels inward: the rules ask it for its next month or its label instead of splitting strings again.

``Period`` is a ``str`` ("YYYY-MM"), so it is stored, compared, sorted, hashed and serialised exactly as the
strings it replaces: ``Period("2026-11") == "2026-11"`` and both find the same dict entry.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import StringField

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2100
FORMAT_HINT = _l("Tulis bulan sebagai TTTT-BB, misalnya 2026-11.")


class Period(str):
    """A month "YYYY-MM" between 2000 and 2100. ``Period(text)`` raises ``ValueError`` for anything else."""

    __slots__ = ()

    def __new__(cls, value) -> Period:
        if isinstance(value, Period):
            return value
        text = str(value).strip()
        match = _SHAPE.fullmatch(text)
        if not match or not (FIRST_YEAR <= int(match[1]) <= LAST_YEAR and 1 <= int(match[2]) <= 12):
            raise ValueError(f"not a period (YYYY-MM): {value!r}")
        return super().__new__(cls, text)

    @classmethod
    def of(cls, year: int, month: int) -> Period:
        return cls(f"{year:04d}-{month:02d}")

    @classmethod
    def of_date(cls, value: date | datetime) -> Period:
        return cls.of(value.year, value.month)

    @classmethod
    def parse(cls, value) -> Period | None:
        """The period, or None when ``value`` is empty or not a period (for lenient query-string filters)."""
        try:
            return cls(value) if value else None
        except ValueError:
            return None

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def month(self) -> int:
        return int(self[5:])

    def next(self) -> Period:
        return Period.of(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period.of(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def day(self, number: int) -> date:
        """That day of the month; ``-1`` is the last day."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1] if number == -1 else number)

    def label(self, locale: str = "id") -> str:
        """"November 2026" (or the English month name)."""
        return f"{(MONTHS_EN if locale == 'en' else MONTHS_ID)[self.month - 1]} {self.year}"


def is_period(value) -> bool:
    return Period.parse(value) is not None


class PeriodConverter(BaseConverter):
    """``/bulan/<period:period>``: the view receives a ``Period``; anything else is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> Period:
        try:
            return Period(value)
        except ValueError:
            raise ValidationError() from None

    def to_url(self, value) -> str:
        return str(Period(value))


class PeriodField(StringField):
    """A month typed as TTTT-BB. ``data`` is a ``Period`` (None when empty); a malformed value is a field error
    in Indonesian and the typed text is shown back as it was."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label if label is not None else _l("Bulan (TTTT-BB)"), validators, **kwargs)

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0].strip() if valuelist else ""
        if not self.raw_text:
            self.data = None
            return
        try:
            self.data = Period(self.raw_text)
        except ValueError:
            self.data = None
            raise ValueError(str(FORMAT_HINT)) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if self.data else ""


class PeriodColumn(TypeDecorator):
    """A period column: stored as the 7-character string it always was, read back as a ``Period``."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else str(Period(value))

    def process_result_value(self, value, dialect):
        return None if value is None else Period(value)
