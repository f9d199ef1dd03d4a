"""Constants and markers shared by test modules (import these, never the conftest module itself)."""
from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal import clock

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "kata-sandi-uji-9431"

# The calendar the whole suite runs on, in-process and in the servers it starts (portal/clock.py): the tests name
# their months (2026-10 previous, 2026-11 current, 2026-12 next: a piece written now belongs to December), so
# "now" must be the same day of the cycle whatever day the suite runs. Tests of the cycle's edges set their own.
SUITE_TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def suite_clock_shift() -> int:
    return clock.shift_to(SUITE_TODAY)


def on_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


requires_postgres = pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL: set TEST_DATABASE_URL")
