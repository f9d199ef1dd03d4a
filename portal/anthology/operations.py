"""Writes of the anthology: compose a book (title, foreword, format, chosen pieces in order), ask for a build,
and record what a build produced. One business operation per transaction; refusals raise
:class:`AnthologyError` with the message for the user.

A build replaces the book's files only when it succeeded: the new files get a new storage key, the row is pointed
at them in one commit, and only then are the previous files removed. A build refused (nothing left to print) or
failed leaves the book as it was.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit, jobs, signals, storage
from portal.anthology import content as book_content
from portal.anthology.build import BuiltFiles, build_files
from portal.anthology.content import AnthologyError
from portal.extensions import db
from portal.models.books import PAGE_FORMATS, AnthologyBook, AnthologyPiece, scope_key_of
from portal.models.org import Province
from portal.timeutil import now_utc

log = logging.getLogger(__name__)
JOB_KIND = "anthology"
TITLE_MAX, FOREWORD_MAX = 200, 20000
SUFFIXES = {"pdf": ".pdf", "epub": ".epub", "cover": ".cover.jpg"}


def book_for(year: int, province: Province | None) -> AnthologyBook | None:
    return db.session.scalar(select(AnthologyBook).where(
        AnthologyBook.year == year, AnthologyBook.scope_key == scope_key_of(province.id if province else None)))


def check_year(year: int) -> None:
    if not book_content.valid_year(year):
        raise AnthologyError(_("Tahun %(year)s tidak dapat dipakai: tulis tahun antara %(a)s dan %(b)s.", year=year,
                               a=book_content.FIRST_YEAR, b=book_content.LAST_YEAR))


def save_book(user_id: int | None, year: int, province: Province | None, *, title: str, foreword: str,
              page_format: str, piece_ids: list[int]) -> AnthologyBook:
    """Store the book's composition. Only candidates of the year and scope may be chosen; each piece once."""
    check_year(year)
    title = book_content.one_line(title) or book_content.default_title(year, province)
    foreword = book_content.clean_text(foreword).strip()
    if len(title) > TITLE_MAX:
        raise AnthologyError(_("Judul buku terlalu panjang: paling banyak %(n)s karakter.", n=TITLE_MAX))
    if len(foreword) > FOREWORD_MAX:
        raise AnthologyError(_("Kata pengantar terlalu panjang: paling banyak %(n)s karakter.", n=FOREWORD_MAX))
    if page_format not in PAGE_FORMATS:
        raise AnthologyError(_("Pilih ukuran halaman A4 atau A5."))
    allowed = {p.id for p in book_content.candidates(year, province.id if province else None)}
    chosen = list(dict.fromkeys(piece_ids))
    book = book_for(year, province)
    if book is None:
        book = AnthologyBook(year=year, province_id=province.id if province else None, province=province,
                             scope_key=scope_key_of(province.id if province else None), pdf_bytes=0, epub_bytes=0,
                             pdf_pages=0, piece_count=0, build_refused="", build_notes="")
        db.session.add(book)
    kept_before = {ap.piece_id for ap in book.pieces}
    stray = [i for i in chosen if i not in allowed and i not in kept_before]
    if stray:
        raise AnthologyError(_("Tulisan yang dipilih bukan best practice tahun dan cakupan buku ini; muat ulang "
                               "halaman lalu pilih lagi."))
    book.title, book.foreword, book.page_format, book.updated_by_id = title, foreword, page_format, user_id
    book.pieces.clear()
    db.session.flush()
    for position, piece_id in enumerate(chosen, 1):
        book.pieces.append(AnthologyPiece(piece_id=piece_id, position=position))
    audit.record("anthology_saved", target=f"anthology_book:{year}:{book.scope_key}",
                 detail=f"{len(chosen)} tulisan", user_id=user_id)
    db.session.commit()
    return book


def start_build(user_id: int | None, book: AnthologyBook) -> str:
    """Queue a build of the saved book; refused when none of its chosen pieces can be printed."""
    chosen = [ap.piece_id for ap in book.pieces]
    if not chosen:
        raise AnthologyError(_("Belum ada tulisan yang dipilih untuk buku ini. Centang tulisan yang akan dimuat."))
    if not book_content.still_in_scope(chosen, book.province_id):
        raise AnthologyError(_("Tidak satu pun tulisan yang dipilih masih terbit sebagai best practice; buku tidak "
                               "disusun. Pilih tulisan lain."))
    job = jobs.create_job(JOB_KIND, {"book_id": book.id}, user_id=user_id,
                          result_name=f"antologi-{book.year}.txt")
    book.job_key = job.key
    audit.record("anthology_build_requested", target=f"anthology_book:{book.id}", user_id=user_id)
    db.session.commit()
    return job.key


def book_file(book: AnthologyBook, kind: str) -> Path | None:
    """The file of the book's last successful build (``kind`` "pdf", "epub" or "cover"), if on disk."""
    if not book.file_key or kind not in SUFFIXES:
        return None
    path = storage.path_for("books", book.file_key, SUFFIXES[kind])
    return path if path.is_file() else None


def build_book(book_id: int, progress=lambda done, total: None) -> str:
    """Build the book's files and point the book at them (the job's work). Returns "built" or "refused"."""
    book = db.session.get(AnthologyBook, book_id)
    if book is None:
        return "refused"
    assembly = book_content.assemble(book)
    left_out = assembly.left_out
    if not assembly.content.pieces:
        book.build_refused = _("Buku tidak disusun: tidak satu pun tulisan yang dipilih masih terbit sebagai best "
                               "practice. Pilih tulisan lain lalu susun lagi.")
        book.build_notes = _left_out_note(left_out)
        db.session.commit()
        return "refused"
    key = storage.new_key()
    paths = {kind: storage.path_for("books", key, suffix) for kind, suffix in SUFFIXES.items()}
    built = build_files(assembly.content, paths["pdf"], paths["epub"], paths["cover"], f"anthology:{book.id}:{key}",
                        progress)
    try:
        old_key = _record_build(book, key, built, left_out, len(assembly.content.pieces))
    except BaseException:
        storage.remove_files(paths.values())
        raise
    if old_key:
        storage.remove_files(storage.path_for("books", old_key, suffix) for suffix in SUFFIXES.values())
    return "built"


def _left_out_note(left_out: list[str]) -> str:
    if not left_out:
        return ""
    return _("Tidak dimuat karena tidak lagi terbit sebagai best practice: %(titles)s",
             titles="; ".join(left_out))


def _record_build(book: AnthologyBook, key: str, built: BuiltFiles, left_out: list[str], pieces: int) -> str | None:
    old_key = book.file_key
    book.file_key = key
    book.pdf_bytes, book.epub_bytes = built.pdf.stat().st_size, built.epub.stat().st_size
    book.pdf_pages, book.piece_count, book.built_at = built.pages, pieces, now_utc()
    book.build_refused = ""
    book.build_notes = "\n".join(filter(None, [_left_out_note(left_out), *built.notes]))
    signals.anthology_built.send(book)
    db.session.commit()
    return old_key


def build_to_folder(year: int, province_id: int | None, out: Path,
                    page_format: str | None = None) -> tuple[int, list[str]]:
    """The command line's build: the saved book of the year and scope if there is one (its pieces, order, title
    and foreword), else every candidate in the default order; writes ``out/book.pdf`` and ``out/book.epub``.
    Returns the number of pieces and the notes (pieces left out, photos missing)."""
    province = None
    book = db.session.scalar(select(AnthologyBook).where(AnthologyBook.year == year,
                                                         AnthologyBook.scope_key == scope_key_of(province_id)))
    if province_id is not None:
        province = db.session.get(Province, province_id)
        if province is None:
            raise AnthologyError(_("Provinsi dengan ID %(id)s tidak ada.", id=province_id))
    check_year(year)
    if out.exists() and not out.is_dir():
        raise AnthologyError(_("%(path)s bukan folder; sebutkan folder tujuan dengan --out.", path=str(out)))
    if book is None:
        ids = [p.id for p in book_content.candidates(year, province_id)]
        book = AnthologyBook(year=year, province_id=province_id, province=province, title="", foreword="",
                             page_format="A4")  # never added to the session: only its fields are read
    else:
        ids = [ap.piece_id for ap in book.pieces]
    assembly = book_content.assemble(book, ids)
    if not assembly.content.pieces:
        raise AnthologyError(_("Tidak ada best practice %(scope)s yang terbit pada tahun %(year)s; buku tidak dibuat.",
                               scope=book_content.scope_label(province).lower(), year=year))
    if page_format:
        assembly.content.page_format = page_format
    out.mkdir(parents=True, exist_ok=True)
    built = build_files(assembly.content, out / "book.pdf", out / "book.epub", out / "cover.jpg",
                        f"anthology:{year}:{scope_key_of(province_id)}")
    db.session.rollback()
    return len(assembly.content.pieces), [n for n in [_left_out_note(assembly.left_out), *built.notes] if n]
