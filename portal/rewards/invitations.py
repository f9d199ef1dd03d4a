"""The workshop's documents: the invitation letter (PDF, like the panels' decision letters) and the participant
list (xlsx, saved through ``portal.spreadsheet_safety``: a name or a reason a user typed never runs as a formula)."""
from __future__ import annotations

from portal.models.rewards import Nomination, NominationRound
from portal.panels.letters import format_na
from portal.rewards.certificate_pdf import ISSUER, PROGRAM
from portal.spreadsheet_safety import xlsx_bytes
from portal.timeutil import format_date


def _tier_na(nomination: Nomination) -> str:
    return format_na(nomination.mean_na)


def invitation_letter_pdf(nomination_round: NominationRound, nominations: list[Nomination],
                          province_name: str | None = None) -> bytes:
    """The invitation to the workshop, listing the confirmed delegates (of one province, or of all)."""
    from portal.letter_page import LetterPdf  # fpdf2 is loaded where a PDF is written (portal.letter_page)

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
    from openpyxl import Workbook  # loaded where a workbook is written, not at start-up
    from openpyxl.styles import Font

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
