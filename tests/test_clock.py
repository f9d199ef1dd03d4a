"""The portal's one clock (portal/clock.py): CLOCK_SHIFT_SECONDS moves the cycle and the rows' timestamps together,
so a training server, the browser month test or this suite finds the same stage of the cycle whatever day it runs."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal import clock, create_app, cycle, timeutil
from portal.models.people import Role
from tests.support import SUITE_TODAY

TRAINING_DAY = datetime(2027, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))


def close_to(value: datetime, expected: datetime) -> bool:
    return abs(value - expected) < timedelta(seconds=60)


def test_the_suite_runs_on_its_own_calendar(app, make_user):
    assert close_to(timeutil.now_utc(), SUITE_TODAY)
    assert cycle.writing_period("Asia/Jakarta") == "2026-12"  # the 23rd: a piece written now is December's
    assert close_to(make_user(Role.READER).created_at, SUITE_TODAY)


@pytest.fixture
def training_app(app_config, tmp_path):
    app_config["CLOCK_SHIFT_SECONDS"] = clock.shift_to(TRAINING_DAY)
    app = create_app(dict(app_config), instance_path=str(tmp_path / "training"))
    with app.app_context():
        yield app


def test_a_shift_moves_the_cycle(training_app):
    assert close_to(timeutil.now_utc(), TRAINING_DAY) and timeutil.now_utc().tzinfo is not None
    # The 10th: the writing stage of March is open, a piece written now belongs to March.
    assert cycle.current_period("Asia/Makassar") == "2027-03"
    assert cycle.writing_period("Asia/Makassar") == "2027-03"
    assert cycle.is_open("2027-03", "writing", "Asia/Makassar")


def test_the_environment_sets_the_shift_and_no_shift_is_real_time(monkeypatch, app_config, tmp_path):
    del app_config["CLOCK_SHIFT_SECONDS"]
    monkeypatch.setenv("CLOCK_SHIFT_SECONDS", str(clock.shift_to(TRAINING_DAY)))
    app = create_app(dict(app_config), instance_path=str(tmp_path / "other"))
    assert app.config["CLOCK_SHIFT_SECONDS"] != 0 and close_to(clock.now(), TRAINING_DAY)
    monkeypatch.delenv("CLOCK_SHIFT_SECONDS")
    app = create_app(dict(app_config), instance_path=str(tmp_path / "third"))
    assert app.config["CLOCK_SHIFT_SECONDS"] == 0
    assert close_to(timeutil.now_utc(), datetime.now(UTC))
