"""Background jobs: one row per long piece of work (a monthly bundle), run by a task-queue consumer.

The row is the job's only state: every web server reads it, every consumer updates it. ``attempt`` is the attempt
the queue was last asked to run; a task carries the attempt it was enqueued for and does nothing once the row has
moved past it (a second delivery, a job retried or given up meanwhile). See ``portal/jobs.py``.
"""
from __future__ import annotations

import enum
import json
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import UTCDateTime


class JobState(str, enum.Enum):
    QUEUED = "queued"  # waiting for a consumer (first attempt, or a retry)
    RUNNING = "running"  # a consumer holds it and renews heartbeat_at as it works
    DONE = "done"  # result_file is ready
    FAILED = "failed"  # given up: failure says why


def _enum(e):
    return Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_heartbeat_at", "state", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # the unguessable id in the job's URLs
    kind: Mapped[str] = mapped_column(String(40))
    parameters_json: Mapped[str] = mapped_column(Text, default="{}")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    state: Mapped[JobState] = mapped_column(_enum(JobState), default=JobState.QUEUED)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_name: Mapped[str] = mapped_column(String(255), default="")  # the name the download is offered under
    result_file: Mapped[str | None] = mapped_column(String(255))  # the finished file, in EXPORT_DIR
    failure: Mapped[str | None] = mapped_column(String(40))  # why the last attempt ended badly (portal.jobs.FAILURES)
    failure_detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def parameters(self) -> dict:
        return json.loads(self.parameters_json or "{}")

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
