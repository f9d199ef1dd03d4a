"""Read-only queries of the anthology pages: the editor's rows, a manager's books, the public list."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import jobs
from portal.anthology import content
from portal.extensions import db
from portal.models.books import AnthologyBook
from portal.models.jobs import Job
from portal.models.org import Province
from portal.models.pieces import Piece


@dataclass
class EditorRow:
    piece: Piece
    na: float | None
    chosen: bool
    order: str  # as shown in the order box (typed text is shown back as typed)


@dataclass
class Editor:
    rows: list[EditorRow]
    stale: list[str]  # chosen earlier, no longer published in the scope: left out of the next build


def editor(year: int, province: Province | None, book: AnthologyBook | None,
           typed: dict[int, str] | None = None, typed_chosen: set[int] | None = None) -> Editor:
    """The candidates with what is chosen and in which order: the saved book, the typed form when it was refused,
    or for a new book every candidate in the default order (national winners by default)."""
    candidates = content.candidates(year, province.id if province else None)
    na = content.deciding_na(candidates)
    saved = {ap.piece_id: ap.position for ap in book.pieces} if book is not None else None
    stale: list[str] = []
    if saved is not None:
        ids = {p.id for p in candidates}
        gone = [i for i in saved if i not in ids]
        if gone:
            stale = [content.one_line(t) for t in db.session.scalars(select(Piece.title).where(Piece.id.in_(gone)))]
    if typed is not None:
        chosen = typed_chosen or set()
        orders = typed
    elif saved is not None:
        chosen, orders = set(saved), {i: str(n) for i, n in saved.items()}
    else:
        chosen = {p.id for p in candidates}
        orders = {p.id: str(n) for n, p in enumerate(candidates, 1)}
    rows = [EditorRow(p, na.get(p.id), p.id in chosen, orders.get(p.id, "")) for p in candidates]
    if typed is None:
        rows.sort(key=lambda r: (not r.chosen, int(r.order) if r.order.isdigit() else 10**6))
    return Editor(rows, stale)


def ordered_choice(shown: list[int], chosen: set[int], orders: dict[int, str]) -> list[int]:
    """The chosen ids in book order: by the typed order number, then as they were shown."""
    def key(piece_id: int):
        text = orders.get(piece_id, "").strip()
        return (int(text) if text.isdigit() and len(text) < 7 else 10**6, shown.index(piece_id))
    return sorted((i for i in shown if i in chosen), key=key)


def books_of(provinces: list[Province], national: bool) -> list[AnthologyBook]:
    """The books a manager may open: the national ones (when ``national``) and those of ``provinces``."""
    ids = [p.id for p in provinces]
    stmt = select(AnthologyBook).options(joinedload(AnthologyBook.province))
    condition = AnthologyBook.province_id.in_(ids) if ids else None
    if national:
        condition = AnthologyBook.province_id.is_(None) if condition is None else \
            (condition | AnthologyBook.province_id.is_(None))
    if condition is None:
        return []
    return list(db.session.scalars(stmt.where(condition).order_by(AnthologyBook.year.desc(),
                                                                  AnthologyBook.scope_key)))


def build_job(book: AnthologyBook) -> Job | None:
    """The job of the book's last build request, reaped first if its consumer died."""
    if not book.job_key:
        return None
    job = db.session.scalar(select(Job).where(Job.key == book.job_key))
    if job is not None and jobs.reap_if_stale(job):
        db.session.refresh(job)
    return job


def public_books() -> list[AnthologyBook]:
    """Books with a successful build, newest year first, the national book before the provinces'."""
    books = db.session.scalars(select(AnthologyBook).where(AnthologyBook.file_key.is_not(None))
                               .options(joinedload(AnthologyBook.province))).all()
    return sorted(books, key=lambda b: (-b.year, b.province is not None, b.province.name if b.province else ""))


def public_book(book_id: int) -> AnthologyBook | None:
    book = db.session.get(AnthologyBook, book_id)
    return book if book is not None and book.file_key else None
