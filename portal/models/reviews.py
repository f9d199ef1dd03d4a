"""Rubric versions, review panels per tier and month, entries, recusals and score sheets."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.period import Period, PeriodColumn
from scoring.rubric import DEFAULT_PASSING_GRADE


def _enum(e):
    return Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class Tier(str, enum.Enum):
    CITY = "city"  # Tim Penilai Korkot
    PROVINCE = "province"  # Tim Penilai KMW
    NATIONAL = "national"  # Tim Penilai KMP


class PanelMode(str, enum.Enum):
    INDIVIDUAL = "individual"  # independent sheets, NA is their mean
    CONSENSUS = "consensus"  # the chair records one agreed sheet


class PanelStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"  # decided; scores locked


class EntryStatus(str, enum.Enum):
    PENDING = "pending"  # waiting for the requirements check (city tier) or for scores
    ELIGIBLE = "eligible"  # passed the check; to be scored
    RETURNED = "returned"  # failed the check; back to the writer


class SheetStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class RubricVersion(db.Model):
    __tablename__ = "rubric_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    passing_grade: Mapped[int] = mapped_column(Integer, default=DEFAULT_PASSING_GRADE)
    min_score: Mapped[int] = mapped_column(Integer, default=1)
    max_score: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    instruments: Mapped[list[RubricInstrument]] = relationship(
        back_populates="rubric", order_by="RubricInstrument.code", cascade="all, delete-orphan", lazy="selectin"
    )


class RubricInstrument(db.Model):
    __tablename__ = "rubric_instrument"
    __table_args__ = (UniqueConstraint("rubric_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric_version.id", ondelete="CASCADE"))
    code: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)
    rubric: Mapped[RubricVersion] = relationship(back_populates="instruments")


class Panel(db.Model):
    """The review panel of one node (city, KMW or national) for one month."""

    __tablename__ = "panel"
    __table_args__ = (UniqueConstraint("tier", "period", "scope_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[Tier] = mapped_column(_enum(Tier), index=True)
    period: Mapped[Period] = mapped_column(PeriodColumn, index=True)
    scope_key: Mapped[str] = mapped_column(String(30))  # "city:12", "kmw:3" or "national"
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"), index=True)
    kmw_id: Mapped[int | None] = mapped_column(ForeignKey("kmw.id"), index=True)
    mode: Mapped[PanelMode] = mapped_column(_enum(PanelMode), default=PanelMode.INDIVIDUAL)
    status: Mapped[PanelStatus] = mapped_column(_enum(PanelStatus), default=PanelStatus.OPEN)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubric_version.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_late: Mapped[bool | None] = mapped_column(Boolean)  # closed after the tier's date (extensions count)
    letter_number: Mapped[str | None] = mapped_column(String(80), unique=True)
    letter_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    city = relationship("City")
    kmw = relationship("Kmw")
    chair = relationship("User", foreign_keys=[chair_id])
    rubric: Mapped[RubricVersion | None] = relationship()
    members: Mapped[list[PanelMember]] = relationship(back_populates="panel", cascade="all, delete-orphan")
    entries: Mapped[list[Entry]] = relationship(back_populates="panel", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class PanelMember(db.Model):
    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    panel: Mapped[Panel] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")


class Entry(db.Model):
    """A piece before one panel. The decision fields are filled when the panel closes."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("panel_id", "piece_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"), index=True)
    status: Mapped[EntryStatus] = mapped_column(_enum(EntryStatus), default=EntryStatus.PENDING)
    outside_quota: Mapped[bool] = mapped_column(Boolean, default=False)  # a Korkot team's own piece
    checklist: Mapped[str] = mapped_column(Text, default="")  # JSON: instrument code -> explained?
    return_reasons: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    na: Mapped[float | None] = mapped_column(Float)
    reviewers: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    rank: Mapped[int | None] = mapped_column(Integer)
    tied: Mapped[bool | None] = mapped_column(Boolean)
    selected: Mapped[bool | None] = mapped_column(Boolean)  # sent up (or declared, at national tier)
    tie_reason: Mapped[str] = mapped_column(Text, default="")
    panel: Mapped[Panel] = relationship(back_populates="entries")
    piece = relationship("Piece")
    sheets: Mapped[list[ScoreSheet]] = relationship(back_populates="entry", cascade="all, delete-orphan")
    recusals: Mapped[list[Recusal]] = relationship(back_populates="entry", cascade="all, delete-orphan")


class Recusal(db.Model):
    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("entry_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    entry: Mapped[Entry] = relationship(back_populates="recusals")
    user = relationship("User")


class ScoreSheet(db.Model):
    """One member's sheet for one entry (or the chair's consensus sheet). One per member per entry."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("entry_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[SheetStatus] = mapped_column(_enum(SheetStatus), default=SheetStatus.DRAFT)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric_version.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    entry: Mapped[Entry] = relationship(back_populates="sheets")
    user = relationship("User")
    rubric: Mapped[RubricVersion] = relationship()
    scores: Mapped[list[Score]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="Score.instrument_code", lazy="selectin"
    )
    changes: Mapped[list[ScoreChange]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="ScoreChange.at"
    )

    __mapper_args__ = {"version_id_col": version}


class Score(db.Model):
    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("sheet_id", "instrument_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True)
    instrument_code: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)
    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")


class ScoreChange(db.Model):
    """History of a sheet after submission: who changed which instrument, when, from what to what."""

    __tablename__ = "score_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    instrument_code: Mapped[int] = mapped_column(Integer)
    old_score: Mapped[int | None] = mapped_column(Integer)
    new_score: Mapped[int | None] = mapped_column(Integer)
    sheet: Mapped[ScoreSheet] = relationship(back_populates="changes")
    user = relationship("User")
