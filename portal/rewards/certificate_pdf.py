"""The certificate as a PDF: the program's wording, the number, the verification link and its QR code (segno).

User-typed text (names, titles) only lands in PDF text cells, which cannot run anything.
"""
from __future__ import annotations

import io

import segno

from portal.rewards.certificates import Certificate
from portal.timeutil import format_date

PROGRAM = "PNPM Mandiri Perkotaan"
ISSUER = "Konsultan Manajemen Pusat (KMP)"
# The procedure's own words (POB Pengelolaan Best Practice, 2010).
PROCEDURE_WORDING = ("Sesuai Prosedur Operasi Baku Pengelolaan Best Practice, KMP memberi penghargaan kepada pelaku "
                     "yang berhasil menjadi penulis best practice tingkat nasional, sebagai reward bagi penulis "
                     "best practice berprestasi.")
TIER_NAMES = {"province": "Provinsi", "national": "Nasional"}


def qr_png(link: str) -> bytes:
    """The verification link as a QR code (segno), a PNG with the quiet zone the readers need."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def certificate_pdf(certificate: Certificate, link: str) -> bytes:
    """The certificate as PDF bytes: A4 landscape, the program's wording, the number, the link and its QR code."""
    from portal.letter_page import LetterPdf  # fpdf2 is loaded where a PDF is written (portal.letter_page)

    piece = certificate.piece
    pdf = LetterPdf("L")
    pdf.set_auto_page_break(False)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)
    pdf.set_y(22)
    pdf.para(PROGRAM, bold=True, size=13, align="C")
    pdf.para(ISSUER, size=11, align="C")
    pdf.ln(3)
    pdf.para("PIAGAM PENGHARGAAN", bold=True, size=26, align="C")
    pdf.para(f"Nomor: {certificate.number}", size=10, align="C")
    pdf.ln(3)
    pdf.para("diberikan kepada", size=11, align="C")
    pdf.para(certificate.recipient, bold=True, size=20, align="C")
    pdf.para(f"{piece.team.name}, {piece.team.city.name}, {piece.team.city.province.name}", size=10, align="C")
    pdf.ln(2)
    if certificate.award is not None:
        pdf.para(f"atas {certificate.award.title}", bold=True, size=13, align="C")
        if certificate.award.description:
            description = certificate.award.description
            # the page is one sheet: a long note is cut rather than pushed into the QR code
            pdf.para(description if len(description) <= 240 else description[:239] + "\u2026", size=10, align="C")
        pdf.para("sebagai penulis best practice tingkat nasional dengan tulisan", size=11, align="C")
    else:
        pdf.para("sebagai Penulis Best Practice Tingkat Nasional dengan tulisan", size=11, align="C")
    pdf.para(f"\u201c{piece.title}\u201d", bold=True, size=13, align="C")
    tier = TIER_NAMES.get(piece.best_practice.value if piece.best_practice else "national", "Nasional")
    pdf.para(f"Periode {piece.period.label()} \u00b7 Tingkat {tier}", size=11, align="C")
    pdf.ln(1)
    pdf.set_x(40)
    pdf.set_font(pdf.family, "", 9)
    pdf.multi_cell(217, 4.8, pdf.text_(PROCEDURE_WORDING), align="C", new_x="LMARGIN", new_y="NEXT")
    issued = certificate.award.recorded_at if certificate.award is not None else piece.published_at
    qr_size = 34
    top = 200 - 16 - qr_size
    pdf.image(io.BytesIO(qr_png(link)), x=24, y=top, w=qr_size, h=qr_size)
    pdf.set_xy(24 + qr_size + 4, top + 8)
    pdf.set_font(pdf.family, "", 8)
    pdf.multi_cell(110, 4, pdf.text_(f"Periksa keaslian piagam ini:\n{link}"), align="L")
    pdf.set_xy(170, top + 4)
    pdf.set_font(pdf.family, "", 10)
    pdf.multi_cell(100, 5.5, pdf.text_(f"Jakarta, {format_date(issued, tz_name='Asia/Jakarta')}\n{ISSUER}\n"
                                       "Tim Capacity Building"), align="C")
    return bytes(pdf.output())


def certificate_filename(certificate: Certificate) -> str:
    return f"piagam-{certificate.number}.pdf"


