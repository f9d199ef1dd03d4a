"""Writes of the submissions feature: one business operation per function, one transaction each.

Operations raise ``SubmissionError`` (an Indonesian message for the writer) and commit on success.
Views have checked who may act; operations re-check the rules of the cycle (``portal.cycle``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, cycle, permissions, photos, signals, storage
from portal.db import select_rows
from portal.extensions import db
from portal.failures import PortalError
from portal.models.org import City, Kmw, Team, node_timezone
from portal.models.pieces import Extension, MediaFile, Photo, Piece, PieceForm, PieceStatus
from portal.models.reviews import Entry
from portal.panels.rules import decided_periods, receiving_panel_key
from portal.period import Period
from portal.submissions import media as media_files
from portal.submissions.requirements import Missing, check_requirements
from portal.timeutil import format_date, now_utc

TEXT_FIELDS = ("title", "theme", "body_md", "facts", "institution_name", "institution_address", "institution_phone",
               "author_name", "author_position", "author_place", "author_phone")


class SubmissionError(PortalError):
    """Refused; ``str(error)`` is the message for the user."""


class ExistingPiece(SubmissionError):
    def __init__(self, message: str, piece: Piece):
        super().__init__(message)
        self.piece = piece


class RequirementsNotMet(SubmissionError):
    def __init__(self, missing: list[Missing]):
        super().__init__(_("Tulisan belum dapat dikirim. Lengkapi dulu:"))
        self.missing = missing


class DestinationChanged(SubmissionError):
    """The month whose panel would receive the piece is not the one the writer confirmed."""

    def __init__(self, destination: Destination):
        super().__init__(_("Tujuan tulisan ini berubah sejak halaman dibuka: tulisan akan dinilai pada penilaian "
                           "%(month)s. Periksa keterangan di atas tombol kirim, lalu kirim lagi.",
                           month=destination.period.label()))
        self.destination = destination


class VersionConflict(SubmissionError):
    status = 409

    def __init__(self, piece_id: int):
        super().__init__(_("Tulisan ini sudah diubah di jendela atau perangkat lain. Teks Anda belum disimpan dan "
                           "tetap ada di formulir: salin dulu, muat ulang halaman, lalu gabungkan perubahan Anda."))
        self.piece_id = piece_id

    def json(self) -> dict:
        return {**super().json(), "conflict": True}  # the editor's script keeps the text and offers a reload


# --- the cycle of one team ----------------------------------------------------------------------

def writing_deadline(team: Team, period: str) -> datetime:
    """When writing for ``period`` closes for this team (its own or its city's extension included)."""
    return cycle.effective_deadline(period, "writing", node_timezone(team), team_id=team.id, city_id=team.city_id)


def team_writing_cycle(team: Team, now: datetime | None = None,
                       extensions: dict | None = None) -> tuple[str, datetime]:
    """The period a piece this team writes now belongs to (this month's extension included), and its writing
    deadline. One query for the extensions of both months it can be, none when ``extensions`` (from
    ``cycle.latest_extensions`` for those months) is given."""
    now = now or now_utc()
    tz = node_timezone(team)
    current = cycle.current_period(tz, now)
    following = current.next()
    if extensions is None:
        extensions = cycle.latest_extensions([current, following], "writing", team_ids=[team.id],
                                             city_ids=[team.city_id])
    for period in (current, following):
        deadline = cycle.effective_deadline_from(period, "writing", tz, extensions, team_id=team.id,
                                                 city_id=team.city_id)
        if now < deadline:
            break
    return period, deadline


@dataclass(frozen=True, slots=True)
class TeamPiece:
    """One of a team's pieces as the writer's home lists it (a row: the home only shows them; a late draft that
    moves is loaded as a mapped piece by ``roll_over_late_drafts``)."""

    id: int
    team_id: int
    period: Period
    status: PieceStatus
    title: str
    moved_from_period: Period | None
    submitted_at: datetime | None
    return_reasons: str


@dataclass
class TeamMonths:
    """All of a team's pieces (their titles and states, not their texts) and the writing extensions of every
    month a draft could be in or move to: what the writer's home needs, in two queries."""
    pieces: list[TeamPiece]  # newest period first
    extensions: dict


# Built once (its cache key is reused). A list of titles: a year of texts is not needed.
_TEAM_PIECES = (db.select(Piece.id, Piece.team_id, Piece.period, Piece.status, Piece.title, Piece.moved_from_period,
                          Piece.submitted_at, Piece.return_reasons)
                .where(Piece.team_id == bindparam("team_id")).order_by(Piece.period.desc()))


def load_team_months(team: Team, now: datetime | None = None) -> TeamMonths:
    now = now or now_utc()
    current = cycle.current_period(node_timezone(team), now)
    pieces = [TeamPiece(*row) for row in select_rows(_TEAM_PIECES, {"team_id": team.id})]
    periods = {p.period for p in pieces if p.status == PieceStatus.DRAFT} | {current, current.next()}
    extensions = cycle.latest_extensions(periods, "writing", team_ids=[team.id], city_ids=[team.city_id])
    return TeamMonths(pieces=pieces, extensions=extensions)


def team_writing_period(team: Team, now: datetime | None = None) -> str:
    return team_writing_cycle(team, now)[0]


def is_writing_open(piece: Piece, now: datetime | None = None) -> bool:
    return (now or now_utc()) < writing_deadline(piece.team, piece.period)


def _move_if_late(piece: Piece, now: datetime) -> bool:
    """Move an unsubmitted piece whose writing stage has closed to the team's current writing period."""
    if piece.status == PieceStatus.SUBMITTED or is_writing_open(piece, now):
        return False
    target = team_writing_period(piece.team, now)
    taken = db.session.scalar(db.select(Piece.id).where(Piece.team_id == piece.team_id, Piece.period == target))
    if taken is not None and taken != piece.id:
        return False  # the team already started next month's piece; this one stays as it was
    piece.moved_from_period = piece.moved_from_period or piece.period
    piece.period = target
    piece.status = PieceStatus.DRAFT
    return True


def roll_over_late_drafts(team: Team, now: datetime | None = None, months: TeamMonths | None = None) -> list[Piece]:
    """Move the team's late drafts into the next open month (lazily, when the writer opens or saves).

    Only one piece per team and month exists, so at most one draft moves: the newest late one, and only when
    the team has no piece in the target month yet. Returned pieces move when the writer edits them again.
    Two queries (``load_team_months``) whatever the team's history, none when ``months`` is given and nothing
    moves. Returns the moved pieces (mapped): ``months`` no longer says where they are, read it again then.
    """
    now = now or now_utc()
    months = months or load_team_months(team, now)
    tz = node_timezone(team)
    current = cycle.current_period(tz, now)
    candidates = (current, current.next())
    drafts = [p for p in months.pieces if p.status == PieceStatus.DRAFT]

    def deadline(period: str) -> datetime:
        return cycle.effective_deadline_from(period, "writing", tz, months.extensions, team_id=team.id,
                                             city_id=team.city_id)

    late = [p for p in drafts if now >= deadline(p.period)]
    target = current if now < deadline(current) else candidates[1]
    if not late or any(p.period == target for p in months.pieces):
        return []
    piece = db.session.get(Piece, late[0].id)
    piece.moved_from_period = piece.moved_from_period or piece.period
    piece.period = target
    audit.record("piece_moved", target=f"piece:{piece.id}", detail=f"{piece.moved_from_period}->{piece.period}")
    db.session.commit()
    return [piece]


# --- where a submitted piece lands ----------------------------------------------------------------

@dataclass(frozen=True)
class Destination:
    """The month whose panel receives a piece submitted now. ``late``: that is not the piece's own month, because
    the panel of its month has already decided; the piece is then assessed as late work with the next month's."""

    period: str
    late: bool
    decided_period: str | None  # the month whose panel had already decided, when late
    taken: bool  # the team already has a piece in ``period``: submitting now is refused


def destination(piece: Piece, now: datetime | None = None) -> Destination:
    """Where ``piece`` lands if it is submitted at ``now``: its month while writing is open (or the team's next
    writing month once it has closed, as ``_move_if_late`` does), and the month after while the panel that
    receives it (``panels.rules.receiving_panel_key``) has already decided that month. Never nowhere."""
    now = now or now_utc()
    period = piece.period if is_writing_open(piece, now) else team_writing_period(piece.team, now)
    tier, key = receiving_panel_key(piece.team)
    candidates = [period, period.next(), period.next().next()]
    decided = decided_periods(tier, key, candidates)
    first_decided = period if period in decided else None
    while period in decided:
        period = period.next()
    taken = period != piece.period and db.session.scalar(
        db.select(Piece.id).where(Piece.team_id == piece.team_id, Piece.period == period, Piece.id != piece.id)
    ) is not None
    return Destination(period=period, late=first_decided is not None, decided_period=first_decided, taken=taken)


# --- pieces --------------------------------------------------------------------------------------

def _require_writer(user, team: Team) -> None:
    if not permissions.can_write_for_team(user, team):
        raise PermissionError("not a writer of this team")


def _require_editable(piece: Piece) -> None:
    if piece.status == PieceStatus.SUBMITTED:
        raise SubmissionError(_("Tulisan sudah dikirim. Tarik kembali dulu jika ingin mengubahnya."))


def start_piece(user, team: Team, now: datetime | None = None) -> Piece:
    """Start this month's piece for the team, author fields pre-filled from the account."""
    _require_writer(user, team)
    now = now or now_utc()
    roll_over_late_drafts(team, now)
    period = team_writing_period(team, now)
    existing = db.session.scalar(db.select(Piece).where(Piece.team_id == team.id, Piece.period == period))
    if existing is not None:
        raise ExistingPiece(_("Tim ini sudah punya tulisan untuk %(month)s: \u201c%(title)s\u201d. Lanjutkan tulisan itu.",
                              month=period.label(), title=existing.title or _("(belum berjudul)")), existing)
    piece = Piece(team=team, period=period, status=PieceStatus.DRAFT, created_by_id=user.id,
                  author_name=user.name, author_position=user.position or "", author_phone=user.phone or "",
                  author_place=team.city.name)
    db.session.add(piece)
    try:
        db.session.commit()
    except Exception:  # a concurrent start won the unique (team, period) race
        db.session.rollback()
        existing = db.session.scalar(db.select(Piece).where(Piece.team_id == team.id, Piece.period == period))
        if existing is None:
            raise
        raise ExistingPiece(_("Tim ini sudah punya tulisan untuk %(month)s. Lanjutkan tulisan itu.",
                              month=period.label()), existing) from None
    return piece


def save_draft(user, piece: Piece, fields: dict, *, expected_version: int | None = None,
               captions: dict[int, str] | None = None, now: datetime | None = None) -> Piece:
    """Save the text fields and photo captions of a draft. Always allowed (requirements are checked at submit);
    refused only for a submitted piece or when ``expected_version`` is stale (someone saved in between)."""
    _require_writer(user, piece.team)
    _require_editable(piece)
    if expected_version is not None and expected_version != piece.version:
        raise VersionConflict(piece.id)
    now = now or now_utc()
    with db.session.no_autoflush:  # one UPDATE per save, so the version moves by exactly one
        for name in TEXT_FIELDS:
            if name in fields and fields[name] is not None:
                setattr(piece, name, _clip(piece, name, fields[name]))
        if fields.get("form"):
            piece.form = PieceForm(fields["form"])
        for photo in piece.photos:
            if captions and photo.id in captions:
                photo.caption = (captions[photo.id] or "")[:300]
        piece.updated_at = now
        _move_if_late(piece, now)  # a late draft (or a returned piece being revised) joins the next month
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise VersionConflict(piece.id) from None
    return piece


def _clip(piece: Piece, name: str, value: str) -> str:
    length = getattr(Piece.__table__.c[name].type, "length", None)
    value = value.replace("\r\n", "\n")
    return value[:length] if length else value


def submit_piece(user, piece: Piece, now: datetime | None = None, *, confirmed_period: str | None = None) -> Piece:
    """Submit for the panel that receives it (``destination``). A piece whose month has closed goes to the next
    month's cycle first; one whose month's panel has already decided goes to the following month's panel as late
    work. ``confirmed_period``: the month the writer was shown; if the destination changed since, nothing is
    submitted (``DestinationChanged``)."""
    _require_writer(user, piece.team)
    _require_editable(piece)
    now = now or now_utc()
    target = destination(piece, now)
    if confirmed_period and confirmed_period != target.period:
        raise DestinationChanged(target)
    if target.taken:
        raise SubmissionError(_("Tim ini sudah punya tulisan untuk %(month)s, bulan yang akan menerima tulisan ini. "
                                "Lanjutkan tulisan %(month)s itu.", month=target.period.label()))
    _move_if_late(piece, now)
    if target.late and piece.period != target.period:
        piece.moved_from_period = piece.moved_from_period or piece.period
        piece.period = target.period
        audit.record("piece_moved", target=f"piece:{piece.id}",
                     detail=f"{target.decided_period}->{piece.period} (panel decided)")
    if not is_writing_open(piece, now):
        db.session.rollback()
        raise SubmissionError(_("Batas pengiriman sudah lewat dan tim sudah punya tulisan bulan berikutnya."))
    missing = check_requirements(piece)
    if missing:
        db.session.commit()  # keeps a move to the next month; nothing else changed
        raise RequirementsNotMet(missing)
    piece.status = PieceStatus.SUBMITTED
    piece.submitted_at = now
    audit.record("piece_submitted", target=f"piece:{piece.id}", detail=piece.period)
    signals.piece_submitted.send(piece)
    db.session.commit()
    return piece


def withdraw_piece(user, piece: Piece, now: datetime | None = None) -> Piece:
    """Take a submitted piece back to draft; allowed until the deadline and before any panel has it."""
    _require_writer(user, piece.team)
    if piece.status != PieceStatus.SUBMITTED:
        raise SubmissionError(_("Hanya tulisan yang sudah dikirim yang dapat ditarik kembali."))
    if not is_writing_open(piece, now):
        raise SubmissionError(_("Batas pengiriman sudah lewat; tulisan tidak dapat ditarik kembali lagi."))
    if db.session.scalar(db.select(Entry.id).where(Entry.piece_id == piece.id).limit(1)) is not None:
        raise SubmissionError(_("Tulisan sudah diterima tim penilai dan tidak dapat ditarik kembali."))
    piece.status = PieceStatus.DRAFT
    piece.submitted_at = None
    audit.record("piece_withdrawn", target=f"piece:{piece.id}", detail=piece.period)
    signals.piece_withdrawn.send(piece)
    db.session.commit()
    return piece


# --- photos and media -----------------------------------------------------------------------------

def _piece_bytes(piece: Piece) -> int:
    return sum(p.byte_size or 0 for p in piece.photos) + (piece.media.byte_size if piece.media else 0)


def _check_piece_size(piece: Piece, adding: int) -> None:
    limit = current_app.config["PIECE_MAX_BYTES"]
    if _piece_bytes(piece) + adding > limit:
        raise SubmissionError(_("Ukuran seluruh berkas tulisan melebihi %(limit)s. Hapus atau kecilkan berkas lain dulu.",
                                limit=storage.format_size(limit)))


def add_photo(user, piece: Piece, data: bytes, caption: str = "") -> Photo:
    """Store one photo (files first, then the row); on failure nothing is left behind."""
    _require_writer(user, piece.team)
    _require_editable(piece)
    limit = current_app.config["PHOTOS_MAX"]
    if len(piece.photos) >= limit:
        raise SubmissionError(_("Sudah ada %(n)d foto, batas maksimal. Hapus satu foto sebelum menambah foto lain.", n=limit))
    _check_piece_size(piece, len(data))
    try:
        stored = photos.store_photo(data)
    except photos.PhotoError as exc:
        raise SubmissionError(str(exc)) from None
    try:
        photo = Photo(piece=piece, position=max((p.position for p in piece.photos), default=-1) + 1,
                      caption=(caption or "")[:300], storage_key=stored.key, width=stored.width,
                      height=stored.height, byte_size=stored.byte_size)
        db.session.add(photo)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        photos.remove_photo(stored.key)
        raise
    return photo


def delete_photo(user, photo: Photo) -> None:
    piece = photo.piece
    _require_writer(user, piece.team)
    _require_editable(piece)
    key = photo.storage_key
    db.session.delete(photo)
    db.session.commit()
    photos.remove_photo(key)


def attach_media(user, piece: Piece, data: bytes) -> MediaFile:
    """Store (or replace) the file of a media piece: audio/video checked for 15 minutes, graphics as a photo."""
    _require_writer(user, piece.team)
    _require_editable(piece)
    if piece.form.is_written:
        raise SubmissionError(_("Tulisan berbentuk teks tidak memerlukan berkas media. Ubah bentuk karya dulu."))
    max_bytes = current_app.config["MEDIA_MAX_BYTES"]
    if len(data) > max_bytes:
        raise SubmissionError(storage.too_large_message(len(data), max_bytes))
    old = piece.media
    _check_piece_size(piece, len(data) - (old.byte_size if old else 0))
    key = storage.new_key()
    if piece.form.value in media_files.TIMED_FORMS:
        try:
            kind, seconds = media_files.check_timed_media(data, current_app.config["MEDIA_MIN_SECONDS"])
        except media_files.MediaError as exc:
            raise SubmissionError(str(exc)) from None
        path, payload, ctype, ext = storage.path_for("media", key, f".{kind.extension}"), data, kind.content_type, kind.extension
    else:
        try:
            image = photos.decode(data, check_min_size=False)
        except photos.PhotoError as exc:
            raise SubmissionError(str(exc)) from None
        payload = photos.encode_variants(image)["original"]
        path, ctype, ext, seconds = storage.path_for("media", key, ".jpg"), "image/jpeg", "jpg", None
    storage.write_atomic(path, payload)
    old_path = media_path(old) if old else None
    try:
        if old is not None:
            db.session.delete(old)
            db.session.flush()
        piece.media = MediaFile(storage_key=key, content_type=ctype, extension=ext, byte_size=len(payload),
                                duration_seconds=seconds)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.remove_files([path])
        raise
    if old_path:
        storage.remove_files([old_path])
    return piece.media


def media_path(media: MediaFile):
    return storage.path_for("media", media.storage_key, f".{media.extension}")


# --- extensions ------------------------------------------------------------------------------------

def grant_extension(by, period: str, stage: str, until: datetime, reason: str, team: Team | None = None,
                    city: City | None = None, kmw: Kmw | None = None) -> Extension:
    """Record a deadline extension for one team, city or KMW, with who granted it, when and why."""
    if stage not in cycle.STAGES:
        raise SubmissionError(_("Tahap tidak dikenal."))
    if sum(x is not None for x in (team, city, kmw)) != 1:
        raise SubmissionError(_("Pilih tepat satu tim, kota, atau KMW."))
    allowed = (team is not None and permissions.can_manage_team(by, team)) or \
        (city is not None and permissions.can_manage_city(by, city)) or \
        (kmw is not None and permissions.can_manage_kmw(by, kmw))
    if not allowed:
        raise PermissionError("not a data manager of this scope")
    if not (reason or "").strip():
        raise SubmissionError(_("Alasan perpanjangan wajib diisi."))
    if until.tzinfo is None:
        raise ValueError("naive datetime given; use timezone-aware UTC")
    try:
        period = Period(period)
    except ValueError:
        raise SubmissionError(_("Tulis bulan sebagai TTTT-BB, misalnya 2026-11.")) from None
    tz = node_timezone(team or city or kmw)
    if until <= cycle.stage_deadline(period, stage, tz):
        raise SubmissionError(_("Perpanjangan harus sesudah batas waktu biasa (%(day)s, pukul 24.00).",
                                day=format_date(cycle.stage_due_day(period, stage))))
    ext = Extension(period=period, stage=stage, until=until, reason=reason.strip(), granted_by_id=by.id,
                    granted_at=now_utc(), team_id=team.id if team else None, city_id=city.id if city else None,
                    kmw_id=kmw.id if kmw else None)
    db.session.add(ext)
    scope = f"team:{team.id}" if team else f"city:{city.id}" if city else f"kmw:{kmw.id}"
    audit.record("extension_granted", target=scope, detail=f"{period} {stage} until {until.isoformat()}: {reason}",
                 user_id=by.id)
    db.session.commit()
    return ext
