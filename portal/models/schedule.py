"""Scheduled steps of the monthly cycle: one row per (step, node, month) that came due.

The row is inserted when a consumer claims the step; the UNIQUE (step, node_kind, node_id, period) constraint
makes that insert the lock, so two consumers (on one Redis, or one SQLite queue) never both run a step. See
``portal/schedule/engine.py``.
"""
from __future__ import annotations

import enum
import json
from datetime import datetime

from sqlalchemy import Enum, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import UTCDateTime


class RunState(str, enum.Enum):
    RUNNING = "running"  # claimed by a consumer, which holds it until lease_until
    DONE = "done"  # ran; counts say what it did
    SKIPPED = "skipped"  # found too late to be useful (a reminder after its deadline): nothing sent
    FAILED = "failed"  # raised, or its consumer was lost too often: error says why


class ScheduledRun(db.Model):
    __tablename__ = "scheduled_run"
    __table_args__ = (
        UniqueConstraint("step", "node_kind", "node_id", "period", name="uq_scheduled_run_step_node_period"),
        Index("ix_scheduled_run_period_state", "period", "state"),
        Index("ix_scheduled_run_state_lease_until", "state", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step: Mapped[str] = mapped_column(String(40))
    node_kind: Mapped[str] = mapped_column(String(10))  # "city", "kmw" or "national"
    node_id: Mapped[int] = mapped_column(Integer)  # 0 for the national node
    period: Mapped[str] = mapped_column(String(7))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # on the portal's calendar (portal/clock.py)
    state: Mapped[RunState] = mapped_column(
        Enum(RunState, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x]))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # real time, as the jobs' leases
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str] = mapped_column(Text, default="")

    @property
    def counts(self) -> dict:
        return json.loads(self.counts_json or "{}")
