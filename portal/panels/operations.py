"""Writes of the review procedure, one business operation per transaction (each commits or rolls back).

Lateness is stored, never recomputed: ``Entry.late`` is True when the entry reached its panel after the
deadline of the stage that feeds it (city entries: the piece was submitted after the team's writing deadline;
province entries: the city panel closed after the 20th; national entries: the KMW panel closed after the 25th;
recorded extensions count). ``Panel.closed_late`` is True when the panel closed after its own tier's date.
"""
from __future__ import annotations

import json
from datetime import datetime
from functools import wraps
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, cycle, signals, tiers
from portal.extensions import db
from portal.failures import PortalError
from portal.i18n import current_locale
from portal.models.org import City, Kmw, Province, Team, TeamKind
from portal.models.people import User
from portal.models.pieces import Piece, PieceStatus
from portal.models.reviews import (
    Entry,
    EntryStatus,
    Panel,
    PanelMember,
    PanelMode,
    PanelStatus,
    Recusal,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetStatus,
    Tier,
)
from portal.panels import letters, rules
from portal.rubrics import active_rubric
from portal.scoring_adapter import panel_results, tier_quota
from portal.submissions.requirements import check_requirements
from portal.timeutil import format_datetime, now_utc


class PanelError(PortalError):
    """A refused operation, with an Indonesian message for the user."""


class PanelLocked(PanelError):
    status = 409


class StaleSheet(PanelError):
    """Somebody saved the sheet (or the panel closed) since the form was opened."""

    status = 409


def _transaction(fn):
    """Run one operation: on a refusal or a concurrent change, roll back and raise PanelError."""

    @wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PanelError:
            db.session.rollback()
            raise
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            raise PanelError(_("Data panel baru saja diubah oleh orang lain. Muat ulang halaman lalu coba lagi.")) \
                from None

    return run


# --- panels and members ----------------------------------------------------------------------------

def lock_panel(panel_id: int) -> Panel:
    """Reload the panel row FOR UPDATE (PostgreSQL), so saves and the close are serialised."""
    panel = db.session.execute(
        select(Panel).where(Panel.id == panel_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    return panel


def _open(panel_id: int) -> Panel:
    panel = lock_panel(panel_id)
    if panel.status != PanelStatus.OPEN:
        raise PanelLocked(_("Panel ini sudah diputuskan; nilai dan susunannya terkunci."))
    return panel


def find_panel(tier: Tier, period: str, *, city_id: int | None = None, kmw_id: int | None = None) -> Panel | None:
    key = rules.scope_key(tier, city_id=city_id, kmw_id=kmw_id)
    return db.session.scalar(select(Panel).where(Panel.tier == tier, Panel.period == period, Panel.scope_key == key))


def _get_or_create(tier: Tier, period: str, *, city_id: int | None = None, kmw_id: int | None = None) -> Panel:
    """Within the caller's transaction (no commit)."""
    panel = find_panel(tier, period, city_id=city_id, kmw_id=kmw_id)
    if panel is None:
        panel = Panel(tier=tier, period=period, scope_key=rules.scope_key(tier, city_id=city_id, kmw_id=kmw_id),
                      rubric=active_rubric(), **rules.node_scope(tier, city_id=city_id, kmw_id=kmw_id))
        db.session.add(panel)
        db.session.flush()
    return panel


def open_panel(tier: Tier, period: str, actor, *, city: City | None = None, kmw: Kmw | None = None) -> Panel:
    """The panel of this node and month, created when missing. Opening collects nothing: the teams' pieces enter
    at the end of the 15th local time (the scheduled step ``collect_entries``, portal/schedule/), or when a data
    manager presses "Kumpulkan tulisan tim" (:func:`collect_city_entries`); the panel page shows meanwhile what
    was submitted (``queries.waiting_pieces``)."""
    scope = {"city_id": city.id if city else None, "kmw_id": kmw.id if kmw else None}
    for first in (True, False):
        try:
            existing = find_panel(tier, period, **scope)
            panel = _get_or_create(tier, period, **scope)
            if existing is None:
                audit.record("panel_opened", f"panel:{panel.id}", f"{tier.value} {period} {panel.scope_key}")
            db.session.commit()
            return panel
        except IntegrityError:
            # Opened by someone else at the same moment; or another first write collided (two consumers' first
            # panels both creating the default rubric): then once more, now that theirs is committed.
            db.session.rollback()
            panel = find_panel(tier, period, **scope)
            if panel is not None or not first:
                return panel
    return panel


@_transaction
def set_members(panel_id: int, member_ids: list[int], chair_id: int | None, mode: PanelMode, actor) -> Panel:
    """Set the panel's members (from the node's pool), its chair and its mode; apply automatic recusals."""

    panel = _open(panel_id)
    member_ids = list(dict.fromkeys(int(i) for i in member_ids))
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(member_ids)))} if member_ids else {}
    outsiders = [i for i in member_ids if i not in users or not rules.in_pool(users[i], panel)]
    if outsiders:
        raise PanelError(_("Hanya anggota tim penilai yang terdaftar di wilayah ini yang dapat dipilih."))
    if chair_id is not None and chair_id not in member_ids:
        raise PanelError(_("Ketua harus salah satu anggota panel."))
    before, chair_before = {m.user_id for m in panel.members}, panel.chair_id
    removed = [m for m in panel.members if m.user_id not in users]
    for member in removed:
        if _has_submitted(panel, member.user_id):
            raise PanelError(_("%(name)s sudah mengirim lembar nilai dan tidak dapat dikeluarkan dari panel.",
                               name=member.user.name))
    for member in removed:
        panel.members.remove(member)
    have = {m.user_id for m in panel.members}
    for uid in member_ids:
        if uid not in have:
            panel.members.append(PanelMember(user_id=uid))
    if panel.mode != mode and _any_submitted(panel):
        raise PanelError(_("Cara penilaian tidak dapat diubah setelah ada lembar nilai yang dikirim."))
    panel.mode = mode
    panel.chair_id = chair_id
    db.session.flush()
    _apply_automatic_recusals(panel)
    signals.panel_members_set.send(panel, added=[i for i in member_ids if i not in before],
                                   new_chair=chair_id if chair_id != chair_before else None)
    audit.record("panel_members_set", f"panel:{panel.id}",
                 json.dumps({"members": member_ids, "chair": chair_id, "mode": mode.value}))
    db.session.commit()
    return panel


def _has_submitted(panel: Panel, user_id: int) -> bool:
    return db.session.scalar(
        select(ScoreSheet.id).join(Entry).where(Entry.panel_id == panel.id, ScoreSheet.user_id == user_id,
                                                ScoreSheet.status == SheetStatus.SUBMITTED).limit(1)) is not None


def _any_submitted(panel: Panel) -> bool:
    return db.session.scalar(
        select(ScoreSheet.id).join(Entry).where(Entry.panel_id == panel.id,
                                                ScoreSheet.status == SheetStatus.SUBMITTED).limit(1)) is not None


def _apply_automatic_recusals(panel: Panel) -> None:
    """Every member with a conflict on an entry is recused from it (and any sheet of theirs removed)."""

    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([m.user_id for m in panel.members])))} if panel.members else {}
    for entry in panel.entries:
        for uid, user in users.items():
            reason = rules.automatic_recusal_reason(user, panel, entry.piece)
            if reason and rules.recusal_of(entry, uid) is None:
                entry.recusals.append(Recusal(user_id=uid, reason=reason, automatic=True))
                for sheet in [s for s in entry.sheets if s.user_id == uid]:
                    entry.sheets.remove(sheet)
                audit.record("recusal_automatic", f"entry:{entry.id}", f"user:{uid} {reason}")
    db.session.flush()


# --- entries ----------------------------------------------------------------------------------------

def _add_entry(panel: Panel, piece: Piece, *, status: EntryStatus, late: bool, outside_quota: bool = False) -> bool:
    existing = db.session.scalar(select(Entry).where(Entry.panel_id == panel.id, Entry.piece_id == piece.id))
    if existing is not None:
        if existing.status == EntryStatus.RETURNED and piece.status == PieceStatus.SUBMITTED:
            # The writer fixed and resubmitted a returned piece: it is checked again.
            existing.status = EntryStatus.PENDING
            existing.return_reasons = ""
            existing.late = late
            return True
        return False
    panel.entries.append(Entry(piece=piece, status=status, late=late, outside_quota=outside_quota))
    return True


def _late_entry(piece: Piece, period: str, stage: str, tz: str, **scope) -> bool:
    """Late work: submitted after the writing deadline, or moved here from an earlier month."""
    return piece.moved_from_period is not None or (
        bool(piece.submitted_at) and cycle.is_late(period, stage, tz, piece.submitted_at, **scope))


def _submitted_pieces(period: str, *, city_id: int | None = None, kmw_id: int | None = None,
                      kind: TeamKind | None = None) -> list[Piece]:
    query = select(Piece).join(Team).where(Piece.period == period, Piece.status == PieceStatus.SUBMITTED)
    if city_id is not None:
        query = query.where(Team.city_id == city_id)
    if kmw_id is not None:
        query = query.join(City, City.id == Team.city_id).join(Province).where(Province.kmw_id == kmw_id)
    if kind is not None:
        query = query.where(Team.kind == kind)
    return list(db.session.scalars(query.order_by(Piece.id)))


def _collect_korkot_pieces(panel: Panel, pieces) -> int:
    """A Korkot team's own piece goes straight to its KMW panel, outside the city quota."""
    added = 0
    for piece in pieces:
        tz = piece.team.city.province.timezone
        added += _add_entry(panel, piece, status=EntryStatus.ELIGIBLE, outside_quota=True,
                            late=_late_entry(piece, panel.period, "writing", tz, team_id=piece.team_id,
                                             city_id=piece.team.city_id))
    db.session.flush()
    _apply_automatic_recusals(panel)
    return added


@_transaction
def collect_city_entries(panel_id: int, actor=None) -> int:
    """Submitted pieces of the city's teams for the month enter the city panel; a Korkot team's own piece
    goes straight to the KMW panel, outside the city quota. Returns how many entries were added."""
    panel = _open(panel_id)
    if panel.tier != Tier.CITY:
        raise PanelError(_("Hanya panel kota yang mengumpulkan tulisan dari tim."))
    tz = rules.panel_timezone(panel)
    added = 0
    korkot = _submitted_pieces(panel.period, city_id=panel.city_id, kind=TeamKind.KORKOT)
    if korkot:
        province_panel = _get_or_create(Tier.PROVINCE, panel.period, kmw_id=panel.city.province.kmw_id)
        if province_panel.status == PanelStatus.OPEN:  # else submit_piece sent the piece to the next month
            added += _collect_korkot_pieces(province_panel, korkot)
    for piece in _submitted_pieces(panel.period, city_id=panel.city_id, kind=TeamKind.TF):
        added += _add_entry(panel, piece, status=EntryStatus.PENDING,
                            late=_late_entry(piece, panel.period, "writing", tz, team_id=piece.team_id,
                                             city_id=panel.city_id))
    for entry in list(panel.entries):
        # A piece withdrawn by its writer before anyone checked it leaves the panel again.
        if entry.status == EntryStatus.PENDING and entry.piece.status != PieceStatus.SUBMITTED and not entry.sheets:
            panel.entries.remove(entry)
    db.session.flush()
    _apply_automatic_recusals(panel)
    if added:
        audit.record("entries_collected", f"panel:{panel.id}", f"{added}")
        signals.entries_collected.send(panel, count=added)
    db.session.commit()
    return added


@_transaction
def collect_korkot_entries(panel_id: int) -> int:
    """The KMW panel takes the submitted Korkot pieces of its cities itself, so that a Korkot piece whose city
    panel was never opened still reaches it."""
    panel = _open(panel_id)
    added = _collect_korkot_pieces(panel, _submitted_pieces(panel.period, kmw_id=panel.kmw_id,
                                                            kind=TeamKind.KORKOT))
    if added:
        audit.record("entries_collected", f"panel:{panel.id}", f"{added}")
        signals.entries_collected.send(panel, count=added)
    db.session.commit()
    return added


CHECK_CODES = range(1, 9)


@_transaction
def check_entry(entry_id: int, actor, explained: dict[int, bool], note: str = "") -> Entry:
    """City tier: the formal requirements plus the panel's checklist of the 8 points. A piece that fails goes
    back to its writer with the reasons; one that passes becomes eligible for scoring."""

    entry = db.session.get(Entry, entry_id)
    panel = _open(entry.panel_id)
    if panel.tier != Tier.CITY:
        raise PanelError(_("Pemeriksaan kelengkapan hanya dilakukan oleh panel kota."))
    rubric = panel.rubric or active_rubric()
    names = {i.code: i.name for i in rubric.instruments}
    reasons = [m.message for m in check_requirements(entry.piece)]
    for code in sorted(names):
        if not explained.get(code):
            reasons.append(_("Tulisan belum menjelaskan poin %(n)d: %(name)s.", n=code, name=names[code]))
    if note.strip():
        reasons.append(note.strip())
    entry.checklist = json.dumps({str(c): bool(explained.get(c)) for c in sorted(names)})
    piece = entry.piece
    if reasons:
        entry.status = EntryStatus.RETURNED
        entry.return_reasons = "\n".join(reasons)
        piece.status = PieceStatus.RETURNED
        piece.return_reasons = entry.return_reasons
        audit.record("entry_returned", f"entry:{entry.id}", entry.return_reasons)
        signals.piece_returned.send(entry, reasons=reasons)
    else:
        entry.status = EntryStatus.ELIGIBLE
        entry.return_reasons = ""
        audit.record("entry_checked", f"entry:{entry.id}", "eligible")
    db.session.commit()
    return entry


@_transaction
def recuse(entry_id: int, user, reason: str) -> Recusal:
    """A member declares a conflict of interest on one entry; any sheet of theirs on it is removed."""
    reason = (reason or "").strip()
    if not reason:
        raise PanelError(_("Tuliskan alasan konflik kepentingan Anda."))
    entry = db.session.get(Entry, entry_id)
    panel = _open(entry.panel_id)
    if rules.membership(user, panel) is None:
        raise PanelError(_("Anda bukan anggota panel ini."))
    recusal = rules.recusal_of(entry, user.id)
    if recusal is None:
        recusal = Recusal(user_id=user.id, reason=reason[:2000], automatic=False)
        entry.recusals.append(recusal)
        for sheet in [s for s in entry.sheets if s.user_id == user.id]:
            entry.sheets.remove(sheet)
        audit.record("recusal_declared", f"entry:{entry.id}", reason[:500])
    db.session.commit()
    return recusal


# --- score sheets -------------------------------------------------------------------------------------

def parse_scores(raw: dict[str, str], codes, low: int, high: int) -> tuple[dict[int, int | None], dict[int, str]]:
    """Form values ``score_<code>`` -> whole numbers; returns (values, errors per instrument)."""
    values: dict[int, int | None] = {}
    errors: dict[int, str] = {}
    for code in codes:
        text = (raw.get(f"score_{code}") or "").strip()
        if not text:
            values[code] = None
            continue
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            errors[code] = _("Isi bilangan bulat %(low)d sampai %(high)d.", low=low, high=high)
            values[code] = None
        else:
            values[code] = number
    return values, errors


# Built once (its cache key is reused); ``consensus`` is a literal of the statement (IS true / IS false).
_SHEET_OF = {consensus: select(ScoreSheet).where(ScoreSheet.entry_id == bindparam("entry_id"),
                                                 ScoreSheet.user_id == bindparam("user_id"),
                                                 ScoreSheet.consensus.is_(consensus))
             .options(joinedload(ScoreSheet.scores), lazyload(ScoreSheet.changes))
             for consensus in (False, True)}


def sheet_of(entry: Entry, user_id: int, consensus: bool = False) -> ScoreSheet | None:
    """The member's sheet with its scores, in one statement. Its change history loads when first used: only a
    submitted sheet has one (changes to a draft are not kept), and the sheet page asks only then."""
    return db.session.scalars(_SHEET_OF[bool(consensus)], {"entry_id": entry.id, "user_id": user_id}).unique().first()


def save_sheet(entry_id: int, user, values: dict[int, int | None], *, version: int | None, submit: bool,
               consensus: bool = False, note: str = "", now: datetime | None = None) -> ScoreSheet:
    """Save a member's sheet (draft or submitted; a submitted sheet stays submitted and every change is kept
    in ScoreChange). ``version`` is the sheet version the form was opened with (None for a new sheet)."""
    now = now or now_utc()
    try:
        entry = db.session.get(Entry, entry_id)
        panel = _open(entry.panel_id)
        _check_may_score(panel, entry, user, consensus)
        sheet = sheet_of(entry, user.id, consensus)
        if sheet is not None and (version is None or version != sheet.version):
            raise StaleSheet(_("Lembar nilai ini sudah diubah di tempat lain sejak Anda membukanya. "
                               "Nilai yang Anda ketik ditampilkan kembali; periksa lalu simpan lagi."))
        if sheet is None and version is not None:
            raise StaleSheet(_("Lembar nilai ini sudah tidak ada (mungkin karena pengunduran diri). Muat ulang halaman."))
        was_submitted = sheet is not None and sheet.status == SheetStatus.SUBMITTED
        if (submit or was_submitted) and any(v is None for v in values.values()):
            raise PanelError(_("Isi semua instrumen sebelum mengirim lembar nilai."))
        if sheet is None:
            sheet = ScoreSheet(entry_id=entry.id, user_id=user.id, consensus=consensus,
                               rubric_id=panel.rubric_id or active_rubric().id)
            db.session.add(sheet)
        _write_scores(sheet, values, user, was_submitted, now)
        sheet.note = (note or "")[:4000]
        sheet.updated_at = now  # always an UPDATE, so the version moves on every save
        if submit and not was_submitted:
            sheet.status = SheetStatus.SUBMITTED
            sheet.submitted_at = now
            audit.record("score_submitted", f"entry:{entry.id}", _totals_detail(values))
        db.session.flush()
        if submit and not was_submitted:
            signals.sheet_submitted.send(sheet)
        db.session.commit()
        return sheet
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise StaleSheet(_("Lembar nilai ini baru saja disimpan oleh sesi lain. Nilai yang Anda ketik "
                           "ditampilkan kembali; periksa lalu simpan lagi.")) from None
    except PanelError:
        db.session.rollback()
        raise


def _check_may_score(panel: Panel, entry: Entry, user, consensus: bool) -> None:
    if entry.status != EntryStatus.ELIGIBLE:
        raise PanelError(_("Tulisan ini belum (atau tidak) masuk penilaian."))
    if rules.membership(user, panel) is None:
        raise PanelError(_("Anda bukan anggota panel ini."))
    if not rules.may_score(user, entry):
        raise PanelError(_("Anda mengundurkan diri atau memiliki konflik kepentingan untuk tulisan ini."))
    if consensus and not (panel.mode == PanelMode.CONSENSUS and panel.chair_id == user.id):
        raise PanelError(_("Lembar konsensus hanya diisi oleh ketua panel bermode konsensus."))
    if not consensus and panel.mode == PanelMode.CONSENSUS:
        raise PanelError(_("Panel ini menilai secara konsensus: ketua mengisi satu lembar bersama."))


def _write_scores(sheet: ScoreSheet, values: dict[int, int | None], user, was_submitted: bool,
                  now: datetime) -> None:
    existing = {s.instrument_code: s for s in sheet.scores}
    for code, value in values.items():
        score = existing.get(code)
        if score is None:
            sheet.scores.append(Score(instrument_code=code, score=value))
        elif score.score != value:
            if was_submitted:
                sheet.changes.append(ScoreChange(user_id=user.id, at=now, instrument_code=code,
                                                 old_score=score.score, new_score=value))
                audit.record("score_changed", f"sheet:{sheet.id}",
                             f"instrument {code}: {score.score} -> {value}")
            score.score = value


def _totals_detail(values: dict[int, int | None]) -> str:
    return json.dumps({str(k): v for k, v in sorted(values.items())})


# --- decisions ------------------------------------------------------------------------------------------

@_transaction
def decide_tie(entry_id: int, actor, selected: bool, reason: str) -> Entry:
    """The chair decides whether a piece tied at the cut-off goes up, with a recorded reason."""

    reason = (reason or "").strip()
    if not reason:
        raise PanelError(_("Tuliskan alasan keputusan untuk nilai yang sama (seri)."))
    entry = db.session.get(Entry, entry_id)
    panel = _open(entry.panel_id)
    if not rules.is_chair(actor, panel):
        raise PanelError(_("Hanya ketua panel yang memutuskan nilai seri."))
    results = panel_results(panel)
    row = results[results["entry"] == entry.id]
    if row.empty or row.iloc[0]["shortlisted"] != "tie":
        raise PanelError(_("Tulisan ini tidak seri di batas kuota."))
    entry.selected = bool(selected)
    entry.tie_reason = reason[:2000]
    audit.record("tie_decided", f"entry:{entry.id}", f"{'naik' if selected else 'tidak naik'}: {reason[:400]}")
    db.session.commit()
    return entry


def sheets_of_entry(panel: Panel, entry: Entry) -> tuple[set[int], list[int]]:
    """(who has sent a sheet for the entry, who still owes one): every member not recused, or in a consensus
    panel the chair's one shared sheet."""
    consensus = panel.mode == PanelMode.CONSENSUS
    submitted = {s.user_id for s in entry.sheets if s.status == SheetStatus.SUBMITTED and s.consensus == consensus}
    if consensus:
        return submitted, [] if submitted else [panel.chair_id or 0]
    recused = {r.user_id for r in entry.recusals}
    return submitted, [m.user_id for m in panel.members if m.user_id not in submitted and m.user_id not in recused]


def all_sheets_in(panel: Panel) -> bool:
    """Every piece to score has every sheet it needs (and at least one): what the chair waits for. Three
    statements whatever the panel's size (it runs on every sent sheet)."""
    eligible = set(db.session.scalars(select(Entry.id).where(Entry.panel_id == panel.id,
                                                             Entry.status == EntryStatus.ELIGIBLE)))
    if not eligible:
        return False
    consensus = panel.mode == PanelMode.CONSENSUS
    sent = set(db.session.execute(select(ScoreSheet.entry_id, ScoreSheet.user_id).where(
        ScoreSheet.entry_id.in_(eligible), ScoreSheet.status == SheetStatus.SUBMITTED,
        ScoreSheet.consensus.is_(consensus))).tuples())
    if consensus:
        return {entry for entry, _user in sent} == eligible
    recused = set(db.session.execute(select(Recusal.entry_id, Recusal.user_id).where(
        Recusal.entry_id.in_(eligible))).tuples())
    members = [m.user_id for m in panel.members]
    for entry in eligible:
        owed = [u for u in members if (entry, u) not in recused]
        if not any((entry, u) in sent for u in members) or any((entry, u) not in sent for u in owed):
            return False
    return True


def readiness_problems(panel: Panel, now: datetime | None = None) -> list[str]:
    """Why the panel cannot be closed yet (empty when it can)."""
    problems = []
    not_before = rules.closes_not_before(panel, now)
    if not_before is not None:
        problems.append(_("Panel baru dapat diputuskan mulai %(when)s: sampai saat itu tulisan masih dapat masuk "
                          "(atau setelah semua %(feeders)s mengirim).", when=format_datetime(
                              not_before, rules.panel_timezone(panel), current_locale()),
                          feeders=rules.feeders_label(panel)))
    size = rules.min_size(panel.tier)
    if len(panel.members) < size:
        problems.append(_("Panel baru beranggota %(n)d orang; minimal %(min)d.", n=len(panel.members), min=size))
    if panel.chair_id is None:
        problems.append(_("Ketua panel belum ditetapkan."))
    pending = [e for e in panel.entries if e.status == EntryStatus.PENDING]
    if pending:
        problems.append(_("%(n)d tulisan belum diperiksa kelengkapannya.", n=len(pending)))
    for entry in panel.entries:
        if entry.status != EntryStatus.ELIGIBLE:
            continue
        submitted, waiting = sheets_of_entry(panel, entry)
        if panel.mode == PanelMode.CONSENSUS:
            if not submitted:
                problems.append(_("Lembar konsensus \"%(t)s\" belum dikirim ketua.", t=entry.piece.title))
            continue
        if waiting:
            problems.append(_("\"%(t)s\": %(n)d anggota belum mengirim nilai.", t=entry.piece.title, n=len(waiting)))
        elif not submitted:
            problems.append(_("\"%(t)s\": belum ada anggota yang menilai.", t=entry.piece.title))
    return problems


def close_panel(panel_id: int, actor, *, now: datetime | None = None) -> Panel:
    """The chair's decision: store NA, rank and selection, lock the scores, number the letter, send the
    chosen pieces to the next tier, and publish best practices (province: NA >= passing grade;
    national: the declared winners)."""

    now = now or now_utc()
    try:
        panel = _open(panel_id)
        if not rules.is_chair(actor, panel):
            raise PanelError(_("Hanya ketua panel yang dapat menutup dan memutuskan."))
        problems = readiness_problems(panel, now)
        if problems:
            raise PanelError(" ".join(problems))
        results = panel_results(panel)
        top, _pass = tier_quota(panel)
        policy = tiers.policy(panel.tier)
        _check_ties(results, top)
        entries = {e.id: e for e in panel.entries}
        for row in results.itertuples(index=False):
            entry = entries[int(row.entry)]
            entry.na = float(row.NA)
            entry.reviewers = int(row.reviewers)
            entry.passed = bool(row.passed)
            entry.rank = int(row.rank)
            entry.tied = bool(row.tied)
            entry.selected = bool(row.selected) or (policy.outside_quota_goes_up and bool(row.outside_quota))
            if row.shortlisted != "tie":
                # A tie the chair decided before a score changed is no longer a tie: the record keeps a tie
                # reason only where the decision stands (the letter and the results page read it so).
                entry.tie_reason = ""
        tz = rules.panel_timezone(panel)
        panel.status = PanelStatus.CLOSED
        panel.closed_at = now
        panel.closed_by_id = actor.id
        stage = rules.STAGE_OF_TIER[panel.tier]
        panel.closed_late = cycle.is_late(panel.period, stage, tz, now, **rules.deadline_scope(panel))
        panel.letter_date = now.astimezone(ZoneInfo(tz)).date()
        panel.letter_number = letters.next_letter_number(panel, panel.letter_date)
        _send_up(panel, [e for e in entries.values() if e.selected], late=bool(panel.closed_late))
        _publish(panel, entries.values(), now)
        signals.panel_decided.send(panel)
        audit.record("panel_closed", f"panel:{panel.id}",
                     json.dumps({"letter": panel.letter_number, "selected": sorted(
                         e.piece_id for e in entries.values() if e.selected), "late": panel.closed_late}))
        db.session.commit()
        return panel
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise PanelError(_("Panel sedang diubah oleh orang lain. Muat ulang halaman lalu coba lagi.")) from None
    except PanelError:
        db.session.rollback()
        raise


def _check_ties(results, top: int) -> None:
    ties = results[results["shortlisted"] == "tie"]
    if ties.empty:
        return
    if ties["selected"].isna().any():
        raise PanelError(_("Ada tulisan dengan nilai sama di batas kuota. Ketua harus memutuskan dan "
                           "mencatat alasannya sebelum menutup panel."))
    slots = top - int((results["shortlisted"] == "yes").sum())
    chosen = int(ties["selected"].astype(bool).sum())
    if chosen != slots:
        raise PanelError(_("Dari tulisan yang seri, pilih tepat %(n)d untuk dinaikkan (sekarang %(c)d).",
                           n=slots, c=chosen))


def _send_up(panel: Panel, chosen: list[Entry], *, late: bool) -> None:
    next_tier = rules.NEXT_TIER.get(panel.tier)
    if next_tier is None or not chosen:
        return
    kmw_id = panel.city.province.kmw_id if tiers.policy(next_tier).node == "kmw" else None  # a city sends to its KMW
    target = _get_or_create(next_tier, panel.period, kmw_id=kmw_id)
    if target.status != PanelStatus.OPEN:
        raise PanelError(_("Panel tingkat berikutnya sudah ditutup; tulisan tidak dapat dikirim."))
    added = sum(_add_entry(target, entry.piece, status=EntryStatus.ELIGIBLE, late=late) for entry in chosen)
    db.session.flush()
    _apply_automatic_recusals(target)
    if added:
        signals.entries_collected.send(target, count=added)


def _publish(panel: Panel, entries, now: datetime) -> None:
    """Publish what the decision declares, and announce it (``piece_published``: the search index takes the
    pieces in this transaction, the public pages are refreshed once it commits)."""
    policy = tiers.policy(panel.tier)
    if policy.publishes is None:
        return
    rank = {level.best_practice: level.order for level in tiers.POLICIES.values() if level.best_practice}
    published = [e.piece for e in entries if getattr(e, policy.publishes)  # Entry.passed or Entry.selected
                 and rank.get(e.piece.best_practice, -1) < policy.order]  # never lowered
    for piece in published:
        piece.best_practice = policy.best_practice
        piece.published_at = piece.published_at or now
    db.session.flush()
    if published:
        signals.piece_published.send(panel, pieces=published)
