"""The two monthly recaps the procedure names, as data: the page, xlsx, csv and pdf all render these.

* Lampiran 3 (city to KMW): one row per facilitator team and the Korkot team of the city, plus a
  second section with the KMW experts' knowledge products of the year.
* Lampiran 2 (KMW to KMP): one row per piece the KMW panel assessed, with each member's total.

Per-member totals come from :mod:`portal.scoring_adapter` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

import scoring
from portal import cycle, scoring_adapter
from portal.extensions import db
from portal.models import (
    City,
    Entry,
    EntryStatus,
    Kmw,
    KnowledgeProduct,
    Panel,
    PanelStatus,
    Piece,
    PieceStatus,
    Role,
    RoleAssignment,
    Team,
    TeamKind,
    Tier,
    User,
)
from portal.timeutil import format_datetime, period_label

PASSING_GRADE = 700


@dataclass
class Section:
    """One table of a recap. ``totals`` maps column -> value for the closing "Jumlah" row."""

    heading: str
    frame: pd.DataFrame
    totals: dict[str, object] = field(default_factory=dict)
    note: str = ""


@dataclass
class Recap:
    title: str
    lines: list[str]  # the title block under the title
    sections: list[Section]
    file_stem: str  # e.g. "Lampiran 3_Kota Semarang_November 2026"


def yes_no(value: bool | None) -> str:
    if value is None:
        return "–"
    return _("Ya") if value else _("Tidak")


def kmw_label(kmw: Kmw) -> str:
    """The name the procedure uses for a KMW: its province, or the KMW's own name if it covers several."""
    return kmw.provinces[0].name if len(kmw.provinces) == 1 else kmw.name


def kmw_timezone(kmw: Kmw) -> str:
    """A KMW's clock for its own deadline: its first province's, as the panels feature reckons lateness."""
    return kmw.provinces[0].timezone if kmw.provinces else "Asia/Jakarta"


def month_pieces(team_ids: list[int], period: str) -> dict[int, Piece]:
    """Each team's piece for the month; a late piece moved to the next cycle counts for its original month."""
    if not team_ids:
        return {}
    rows = db.session.scalars(
        db.select(Piece).where(
            Piece.team_id.in_(team_ids), db.or_(Piece.period == period, Piece.moved_from_period == period)
        )
    ).all()
    found: dict[int, Piece] = {}
    for piece in sorted(rows, key=lambda p: p.period != period):  # the month's own piece wins
        found.setdefault(piece.team_id, piece)
    return found


def entries_by_piece(piece_ids: list[int], tier: Tier, period: str | None = None) -> dict[int, Entry]:
    if not piece_ids:
        return {}
    query = db.select(Entry).join(Panel).where(Entry.piece_id.in_(piece_ids), Panel.tier == tier)
    if period is not None:
        query = query.where(Panel.period == period)
    return {e.piece_id: e for e in db.session.scalars(query)}


def writing_status(piece: Piece | None, deadline) -> tuple[bool, bool]:
    """(submitted by the deadline, submitted late) for a team's piece."""
    if piece is None or piece.submitted_at is None or piece.status == PieceStatus.DRAFT:
        return False, False
    on_time = piece.submitted_at < deadline
    return on_time, not on_time


def _check_label(entry: Entry | None) -> str:
    if entry is None:
        return "–"
    return {
        EntryStatus.ELIGIBLE: _("Ya"),
        EntryStatus.RETURNED: _("Tidak (dikembalikan)"),
        EntryStatus.PENDING: _("Belum diperiksa"),
    }[entry.status]


def lampiran3(city: City, period: str) -> Recap:
    """Recap of best-practice production and knowledge products of one city for one month."""
    tz = city.province.timezone
    teams = sorted(city.teams, key=lambda t: (t.kind == TeamKind.KORKOT, t.code))
    pieces = month_pieces([t.id for t in teams], period)
    piece_ids = [p.id for p in pieces.values()]
    city_entries = entries_by_piece(piece_ids, Tier.CITY, period)
    sent_up = set(entries_by_piece(piece_ids, Tier.PROVINCE))
    extensions = cycle.latest_extensions([period], "writing", team_ids=[t.id for t in teams], city_ids=[city.id])
    rows = []
    for n, team in enumerate(teams, 1):
        piece = pieces.get(team.id)
        deadline = cycle.effective_deadline_from(period, "writing", tz, extensions, team_id=team.id, city_id=city.id)
        on_time, late = writing_status(piece, deadline)
        entry = city_entries.get(piece.id) if piece else None
        sent = bool(piece and (piece.id in sent_up or (entry is not None and entry.selected)))
        note = ""
        if late:
            note = _("Terlambat: dikirim %(at)s", at=format_datetime(piece.submitted_at, tz))
        elif piece is None or not (on_time or late):
            note = _("Belum mengirim")
        if deadline > cycle.stage_deadline(period, "writing", tz):
            note = (note + "; " if note else "") + _(
                "perpanjangan s.d. %(at)s", at=format_datetime(deadline, tz)
            )
        rows.append(
            {
                _("No"): n,
                _("Tim"): team.name,
                _("Jenis tim"): "Korkot" if team.kind == TeamKind.KORKOT else "TF",
                _("Dikirim s.d. tgl 15"): yes_no(on_time),
                _("Judul"): piece.title if piece and (on_time or late) else "",
                _("Bentuk"): piece.form.value.capitalize() if piece and (on_time or late) else "",
                _("Lolos persyaratan"): _check_label(entry),
                _("Dikirim ke provinsi"): yes_no(sent),
                _("Keterangan"): note,
            }
        )
    frame = pd.DataFrame(rows, columns=_lampiran3_columns())
    totals = {
        _("Tim"): len(rows),
        _("Dikirim s.d. tgl 15"): int((frame[_("Dikirim s.d. tgl 15")] == _("Ya")).sum()),
        _("Dikirim ke provinsi"): int((frame[_("Dikirim ke provinsi")] == _("Ya")).sum()),
    }
    label = period_label(period)
    kmw = city.province.kmw
    return Recap(
        title=_("Lampiran 3: Rekap Produksi Best Practice dan Produk Pengetahuan"),
        lines=[
            f"{_('Kota/Kabupaten')}: {city.name}",
            f"{_('Provinsi')}: {city.province.name}",
            f"{_('KMW')}: {kmw.name}",
            f"{_('Bulan')}: {label}",
        ],
        sections=[
            Section(_("Produksi best practice per tim"), frame, totals),
            knowledge_section(kmw, int(period[:4])),
        ],
        file_stem=f"Lampiran 3_{city.name}_{label}",
    )


def _lampiran3_columns() -> list[str]:
    return [
        _("No"),
        _("Tim"),
        _("Jenis tim"),
        _("Dikirim s.d. tgl 15"),
        _("Judul"),
        _("Bentuk"),
        _("Lolos persyaratan"),
        _("Dikirim ke provinsi"),
        _("Keterangan"),
    ]


def kmw_experts(kmw_id: int) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(RoleAssignment)
            .where(RoleAssignment.role == Role.WRITER, RoleAssignment.kmw_id == kmw_id)
            .order_by(User.name)
        ).unique()
    )


def knowledge_section(kmw: Kmw, year: int) -> Section:
    """The KMW experts' knowledge products of the year: sent or not."""
    products = {
        kp.author_id: kp
        for kp in db.session.scalars(
            db.select(KnowledgeProduct).where(
                KnowledgeProduct.kmw_id == kmw.id, KnowledgeProduct.year == year
            )
        )
    }
    tz = kmw_timezone(kmw)
    rows = []
    for n, expert in enumerate(kmw_experts(kmw.id), 1):
        kp = products.get(expert.id)
        sent = kp is not None and kp.submitted_at is not None
        rows.append(
            {
                _("No"): n,
                _("Nama TA"): expert.name,
                _("Jabatan"): expert.position,
                _("Judul produk pengetahuan"): kp.title if kp else "",
                _("Sudah dikirim"): yes_no(sent),
                _("Waktu kirim"): format_datetime(kp.submitted_at, tz) if sent else "",
            }
        )
    columns = [
        _("No"),
        _("Nama TA"),
        _("Jabatan"),
        _("Judul produk pengetahuan"),
        _("Sudah dikirim"),
        _("Waktu kirim"),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    totals = {_("Nama TA"): len(rows), _("Sudah dikirim"): int((frame[_("Sudah dikirim")] == _("Ya")).sum())}
    return Section(_("Produk pengetahuan tahun %(year)s (TA KMW)", year=year), frame, totals)


def province_panel(kmw_id: int, period: str) -> Panel | None:
    return db.session.scalar(
        db.select(Panel).where(Panel.tier == Tier.PROVINCE, Panel.period == period, Panel.kmw_id == kmw_id)
    )


def _entries_with_pieces(panel_id: int) -> list[Entry]:
    """The panel's entries with piece, team and city loaded in the same query (no query per row)."""
    return list(db.session.scalars(
        db.select(Entry).where(Entry.panel_id == panel_id)
        .options(joinedload(Entry.piece).joinedload(Piece.team).joinedload(Team.city))
    ).unique())


def lampiran2(kmw: Kmw, period: str) -> Recap:
    """Recap of the KMW panel's scoring of every piece it assessed in the month (members named)."""

    panel = province_panel(kmw.id, period)
    label = period_label(period)
    lines = [
        f"{_('KMW')}: {kmw.name}",
        f"{_('Provinsi')}: {', '.join(p.name for p in kmw.provinces)}",
        f"{_('Bulan')}: {label}",
    ]
    base_columns = [_("No"), _("Judul"), _("Tim penulis"), _("Kota/Kabupaten")]
    end_columns = [_("Jumlah penilai"), _("NA"), _("Lulus (NA ≥ 700)"), _("Peringkat"), _("Dikirim ke KMP")]
    if panel is None:
        frame = pd.DataFrame([], columns=base_columns + end_columns)
        section = Section(
            _("Penilaian Tim Penilai KMW"), frame, {_("Judul"): 0}, _("Panel KMW bulan ini belum dibentuk.")
        )
        return Recap(
            _("Lampiran 2: Rekap Penilaian Best Practice oleh KMW"),
            lines,
            [section],
            f"Lampiran 2_{kmw_label(kmw)}_{label}",
        )
    members = sorted(panel.members, key=lambda m: m.user.name)
    member_columns = [f"{_('Nilai')} {m.user.name}" for m in members]
    try:
        totals_frame = scoring_adapter.member_totals(panel)
    except scoring.ScoringError:  # an incomplete sheet: show the rest, say so
        totals_frame = pd.DataFrame(columns=["entry", "reviewer", "total"])
        lines.append(_("Ada lembar nilai yang belum lengkap; nilai anggota belum dapat ditampilkan."))
    by_cell = {(int(r.entry), int(r.reviewer)): float(r.total) for r in totals_frame.itertuples()}
    grade = panel.rubric.passing_grade if panel.rubric else PASSING_GRADE
    entries = sorted(_entries_with_pieces(panel.id), key=lambda e: (e.rank is None, e.rank or 0, e.piece.title))
    rows = []
    for n, entry in enumerate(entries, 1):
        piece = entry.piece
        row = {
            _("No"): n,
            _("Judul"): piece.title,
            _("Tim penulis"): piece.team.name,
            _("Kota/Kabupaten"): piece.team.city.name,
        }
        for member, column in zip(members, member_columns):
            row[column] = by_cell.get((entry.id, member.user_id))
        row.update(
            {
                _("Jumlah penilai"): entry.reviewers,
                _("NA"): None if entry.na is None else round(entry.na, 2),
                _("Lulus (NA ≥ 700)"): yes_no(None if entry.na is None else entry.na >= grade),
                _("Peringkat"): entry.rank,
                _("Dikirim ke KMP"): yes_no(bool(entry.selected)),
            }
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=base_columns + member_columns + end_columns)
    for column in member_columns + [_("NA")]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    for column in (_("Jumlah penilai"), _("Peringkat")):
        frame[column] = pd.array(frame[column], dtype="Int64")
    totals = {
        _("Judul"): len(rows),
        _("Lulus (NA ≥ 700)"): int((frame[_("Lulus (NA ≥ 700)")] == _("Ya")).sum()),
        _("Dikirim ke KMP"): int((frame[_("Dikirim ke KMP")] == _("Ya")).sum()),
    }
    note = (
        ""
        if panel.status == PanelStatus.CLOSED
        else _("Panel belum ditutup: NA, kelulusan dan peringkat belum final.")
    )
    if panel.letter_number:
        lines.append(f"{_('Nomor surat')}: {panel.letter_number}")
    return Recap(
        _("Lampiran 2: Rekap Penilaian Best Practice oleh KMW"),
        lines,
        [Section(_("Penilaian Tim Penilai KMW"), frame, totals, note)],
        f"Lampiran 2_{kmw_label(kmw)}_{label}",
    )
