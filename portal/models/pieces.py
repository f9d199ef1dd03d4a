"""Best-practice pieces, their photos and media, deadline extensions and knowledge products."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.period import Period, PeriodColumn
from portal.text import RENDERING, render_markdown


def _enum(e):
    return Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class PieceForm(str, enum.Enum):
    ARTIKEL = "artikel"
    NARASI = "narasi"
    FEATURE = "feature"
    AUDIO = "audio"
    VIDEO = "video"
    AUDIOVISUAL = "audiovisual"
    GRAFIS = "grafis"

    @property
    def is_written(self) -> bool:
        return self in (PieceForm.ARTIKEL, PieceForm.NARASI, PieceForm.FEATURE)


class PieceStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"  # the city panel sent it back for failing the requirements


class BestPractice(str, enum.Enum):
    PROVINCE = "province"
    NATIONAL = "national"


# A piece on the public pages: decided and published (the two are set together by a panel's decision).
_PUBLISHED = "published_at IS NOT NULL AND best_practice IS NOT NULL"


class Piece(db.Model):
    """One team's best-practice piece for one month (``period`` is ``YYYY-MM``)."""

    __tablename__ = "piece"
    __table_args__ = (
        UniqueConstraint("team_id", "period"),
        # The public lists: the latest published pieces of one best-practice level.
        Index("ix_piece_best_practice_published_at", "best_practice", "published_at"),
        # The published pieces only, with what the filter forms count (pieces per province, months): those counts
        # read this small index instead of the wide piece rows.
        Index("ix_piece_published_team_period", "team_id", "period", postgresql_include=["id"],
              sqlite_where=text(_PUBLISHED), postgresql_where=text(_PUBLISHED)),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    period: Mapped[Period] = mapped_column(PeriodColumn, index=True)
    moved_from_period: Mapped[Period | None] = mapped_column(PeriodColumn)  # late work moved to the next cycle
    status: Mapped[PieceStatus] = mapped_column(_enum(PieceStatus), default=PieceStatus.DRAFT, index=True)
    form: Mapped[PieceForm] = mapped_column(_enum(PieceForm), default=PieceForm.ARTIKEL)
    title: Mapped[str] = mapped_column(String(250), default="")
    theme: Mapped[str] = mapped_column(String(160), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    # body_md as readers see it, rendered when it was saved (see _render_body below), and the version of the
    # rendering rules that made it (portal.text.RENDERING); read through portal.text.stored_or_rendered. Loaded
    # only when read (one statement for both): the pages that load pieces by the hundred (a panel's entries, the
    # recaps, the bundles) never show the text.
    body_html: Mapped[str | None] = mapped_column(Text, deferred=True, deferred_group="rendering")
    body_html_rendering: Mapped[int | None] = mapped_column(Integer, deferred=True, deferred_group="rendering")
    facts: Mapped[str] = mapped_column(Text, default="")  # data dan informasi faktual
    institution_name: Mapped[str] = mapped_column(String(200), default="")
    institution_address: Mapped[str] = mapped_column(String(300), default="")
    institution_phone: Mapped[str] = mapped_column(String(40), default="")
    author_name: Mapped[str] = mapped_column(String(160), default="")
    author_position: Mapped[str] = mapped_column(String(160), default="")
    author_place: Mapped[str] = mapped_column(String(160), default="")
    author_phone: Mapped[str] = mapped_column(String(40), default="")
    return_reasons: Mapped[str] = mapped_column(Text, default="")  # from the city panel, shown to the writer
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by panel decisions; what the public e-learning pages show.
    best_practice: Mapped[BestPractice | None] = mapped_column(_enum(BestPractice), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic concurrency for autosave

    team = relationship("Team", lazy="joined")
    photos: Mapped[list[Photo]] = relationship(
        back_populates="piece", order_by="Photo.position", cascade="all, delete-orphan"
    )
    media: Mapped[MediaFile | None] = relationship(back_populates="piece", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


@event.listens_for(Piece.body_md, "set")
def _render_body(piece: Piece, value: str | None, _old, _initiator) -> None:
    """Whenever a piece's text is set (written, saved again, imported from Word), its rendering is stored with
    it: readers, panel members and the writer's own view show it without converting the Markdown again. Writes
    that bypass the mapped piece (a bulk ``UPDATE`` of ``body_md``) must set both columns, or NULL the
    rendering."""
    piece.body_html = str(render_markdown(value or ""))
    piece.body_html_rendering = RENDERING


class Photo(db.Model):
    """A photo stored under a random key; the uploaded file name is never used on disk."""

    __tablename__ = "photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    caption: Mapped[str] = mapped_column(String(300), default="")
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)  # display/thumb derive from it
    width: Mapped[int] = mapped_column(Integer)  # of the original, after EXIF orientation
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    piece: Mapped[Piece] = relationship(back_populates="photos")


class MediaFile(db.Model):
    """The file of a media piece (audio, video, audiovisual or graphics)."""

    __tablename__ = "media_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"), unique=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(80))
    extension: Mapped[str] = mapped_column(String(10))
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    duration_seconds: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    piece: Mapped[Piece] = relationship(back_populates="media")


class Extension(db.Model):
    """A recorded deadline extension for one team (writing) or one city (city selection) in one month."""

    __tablename__ = "deadline_extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[Period] = mapped_column(PeriodColumn, index=True)
    stage: Mapped[str] = mapped_column(String(20))  # "writing" | "city" | "province"
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"), index=True)
    kmw_id: Mapped[int | None] = mapped_column(ForeignKey("kmw.id"), index=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by = relationship("User")


class KnowledgeProduct(db.Model):
    """A provincial expert's yearly produk pengetahuan."""

    __tablename__ = "knowledge_product"
    __table_args__ = (UniqueConstraint("author_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kmw_id: Mapped[int] = mapped_column(ForeignKey("kmw.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(250))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    document_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    document_type: Mapped[str | None] = mapped_column(String(80))
    document_ext: Mapped[str | None] = mapped_column(String(10))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author = relationship("User", lazy="joined")
    kmw = relationship("Kmw", lazy="joined")
