"""Workshop nominations: the national data manager's rounds and each province's confirmed delegates."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.period import Period, PeriodColumn


class NominationRound(db.Model):
    """One semester's call for delegates to the national writing workshop (twice a year)."""

    __tablename__ = "nomination_round"
    __table_args__ = (UniqueConstraint("year", "semester"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    semester: Mapped[int] = mapped_column(Integer)  # 1 (January-June) or 2 (July-December)
    quota: Mapped[int] = mapped_column(Integer)  # delegates per province
    workshop_name: Mapped[str] = mapped_column(String(200))
    workshop_date: Mapped[date] = mapped_column(Date)
    workshop_place: Mapped[str] = mapped_column(String(200))
    # The months whose best practices count (six, ending with the month before the round was opened).
    first_period: Mapped[Period] = mapped_column(PeriodColumn)
    last_period: Mapped[Period] = mapped_column(PeriodColumn)
    letter_number: Mapped[str] = mapped_column(String(80), unique=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    nominations: Mapped[list[Nomination]] = relationship(back_populates="round", cascade="all, delete-orphan",
                                                         order_by="Nomination.position")


class Nomination(db.Model):
    """A delegate a provincial data manager confirmed for a round (the proposal itself is computed, not stored)."""

    __tablename__ = "nomination"
    __table_args__ = (UniqueConstraint("round_id", "province_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("nomination_round.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    proposed: Mapped[bool] = mapped_column(default=True)  # False: a replacement chosen by the data manager
    best_practices: Mapped[int] = mapped_column(Integer, default=0)
    mean_na: Mapped[float | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")  # why the proposal was replaced
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    round: Mapped[NominationRound] = relationship(back_populates="nominations")
    province = relationship("Province", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
