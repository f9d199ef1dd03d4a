"""Running the cycle's scheduled steps in a test: one tick of the scheduler, as a consumer runs it each minute."""
from __future__ import annotations

from flask import current_app

from portal.schedule import engine


def scheduled_tick(now=None) -> dict:
    """One tick on the portal's clock (``now`` to override), with the steps turned on for this app (TestConfig
    leaves them off so that other tests' consumers do not act by themselves)."""
    current_app.config["SCHEDULE_ENABLED"] = True
    return engine.tick(now)
