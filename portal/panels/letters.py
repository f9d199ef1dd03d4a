"""The formal letters of panel decisions, as PDF (fpdf2).

* city tier: the berita acara of the city selection, listing what was sent to the province;
* KMW: the letter declaring the provincial best practices (NA >= passing grade) and the ranked best 3 sent to KMP;
* KMP: the letter declaring the national best practices.

Numbers look like ``012/KMW-JTG/BP/XI/2026``: a sequence per issuer per calendar year, unique in the database.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal import scoring_adapter, tiers
from portal.extensions import db
from portal.models.org import Team
from portal.models.pieces import Piece
from portal.models.reviews import Entry, Panel, Tier
from portal.panels import rules
from portal.timeutil import format_date

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def issuer_code(panel: Panel) -> str:
    node = rules.node_of(panel)
    return tiers.policy(panel.tier).issuer_code.format(code=node.code if node is not None else "")


def next_letter_number(panel: Panel, day: date) -> str:
    """The next free number of this issuer in the year of ``day``."""
    issuer = issuer_code(panel)
    pattern = f"%/{issuer}/BP/%/{day.year}"
    used = db.session.scalars(select(Panel.letter_number).where(Panel.letter_number.like(pattern))).all()
    seq = 1 + max((int(n.split("/", 1)[0]) for n in used if n and n.split("/", 1)[0].isdigit()), default=0)
    return f"{seq:03d}/{issuer}/BP/{ROMAN[day.month - 1]}/{day.year}"


def format_na(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _entries(panel: Panel) -> list[Entry]:
    return sorted((e for e in panel.entries if e.na is not None), key=lambda e: (e.rank or 999, e.id))


def _korkot_entries(panel: Panel) -> list[Entry]:
    """The city's Korkot piece(s) of the month that went to the KMW panel directly."""
    city_pieces = select(Piece.id).join(Team).where(Team.city_id == panel.city_id)
    return list(db.session.scalars(
        select(Entry).join(Panel).where(Panel.tier == Tier.PROVINCE, Panel.period == panel.period,
                                        Entry.outside_quota.is_(True), Entry.piece_id.in_(city_pieces))
        .order_by(Entry.id)))


def _piece_row(entry: Entry, n: int) -> list[str]:
    piece = entry.piece
    return [str(n), piece.title, f"{piece.team.name}, {piece.team.city.name}", format_na(entry.na)]


def letter_pdf(panel: Panel) -> bytes:
    """The letter of a closed panel, as PDF bytes: the rule it states is the panel's rubric version's, the
    pieces it declares are the recorded decision (``Entry.passed``, ``Entry.selected``)."""
    from portal.letter_page import LetterPdf  # fpdf2 is loaded where a PDF is written (portal.letter_page)

    rubric = scoring_adapter.panel_rubric(panel)
    passing_grade = rubric.passing_grade
    pdf = LetterPdf()
    month = panel.period.label()
    policy = tiers.policy(panel.tier)
    node = rules.node_of(panel)
    issuer = policy.issuer.format(name=node.name if node is not None else "")
    title = policy.letter_title
    pdf.para("PNPM Mandiri Perkotaan", bold=True, size=11, align="C")
    pdf.para(issuer, bold=True, size=11, align="C")
    pdf.ln(2)
    pdf.para(title, bold=True, size=12, align="C")
    pdf.para(f"Nomor: {panel.letter_number or '-'}", align="C")
    pdf.ln(2)
    entries = _entries(panel)
    date_text = format_date(panel.letter_date)
    pdf.para(f"Pada tanggal {date_text}, tim penilai telah menilai {len(entries)} tulisan best practice "
             f"periode {month} dengan {len(rubric.instruments)} instrumen penilaian (nilai akhir/NA = jumlah nilai "
             f"anggota penilai dibagi banyaknya penilai; batas lulus {passing_grade}).")
    if panel.tier == Tier.CITY:
        sent = [e for e in entries if e.selected]
        pdf.para("Tulisan yang dikirim ke KMW (tingkat provinsi):", bold=True)
        pdf.table_(["No", "Judul", "Tim", "NA"], [_piece_row(e, i) for i, e in enumerate(sent, 1)], (8, 90, 55, 17))
        korkot = _korkot_entries(panel)
        if korkot:
            pdf.para("Tulisan Tim Korkot, dikirim langsung ke KMW di luar kuota (tidak dinilai panel kota):", bold=True)
            pdf.table_(["No", "Judul", "Tim"], [[str(i), e.piece.title, e.piece.team.name]
                                                for i, e in enumerate(korkot, 1)], (8, 100, 62))
    elif panel.tier == Tier.PROVINCE:
        passed = [e for e in entries if e.passed]
        pdf.para(f"Menetapkan sebagai best practice tingkat provinsi (NA sekurang-kurangnya {passing_grade}):",
                 bold=True)
        pdf.table_(["No", "Judul", "Tim", "NA"], [_piece_row(e, i) for i, e in enumerate(passed, 1)],
                   (8, 90, 55, 17))
        pdf.para("Tiga terbaik, berurutan menurut NA, dikirim ke KMP:", bold=True)
        sent = [e for e in entries if e.selected]
        pdf.table_(["Peringkat", "Judul", "Tim", "NA"], [_piece_row(e, e.rank) for e in sent], (16, 84, 53, 17))
    else:
        winners = [e for e in entries if e.selected]
        pdf.para("Menetapkan sebagai best practice tingkat nasional:", bold=True)
        pdf.table_(["Peringkat", "Judul", "Tim", "NA"], [_piece_row(e, e.rank) for e in winners], (16, 84, 53, 17))
    ties = [e for e in entries if e.tie_reason]
    for entry in ties:
        pdf.para(f"Keputusan nilai seri untuk \"{entry.piece.title}\": {entry.tie_reason}", size=9)
    pdf.para("Tim penilai:", bold=True)
    members = sorted(panel.members, key=lambda m: (m.user_id != panel.chair_id, m.user.name))
    pdf.table_(["No", "Nama", "Kedudukan"],
               [[str(i), m.user.name, "Ketua" if m.user_id == panel.chair_id else "Anggota"]
                for i, m in enumerate(members, 1)], (10, 110, 50))
    pdf.ln(4)
    pdf.para(f"Ditetapkan pada {date_text}", align="R")
    pdf.para(f"Ketua Tim Penilai,\n\n\n{panel.chair.name if panel.chair else ''}", align="R")
    return bytes(pdf.output())


def letter_filename(panel: Panel) -> str:
    number = (panel.letter_number or "surat").replace("/", "-")
    return f"surat-{number}.pdf"
