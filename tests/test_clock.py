"""The portal's one clock (portal/clock.py): CLOCK_SHIFT_SECONDS moves the cycle and the rows' timestamps together,
so a training server or the browser month test finds the same stage of the cycle whatever day it runs."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal import clock, create_app, cycle, timeutil
from portal.models.people import Role

TRAINING_DAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def shifted(app_config):
    app_config["CLOCK_SHIFT_SECONDS"] = clock.shift_to(TRAINING_DAY)
    yield
    clock.set_shift(0)


def close_to(value: datetime, expected: datetime) -> bool:
    return abs(value - expected) < timedelta(seconds=60)


def test_a_shift_moves_the_cycle_and_the_rows_timestamps(shifted, app, make_user):
    assert close_to(timeutil.now_utc(), TRAINING_DAY)
    assert timeutil.now_utc().tzinfo is not None
    # The 23rd: the writing stage of November is over, a piece written now belongs to December.
    assert cycle.current_period("Asia/Jakarta") == "2026-11"
    assert cycle.writing_period("Asia/Jakarta") == "2026-12"
    user = make_user(Role.READER)
    assert close_to(user.created_at, TRAINING_DAY)


def test_the_environment_sets_the_shift(monkeypatch, app_config, tmp_path):
    monkeypatch.setenv("CLOCK_SHIFT_SECONDS", str(clock.shift_to(TRAINING_DAY)))
    try:
        app = create_app(dict(app_config), instance_path=str(tmp_path / "other"))
        assert app.config["CLOCK_SHIFT_SECONDS"] != 0
        assert close_to(clock.now(), TRAINING_DAY)
    finally:
        clock.set_shift(0)
    monkeypatch.delenv("CLOCK_SHIFT_SECONDS")
    app = create_app(dict(app_config), instance_path=str(tmp_path / "third"))  # without it: real time again
    assert app.config["CLOCK_SHIFT_SECONDS"] == 0
    assert close_to(timeutil.now_utc(), datetime.now(UTC))
