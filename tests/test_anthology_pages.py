"""The anthology through its pages: a national data manager composes, orders and builds the book on a real
consumer of the task queue; readers find it on the public pages and download it; a provincial data manager only
reaches their province's book; bad input and pieces withdrawn after they were chosen get clear messages."""
from __future__ import annotations

import subprocess

import pytest

from portal.anthology import operations
from portal.extensions import db
from portal.models.books import AnthologyBook
from portal.models.jobs import Job
from portal.models.people import Role
from tests.builders_anthology import YEAR, national_year
from tests.builders_jobs import consumer_thread, wait_for


@pytest.fixture
def winners(app, make_tree, make_piece):
    return national_year(make_tree, make_piece, pieces=3, photos=1)


def _form(pieces, chosen, orders=None, **fields):
    data = {"ditampilkan": [str(p.id) for p in pieces], "pilih": [str(p.id) for p in chosen],
            "judul": "Antologi Uji", "pengantar": "Kata pengantar uji untuk Kelurahan Sukamaju.", "ukuran": "A4",
            "aksi": "simpan"}
    for piece, order in (orders or {}).items():
        data[f"urutan-{piece.id}"] = str(order)
    data.update(fields)
    return data


def _finished(key: str) -> bool:
    db.session.rollback()
    return db.session.scalar(db.select(Job.state).where(Job.key == key)).value in ("done", "failed")


def _unpublish(piece) -> None:
    piece.published_at, piece.best_practice = None, None
    db.session.commit()


def test_national_book_composed_built_listed_and_downloaded(winners, app, client, login, make_user, tmp_path):
    tree, made, provincial = winners
    login(make_user(Role.DATA_MANAGER, None))
    opened = client.get(f"/antologi/?tahun={YEAR}&cakupan=nasional")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/antologi/{YEAR}/nasional")
    page = client.get(f"/antologi/{YEAR}/nasional").get_data(as_text=True)
    assert all(f'name="pilih" value="{p.id}" id="pilih-{p.id}" checked' in page for p in made)  # winners by default
    assert "Posyandu remaja" not in page  # a provincial best practice is no national candidate

    with consumer_thread(app, workers=1):
        response = client.post(f"/antologi/{YEAR}/nasional",
                               data=_form(made, [made[2], made[0]], {made[2]: 1, made[0]: 2}, ukuran="A5",
                                          aksi="susun"))
        assert response.status_code == 302
        book = db.session.scalar(db.select(AnthologyBook))
        assert response.headers["Location"].endswith(f"/antologi/buku/{book.id}")
        wait_for(lambda: _finished(book.job_key), 180, "the book's build")
    db.session.expire_all()
    assert db.session.scalar(db.select(Job.state).where(Job.key == book.job_key)).value == "done"
    status = client.get(f"/antologi/buku/{book.id}").get_data(as_text=True)
    assert "Buku siap: 2 tulisan" in status and 'http-equiv="refresh"' not in status

    client.post("/akun/keluar")
    listing = client.get("/elearning/buku").get_data(as_text=True)
    assert "Antologi Uji" in listing and "2 tulisan" in listing and "KB" in listing
    assert f"/elearning/buku/{book.id}/sampul" in listing and f"/elearning/buku/{book.id}/epub" in listing
    assert "Antologi Uji" in client.get("/elearning/").get_data(as_text=True)
    cover = client.get(f"/elearning/buku/{book.id}/sampul")
    assert cover.status_code == 200 and cover.mimetype == "image/jpeg"
    download = client.get(f"/elearning/buku/{book.id}/pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "Antologi Uji 2026.pdf" in download.headers["Content-Disposition"]
    (tmp_path / "book.pdf").write_bytes(download.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "book.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.index(f"1. {made[2].title}") < text.index("2. Bank sampah")  # the chosen order
    assert made[1].title not in text and "Kata pengantar uji untuk Kelurahan Sukamaju." in text
    info = subprocess.run(["pdfinfo", str(tmp_path / "book.pdf")], capture_output=True, text=True).stdout
    assert "419.53 x 595.28" in info
    epub = client.get(f"/elearning/buku/{book.id}/epub")
    assert epub.status_code == 200 and epub.mimetype == "application/epub+zip"
    assert client.get(f"/elearning/buku/{book.id}/docx").status_code == 404
    assert client.get("/elearning/buku/999999/pdf").status_code == 404

    # A second build replaces the files; the first build's files are gone.
    old = operations.book_file(book, "pdf")
    assert operations.build_book(book.id) == "built"
    db.session.refresh(book)
    assert not old.exists() and operations.book_file(book, "pdf").is_file()


def test_a_provincial_data_manager_reaches_only_their_provinces_book(winners, client, login, make_user):
    tree, made, provincial = winners
    jateng, sulsel = tree.province["jateng"], tree.province["sulsel"]
    login(make_user(Role.DATA_MANAGER, tree.kmw["A"]))
    index = client.get("/antologi/").get_data(as_text=True)
    assert "Provinsi Jawa Tengah" in index and "Sulawesi Selatan" not in index and ">Nasional<" not in index
    page = client.get(f"/antologi/{YEAR}/provinsi/{jateng.id}").get_data(as_text=True)
    assert "Posyandu remaja Kelurahan Bandarharjo" in page and made[0].team.name in page
    assert made[1].title not in page  # Makassar's winner belongs to Sulawesi Selatan
    assert client.get(f"/antologi/{YEAR}/provinsi/{sulsel.id}").status_code == 404
    assert client.get(f"/antologi/{YEAR}/nasional").status_code == 404
    assert client.get(f"/antologi/?tahun={YEAR}&cakupan=nasional").status_code == 200  # not offered: an error
    assert client.get(f"/antologi/{YEAR}/provinsi/999999").status_code == 404


def test_an_empty_year_says_so_and_builds_nothing(app, client, login, make_user, make_tree):
    make_tree()
    login(make_user(Role.DATA_MANAGER, None))
    page = client.get("/antologi/2031/nasional").get_data(as_text=True)
    assert "Belum ada pemenang nasional yang terbit pada tahun 2031" in page
    response = client.post("/antologi/2031/nasional", data={"judul": "Kosong", "ukuran": "A4", "aksi": "susun"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Belum ada tulisan yang dipilih untuk buku ini" in text
    assert 'value="Kosong"' in text  # what was typed stays
    assert db.session.scalar(db.select(Job)) is None
    assert client.get("/antologi/1999/nasional").status_code == 404
    wrong = client.get("/antologi/?tahun=dua&cakupan=nasional").get_data(as_text=True)
    assert "Tulis tahun antara 2000 dan 2100." in wrong or "Isi tahun buku" in wrong


def test_bad_form_input_is_refused_with_what_was_typed_kept(winners, client, login, make_user):
    tree, made, provincial = winners
    login(make_user(Role.DATA_MANAGER, None))
    foreword = "Pengantar yang panjang dan penting."
    response = client.post(f"/antologi/{YEAR}/nasional",
                           data=_form(made, [made[1]], {made[1]: 1}, ukuran="B5", pengantar=foreword))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Pilih ukuran halaman A4 atau A5." in text
    assert foreword in text
    assert f'name="pilih" value="{made[1].id}" id="pilih-{made[1].id}" checked' in text
    assert f'name="pilih" value="{made[0].id}" id="pilih-{made[0].id}">' in text  # unchecked as typed
    assert db.session.scalar(db.select(AnthologyBook)) is None
    response = client.post(f"/antologi/{YEAR}/nasional", data=_form(made, made, judul="J" * 201))
    assert "200" in response.get_data(as_text=True) and 'value="' + "J" * 201 in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AnthologyBook)) is None
    stranger = client.post(f"/antologi/{YEAR}/nasional", data=_form([provincial], [provincial]))
    assert "bukan best practice tahun dan cakupan buku ini" in stranger.get_data(as_text=True)


def test_a_piece_withdrawn_after_it_was_chosen(winners, client, login, make_user):
    tree, made, provincial = winners
    user = make_user(Role.DATA_MANAGER, None)
    book = operations.save_book(user.id, YEAR, None, title="Buku uji", foreword="", page_format="A4",
                                piece_ids=[p.id for p in made])
    assert operations.build_book(book.id) == "built"
    first_key = book.file_key
    _unpublish(made[1])
    login(user)
    page = client.get(f"/antologi/{YEAR}/nasional").get_data(as_text=True)
    assert "tidak lagi terbit sebagai best practice" in page and made[1].title in page

    assert operations.build_book(book.id) == "built"  # built without it, and says so
    db.session.refresh(book)
    assert book.piece_count == 2 and made[1].title in book.build_notes
    status = client.get(f"/antologi/buku/{book.id}").get_data(as_text=True)
    assert "Tidak dimuat karena tidak lagi terbit sebagai best practice" in status and made[1].title in status
    text = subprocess.run(["pdftotext", str(operations.book_file(book, "pdf")), "-"], capture_output=True,
                          text=True).stdout
    assert made[1].title not in text and made[2].title in text

    second_key = book.file_key
    assert second_key != first_key
    _unpublish(made[0])
    _unpublish(made[2])
    refused = client.post(f"/antologi/buku/{book.id}/susun", follow_redirects=True).get_data(as_text=True)
    assert "Tidak satu pun tulisan yang dipilih masih terbit sebagai best practice" in refused
    assert operations.build_book(book.id) == "refused"  # withdrawn after the build was asked for
    db.session.refresh(book)
    assert book.file_key == second_key and operations.book_file(book, "pdf").is_file()  # the last book stays
    assert "Buku tidak disusun" in book.build_refused
