"""The portal's clock: "now" for the monthly cycle (deadlines, the month a piece belongs to) and for the rows'
timestamps. One place, so that the whole portal can run on a shifted calendar.

``CLOCK_SHIFT_SECONDS`` (configuration or environment) moves this clock by a fixed amount: a training server
where facilitators rehearse the cycle on the 23rd, or the browser test of a whole month, which must find the
same stage of the cycle whatever day it runs. Never set it on the production server. Session lifetimes, rate
limits and caches keep real time; they do not use this clock.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

_shift = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware UTC (shifted when ``CLOCK_SHIFT_SECONDS`` is set)."""
    return datetime.now(UTC) + _shift


def set_shift(seconds: float) -> None:
    global _shift
    _shift = timedelta(seconds=seconds)
    if seconds:
        log.warning("the portal's clock is shifted by %s: it is %s here", _shift, now().isoformat())


def shift_to(moment: datetime) -> int:
    """The ``CLOCK_SHIFT_SECONDS`` that makes the clock read ``moment`` now."""
    return round((moment - datetime.now(UTC)).total_seconds())
