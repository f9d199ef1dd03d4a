"""Builders for the anthology tests: a year of published best practices with real photo files on disk."""
from __future__ import annotations

from portal.extensions import db
from portal.models.pieces import Photo
from portal.photos import store_photo
from tests import builders_elearning as el
from tests.builders_submissions import jpeg

YEAR = 2026
TRICKY_TITLE = 'Bank sampah "Berseri" di Kelurahan Tanjung Priok — café & gotong royong (RW 05)'
TRICKY_BODY = """Warga **Kelurahan Sukamaju** membangun _bank sampah_ bersama.

## Langkah pertama

- Musyawarah warga di balai RW
- Iuran Rp 5.000 per KK

> "Kami tidak menyangka," kata Bu Siti Nurhaliza.

Tautan ke [laporan](https://contoh.id/laporan?a=1&b=2) dan teks <script>alert(1)</script> ) ( \\ endobj
"""


def add_photo_files(piece, count: int = 2, size=(1280, 960)) -> list[Photo]:
    """Real stored photos (every variant on disk) for ``piece``, with captions."""
    photos = []
    for i in range(count):
        stored = store_photo(jpeg(*size, color=(30 + 40 * i, 120, 90)))
        photo = Photo(piece_id=piece.id, position=len(piece.photos) + i, caption=f"Foto {i + 1}: kerja bakti warga",
                      storage_key=stored.key, width=stored.width, height=stored.height, byte_size=stored.byte_size)
        db.session.add(photo)
        photos.append(photo)
    db.session.commit()
    db.session.refresh(piece)
    return photos


def national_year(make_tree, make_piece, *, pieces: int = 3, photos: int = 2, tree=None):
    """``pieces`` national winners of YEAR (months 1, 2, ...) from teams of Semarang and Makassar, the first with
    a tricky title and body, each with real photo files; plus one provincial best practice (not national)."""
    tree = tree or make_tree()
    teams = [tree.team["semarang-TF01"], tree.team["makassar-TF01"], tree.team["semarang-TF02"],
             tree.team["demak-TF01"], tree.team["jayapura-TF01"]]
    made = []
    for i in range(pieces):
        fields = {"title": TRICKY_TITLE, "body_md": TRICKY_BODY, "author_name": "Siti Nurhaliza"} if i == 0 else \
            {"author_name": f"Penulis {i + 1}"}
        piece = make_piece(teams[i % len(teams)], period=f"{YEAR}-{(i % 12) + 1:02d}", photos=0, **fields)
        el.publish(piece, "national", na_national=800.0 + i)
        add_photo_files(piece, photos)
        made.append(piece)
    provincial = make_piece(tree.team["semarang-TF03"], period=f"{YEAR}-03", photos=0,
                            title="Posyandu remaja Kelurahan Bandarharjo", author_name="Ahmad Fauzi")
    el.publish(provincial, "province", na_province=777.5)
    add_photo_files(provincial, 1)
    return tree, made, provincial


def make_built_book(piece, *, province=None, year: int = YEAR):
    """A book of ``piece`` that has been built, with small stand-in files on disk (no real build: fast)."""
    from portal import storage
    from portal.anthology.operations import SUFFIXES
    from portal.models.books import AnthologyBook, AnthologyPiece, scope_key_of
    from portal.timeutil import now_utc

    key = storage.new_key()
    book = AnthologyBook(year=year, province_id=province.id if province else None,
                         scope_key=scope_key_of(province.id if province else None), title=f"Antologi uji {year}",
                         foreword="", page_format="A4", file_key=key, pdf_bytes=9, epub_bytes=9, pdf_pages=3,
                         piece_count=1, built_at=now_utc(), build_refused="", build_notes="")
    book.pieces.append(AnthologyPiece(piece_id=piece.id, position=1))
    db.session.add(book)
    db.session.commit()
    for suffix in SUFFIXES.values():
        path = storage.path_for("books", key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(jpeg(60, 80) if suffix.endswith(".jpg") else b"%PDF-1.4 stand-in")
    return book
