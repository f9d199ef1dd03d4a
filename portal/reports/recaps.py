"""The two monthly recaps the procedure names, as data: the page, xlsx, csv and pdf all render these.

* Lampiran 3 (city to KMW): one row per facilitator team and the Korkot team of the city, plus a
  second section with the KMW experts' knowledge products of the year.
* Lampiran 2 (KMW to KMP): one row per piece the KMW panel assessed, with each member's total.

Per-member totals and the passing grade come from :mod:`portal.scoring_adapter` only; "passed" is the panel's
recorded decision (``Entry.passed``), as in the statistics and the letter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

import scoring
from portal import cycle, scoring_adapter
from portal.db import select_rows
from portal.extensions import db
from portal.kept import Kept
from portal.models import (
    City,
    Entry,
    EntryStatus,
    Kmw,
    KnowledgeProduct,
    Panel,
    PanelMember,
    PanelStatus,
    Piece,
    PieceStatus,
    Role,
    RoleAssignment,
    RubricVersion,
    Team,
    TeamKind,
    Tier,
    User,
)
from portal.models.org import node_timezone
from portal.period import Period
from portal.timeutil import format_datetime

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd


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
    import pandas as pd

    tz = node_timezone(city)
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
    label = Period(period).label()
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
            knowledge_section(kmw, Period(period).year),
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
    import pandas as pd

    products = {
        kp.author_id: kp
        for kp in db.session.scalars(
            db.select(KnowledgeProduct).where(
                KnowledgeProduct.kmw_id == kmw.id, KnowledgeProduct.year == year
            )
        )
    }
    tz = node_timezone(kmw)
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


# Built once: SQLAlchemy then reuses its cache key instead of walking the options at every request.
_PROVINCE_PANEL = (select(Panel).where(Panel.tier == Tier.PROVINCE, Panel.period == bindparam("period"),
                                       Panel.kmw_id == bindparam("kmw_id"))
                   .options(joinedload(Panel.rubric).joinedload(RubricVersion.instruments)))


def province_panel(kmw_id: int, period: str) -> Panel | None:
    """The KMW panel of the month, with its rubric and instruments (the recap needs the weights and the
    passing grade), in one statement."""
    return db.session.execute(_PROVINCE_PANEL, {"kmw_id": kmw_id, "period": period}).unique().scalar_one_or_none()


def _members(panel: Panel) -> list:
    """(user_id, name) of the panel's members by name: names only, not the accounts and their roles."""
    rows = select_rows(
        db.select(PanelMember.user_id, User.name).join(User, User.id == PanelMember.user_id)
        .where(PanelMember.panel_id == panel.id).order_by(PanelMember.id)
    ).all()
    return sorted(rows, key=lambda m: m.name)


def _entry_rows(panel_id: int) -> list:
    """The panel's entries with their piece's title, team and city, one query (no objects: a recap reads
    the values only)."""
    return select_rows(
        db.select(Entry.id, Entry.reviewers, Entry.na, Entry.passed, Entry.rank, Entry.selected, Piece.title,
                  Team.name.label("team"), City.name.label("city"))
        .join(Piece, Piece.id == Entry.piece_id).join(Team, Team.id == Piece.team_id)
        .join(City, City.id == Team.city_id)
        .where(Entry.panel_id == panel_id)
    ).all()


# The recap of a closed KMW panel shows locked scores and a recorded decision: kept per worker (portal/kept.py).
_closed_recaps: Kept[Recap] = Kept(64)


def lampiran2(kmw: Kmw, period: str) -> Recap:
    """Recap of the KMW panel's scoring of every piece it assessed in the month (members named)."""
    panel = province_panel(kmw.id, period)
    if panel is not None and panel.status == PanelStatus.CLOSED:
        return _closed_recaps.get(("lampiran2", kmw.id, period, panel.id, panel.closed_at),
                                  lambda: _lampiran2(kmw, period, panel))
    return _lampiran2(kmw, period, panel)


def _lampiran2(kmw: Kmw, period: str, panel: Panel | None) -> Recap:
    import numpy as np
    import pandas as pd

    label = Period(period).label()
    lines = [
        f"{_('KMW')}: {kmw.name}",
        f"{_('Provinsi')}: {', '.join(p.name for p in kmw.provinces)}",
        f"{_('Bulan')}: {label}",
    ]
    # Every label is translated once, not once per row. The grade is the panel's rubric version's (the active
    # rubric's while the month has no panel).
    grade = scoring_adapter.passing_grade(panel)
    no, title, team, city = _("No"), _("Judul"), _("Tim penulis"), _("Kota/Kabupaten")
    reviewers, na, passed, rank, sent = (_("Jumlah penilai"), _("NA"), _("Lulus (NA ≥ %(grade)d)", grade=grade),
                                         _("Peringkat"), _("Dikirim ke KMP"))
    base_columns = [no, title, team, city]
    end_columns = [reviewers, na, passed, rank, sent]
    if panel is None:
        frame = pd.DataFrame([], columns=base_columns + end_columns)
        section = Section(
            _("Penilaian Tim Penilai KMW"), frame, {title: 0}, _("Panel KMW bulan ini belum dibentuk.")
        )
        return Recap(
            _("Lampiran 2: Rekap Penilaian Best Practice oleh KMW"),
            lines,
            [section],
            f"Lampiran 2_{kmw_label(kmw)}_{label}",
        )
    members = _members(panel)
    member_columns = [f"{_('Nilai')} {m.name}" for m in members]
    try:
        totals_frame = scoring_adapter.member_totals(panel)
    except scoring.ScoringError:  # an incomplete sheet: show the rest, say so
        totals_frame = pd.DataFrame(columns=["entry", "reviewer", "total"])
        lines.append(_("Ada lembar nilai yang belum lengkap; nilai anggota belum dapat ditampilkan."))
    by_cell = dict(zip(zip(totals_frame["entry"].tolist(), totals_frame["reviewer"].tolist()),
                       totals_frame["total"].tolist()))
    entries = sorted(_entry_rows(panel.id), key=lambda e: (e.rank is None, e.rank or 0, e.title))
    if not entries:  # the same empty table as one built row by row
        frame = pd.DataFrame([], columns=base_columns + member_columns + end_columns)
        for column in member_columns + [na]:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        for column in (reviewers, rank):
            frame[column] = pd.array(frame[column], dtype="Int64")
    else:
        yes, no_ = _("Ya"), _("Tidak")
        # Built a column at a time (two members may share a name: columns by position, not by label).
        values = [
            np.arange(1, len(entries) + 1, dtype=np.int64),
            _texts([e.title for e in entries]),
            _texts([e.team for e in entries]),
            _texts([e.city for e in entries]),
            *(np.array([by_cell.get((e.id, m.user_id), np.nan) for e in entries], dtype=np.float64)
              for m in members),
            pd.array([e.reviewers for e in entries], dtype="Int64"),
            np.array([np.nan if e.na is None else round(e.na, 2) for e in entries], dtype=np.float64),
            _texts(["–" if e.passed is None else yes if e.passed else no_ for e in entries]),
            pd.array([e.rank for e in entries], dtype="Int64"),
            _texts([yes if e.selected else no_ for e in entries]),
        ]
        frame = pd.DataFrame(dict(enumerate(values)))
        frame.columns = pd.Index(base_columns + member_columns + end_columns, dtype=object)
    totals = {
        title: len(entries),
        passed: int((frame[passed] == _("Ya")).sum()),
        sent: int((frame[sent] == _("Ya")).sum()),
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


def _texts(values: list[str]) -> pd.Series:
    """A text column (objects, without pandas looking for dates in it)."""
    import pandas as pd

    return pd.Series(values, dtype=object)
