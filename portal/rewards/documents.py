"""The rewards' documents: certificates (PDF with a QR code), the workshop invitation letter (PDF) and the
participant list (xlsx, through ``portal.spreadsheet_safety``).

User-typed text (names, titles) only ever lands in PDF text cells, which cannot run anything, and in the xlsx
through the safe-cell rule.
"""
from __future__ import annotations

import io

import segno
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.models.rewards import Nomination, NominationRound
from portal.panels.letters import LetterPdf, format_na
from portal.rewards.certificates import Certificate
from portal.spreadsheet_safety import xlsx_bytes
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
            pdf.para(certificate.award.description, size=10, align="C")
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


def _tier_na(nomination: Nomination) -> str:
    return format_na(nomination.mean_na)


def invitation_letter_pdf(nomination_round: NominationRound, nominations: list[Nomination],
                          province_name: str | None = None) -> bytes:
    """The invitation to the workshop, listing the confirmed delegates (of one province, or of all)."""
    pdf = LetterPdf()
    pdf.para(PROGRAM, bold=True, size=11, align="C")
    pdf.para(ISSUER, bold=True, size=11, align="C")
    pdf.ln(2)
    pdf.para("SURAT UNDANGAN LOKAKARYA PENULISAN BEST PRACTICE", bold=True, size=12, align="C")
    pdf.para(f"Nomor: {nomination_round.letter_number}", align="C")
    pdf.ln(2)
    addressee = f"Kepada Yth. KMW Provinsi {province_name}" if province_name else "Kepada Yth. para KMW Provinsi"
    pdf.para(f"{addressee}\ndi tempat")
    window = f"{nomination_round.first_period.label()} sampai {nomination_round.last_period.label()}"
    pdf.para(f"Sesuai Prosedur Operasi Baku Pengelolaan Best Practice, pelaku potensial dan berprestasi diberikan "
             f"reward untuk mengikuti lokakarya penulisan tingkat pusat (dua kali setahun, utusan masing-masing "
             f"provinsi). Dengan ini kami mengundang penulis best practice berikut, yang terpilih menurut banyaknya "
             f"best practice tingkat provinsi dan nasional pada periode {window}, untuk mengikuti:")
    pdf.table_(["Kegiatan", "Tanggal", "Tempat"],
               [[nomination_round.workshop_name, format_date(nomination_round.workshop_date),
                 nomination_round.workshop_place]], (80, 40, 50))
    pdf.para(f"Peserta (semester {nomination_round.semester} tahun {nomination_round.year}, kuota "
             f"{nomination_round.quota} orang per provinsi):", bold=True)
    rows = [[str(i), n.user.name, n.user.position or "-", n.province.name, str(n.best_practices), _tier_na(n)]
            for i, n in enumerate(nominations, 1)]
    pdf.table_(["No", "Nama", "Jabatan", "Provinsi", "Jumlah BP", "Rerata NA"], rows, (9, 48, 38, 37, 18, 20))
    if not nominations:
        pdf.para("Belum ada peserta yang dikonfirmasi.", size=9)
    pdf.para("Biaya perjalanan dan akomodasi peserta ditanggung sesuai ketentuan program. Mohon KMW menugaskan "
             "peserta tersebut dan mengonfirmasi kehadirannya.")
    pdf.ln(4)
    pdf.para(f"Jakarta, {format_date(nomination_round.opened_at, tz_name='Asia/Jakarta')}", align="R")
    pdf.para(f"{ISSUER},\nTim Capacity Building", align="R")
    return bytes(pdf.output())


PARTICIPANT_COLUMNS = ["No", "Provinsi", "Nama", "Jabatan", "Email", "Telepon", "Jumlah best practice",
                       "Rerata NA", "Usulan portal", "Alasan penggantian"]


def participants_xlsx(nomination_round: NominationRound, nominations: list[Nomination]) -> bytes:
    """The participant list of the workshop: one row per confirmed delegate (safe cells)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Peserta"
    sheet.append([f"{nomination_round.workshop_name} \u00b7 {format_date(nomination_round.workshop_date)} \u00b7 "
                  f"{nomination_round.workshop_place}"])
    sheet.append(PARTICIPANT_COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for i, n in enumerate(nominations, 1):
        sheet.append([i, n.province.name, n.user.name, n.user.position, n.user.email, n.user.phone,
                      n.best_practices, round(n.mean_na, 2) if n.mean_na is not None else None,
                      "ya" if n.proposed else "tidak", n.reason])
    for column, width in zip("ABCDEFGHIJ", (5, 22, 28, 22, 30, 18, 12, 10, 10, 40), strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx_bytes(book)


def participants_filename(nomination_round: NominationRound) -> str:
    return f"peserta-lokakarya-{nomination_round.year}-{nomination_round.semester}.xlsx"


def letter_filename(nomination_round: NominationRound) -> str:
    return f"undangan-{nomination_round.letter_number.replace('/', '-')}.pdf"
