"""Word documents for the Word import tests, made here (python-docx writes real .docx files), and the files a
writer may upload instead: a .doc, a password-protected document, an .odt, a .docm, RTF, PDF, a renamed text
file, zip bombs. Nothing binary is committed."""
from __future__ import annotations

import io
import struct
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches

from tests.builders_submissions import jpeg

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BODY_SENTENCE = ("Warga kelurahan bergotong royong memperbaiki saluran drainase bersama BKM sehingga banjir tidak "
                 "lagi menggenangi permukiman.")


def _link(paragraph, url: str, text: str) -> None:
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _describe_last_picture(document, description: str) -> None:
    """Alt text, as Word's "Edit Alt Text" writes it (the drawing's ``descr``)."""
    document.paragraphs[-1]._p.xpath(".//wp:docPr")[0].set("descr", description)


def _comment(document, paragraph, text: str) -> None:
    """A reviewer's comment on ``paragraph`` (python-docx 1.2 writes Word comments)."""
    document.add_comment(paragraph.runs, text=text, author="Korkot", initials="KK")


def word_document(*, pictures=((1280, 960), (1024, 768)), paragraphs: int = 3, caption_style: bool = True,
                  comment: bool = True) -> bytes:
    """A piece as a writer types it in Word: a title, headings, bold and italic, a bulleted and a numbered list, a
    table, a link, a comment, and pictures: the first captioned in Word's Caption style, the second with alt
    text only, the third (if any) with a typed "Foto 3:" paragraph."""
    d = docx.Document()
    d.add_paragraph("Saluran Bersih, Kampung Sehat", style="Title")
    d.add_heading("Latar belakang", level=1)
    p = d.add_paragraph("Warga ")
    p.add_run("bergotong royong").bold = True
    p.add_run(" dengan ")
    p.add_run("semangat tinggi").italic = True
    p.add_run(". Tanda <script>alert(1)</script> dan *bintang* tetap teks.")
    if comment:
        _comment(d, p, "Tambahkan data jumlah KK")
    for _ in range(paragraphs):
        d.add_paragraph(BODY_SENTENCE)
    d.add_heading("Langkah kegiatan", level=2)
    d.add_paragraph("Rembug warga", style="List Bullet")
    d.add_paragraph("Kerja bakti", style="List Bullet")
    d.add_paragraph("Survei saluran", style="List Number")
    d.add_paragraph("Pembangunan", style="List Number")
    table = d.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for r, row in enumerate([("Uraian", "Jumlah"), ("Kepala keluarga", "96"), ("Panjang saluran", "420 m")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    p = d.add_paragraph("Laporan lengkap ada di ")
    _link(p, "https://contoh.id/laporan-bkm", "situs BKM")
    p.add_run(".")
    p = d.add_paragraph("Tautan berbahaya: ")
    _link(p, "javascript:alert(1)", "klik di sini")
    colours = [(30, 120, 90), (200, 60, 40), (40, 60, 200), (120, 120, 20), (90, 30, 120), (10, 10, 10)]
    for n, (w, h) in enumerate(pictures, start=1):
        d.add_picture(io.BytesIO(jpeg(w, h, color=colours[(n - 1) % len(colours)])), width=Inches(3))
        if n == 1:
            if caption_style:
                d.add_paragraph("Foto 1: Warga membersihkan saluran", style="Caption")
        elif n == 2:
            _describe_last_picture(d, "Rapat BKM di balai warga\n\nDescription automatically generated")
        else:
            d.add_paragraph(f"Foto {n}. Gambar nomor {n} dari kegiatan")
    d.add_paragraph("Penutup: saluran kini dirawat bersama.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def rezip(data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """A copy of the zip ``data`` with members added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, payload)
        for name, payload in (add or {}).items():
            dst.writestr(name, payload)
    return out.getvalue()


def docm() -> bytes:
    """A macro-enabled document (.docm): a VBA project and the macro-enabled main content type."""
    data = word_document(pictures=())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    return rezip(data, add={"word/vbaProject.bin": OLE + bytes(504)}, replace={"[Content_Types].xml": types})


def doc_97() -> bytes:
    """The start of a Word 97-2003 .doc: an OLE compound file holding a WordDocument stream."""
    return OLE + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(2000)


def encrypted_docx() -> bytes:
    """A password-protected .docx as Office writes it: an OLE container with EncryptionInfo and EncryptedPackage."""
    return (OLE + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(50)
            + "EncryptedPackage".encode("utf-16-le") + bytes(2000))


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def xlsx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


RTF = b"{\\rtf1\\ansi Naskah saluran bersih}"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT_AS_DOCX = b"Naskah tulisan saluran bersih, diketik di Notepad.\n" * 20


def zip_bomb(unpacked_bytes: int) -> bytes:
    """A .docx whose one picture unpacks to ``unpacked_bytes`` of zeros (a few hundred KB packed)."""
    data = word_document(pictures=(), comment=False)
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z, z.open("word/media/bom.png", "w", force_zip64=True) as f:
        chunk = bytes(1024 * 1024)
        left = unpacked_bytes
        while left > 0:
            f.write(chunk[:min(left, len(chunk))])
            left -= len(chunk)
    return out.getvalue()


def many_parts(n: int) -> bytes:
    data = word_document(pictures=(), comment=False)
    return rezip(data, add={f"customXml/extra{i}.xml": b"<a/>" for i in range(n)})


def lying_zip(actual_bytes: int = 50 * 1024 * 1024) -> bytes:
    """A .docx whose document.xml declares a few KB in the zip's directory but unpacks to ``actual_bytes``: the
    declared size must bound what is read (and the CRC then fails)."""
    small = word_document(pictures=(), comment=False)
    with zipfile.ZipFile(io.BytesIO(small)) as z:
        real = z.read("word/document.xml")
    padded = real.replace(b"</w:body>", b"<!--" + b"x" * actual_bytes + b"--></w:body>")
    data = bytearray(rezip(small, replace={"word/document.xml": padded}))
    # Rewrite the declared uncompressed size of document.xml (local header and central directory).
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    declared = len(real)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, declared)
    start = 0
    name = b"word/document.xml"
    while True:
        central = bytes(data).find(b"PK\x01\x02", start)
        assert central >= 0
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + name_len]) == name:
            struct.pack_into("<I", data, central + 24, declared)
            break
        start = central + 4
    return bytes(data)
