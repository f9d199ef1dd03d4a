"""The yearly anthology book ("naskah buku BP"): one per year and scope (national, or one province).

A data manager chooses and orders the pieces (``AnthologyPiece``), writes the title and foreword, and builds the
book as a background job. A build that succeeds stores its three files (PDF, EPUB, cover) under one new storage
key and only then points the row at them; the files of the previous build are removed afterwards. A build that
fails or is refused leaves the previous files and key as they were.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow

NATIONAL_SCOPE = "national"
PAGE_FORMATS = ("A4", "A5")


def scope_key_of(province_id: int | None) -> str:
    return NATIONAL_SCOPE if province_id is None else f"province:{province_id}"


class AnthologyBook(db.Model):
    __tablename__ = "anthology_book"
    __table_args__ = (UniqueConstraint("year", "scope_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    scope_key: Mapped[str] = mapped_column(String(40))  # "national" or "province:<id>"
    province_id: Mapped[int | None] = mapped_column(ForeignKey("province.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    foreword: Mapped[str] = mapped_column(Text, default="")
    page_format: Mapped[str] = mapped_column(String(4), default="A4")
    # The last build that succeeded: its files are books/<k2>/<file_key>.pdf / .epub / .cover.jpg
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    pdf_bytes: Mapped[int] = mapped_column(Integer, default=0)
    epub_bytes: Mapped[int] = mapped_column(Integer, default=0)
    pdf_pages: Mapped[int] = mapped_column(Integer, default=0)
    piece_count: Mapped[int] = mapped_column(Integer, default=0)  # in the built book
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last build asked for: its job, and what it said (pieces left out, or why it was refused).
    job_key: Mapped[str | None] = mapped_column(String(64))
    build_refused: Mapped[str] = mapped_column(Text, default="")
    build_notes: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    province = relationship("Province", lazy="joined")
    pieces: Mapped[list[AnthologyPiece]] = relationship(
        order_by="AnthologyPiece.position", cascade="all, delete-orphan", back_populates="book")


class AnthologyPiece(db.Model):
    """A piece chosen for a book, at its place in the book (1, 2, ...)."""

    __tablename__ = "anthology_piece"
    __table_args__ = (UniqueConstraint("book_id", "piece_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("anthology_book.id", ondelete="CASCADE"), index=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    book: Mapped[AnthologyBook] = relationship(back_populates="pieces")
