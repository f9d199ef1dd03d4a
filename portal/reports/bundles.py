"""Monthly bundles: a zip named as the procedure names it, with each piece (HTML, PDF, photos) and the recap.

Names inside are safe on Windows (see :func:`safe_name`) and unique within the zip, compared without
regard to case because Windows file systems ignore case.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from portal.extensions import db
from portal.models import City, Entry, Kmw, Panel, Piece, PieceStatus, Province, Team, Tier
from portal.period import Period
from portal.photos import photo_path
from portal.reports import exports, recaps
from portal.reports.documents import piece_html, piece_pdf
from portal.reports.followup import followup_recap
from portal.reports.tracking import Scope, apply_scope

FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
    "COM¹",
    "COM²",
    "COM³",
    "LPT¹",
    "LPT²",
    "LPT³",
    "CONIN$",
    "CONOUT$",
}
NAME_LIMIT = 60
SCOPES = ("city", "kmw", "national")
SELECTIONS = ("sent", "all")


def safe_name(text: str, limit: int = NAME_LIMIT, fallback: str = "tanpa judul") -> str:
    """A file or folder name Windows accepts: no <>:"/\\|?* or control characters, no trailing dot or
    space, not a reserved device name (CON, NUL, COM1, ...), at most ``limit`` characters."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = FORBIDDEN.sub(" ", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = text[:limit].rstrip(" .")
    if not text:
        text = fallback
    if text.split(".")[0].strip().upper() in RESERVED:
        text = f"_{text}"[:limit]
    return text


def unique_name(name: str, used: set[str]) -> str:
    """``name`` or ``name (2)``, ``name (3)``... so that no two entries differ only by case."""
    stem, dot, ext = name.rpartition(".") if "." in name.rsplit("/", 1)[-1] else (name, "", "")
    candidate, n = name, 2
    while candidate.casefold() in used:
        candidate = f"{stem} ({n}){dot}{ext}"
        n += 1
    used.add(candidate.casefold())
    return candidate


@dataclass(frozen=True)
class BundleSpec:
    scope: str  # "city" | "kmw" | "national"
    node_id: int | None
    period: str
    selection: str = "sent"  # "sent": what goes up (the procedure's bundle); "all": every piece of the month


def node_of(spec: BundleSpec) -> City | Kmw | None:
    if spec.scope == "city":
        return db.session.get(City, spec.node_id)
    if spec.scope == "kmw":
        return db.session.get(Kmw, spec.node_id)
    return None


def bundle_name(spec: BundleSpec) -> str:
    """``best practice_korkot (Kota Semarang)_(November 2026).zip`` and the KMW / KMP equivalents."""
    label = Period(spec.period).label()
    node = node_of(spec)
    if spec.scope == "city":
        middle = f"korkot ({safe_name(node.name)})"
    elif spec.scope == "kmw":
        middle = f"KMW ({safe_name(recaps.kmw_label(node))})"
    else:
        middle = "KMP"
    return safe_name(f"best practice_{middle}_({label})", limit=120) + ".zip"


def _sent_entries(tier: Tier, period: str, **node) -> list[int]:
    query = (
        db.select(Entry.piece_id)
        .join(Panel)
        .where(Panel.tier == tier, Panel.period == period, Entry.selected.is_(True))
    )
    for column, value in node.items():
        query = query.where(getattr(Panel, column) == value)
    return list(db.session.scalars(query))


def bundle_pieces(spec: BundleSpec) -> list[Piece]:
    """The pieces a bundle holds, in a stable order."""
    if spec.selection == "sent" and spec.scope == "city":
        ids = _sent_entries(Tier.CITY, spec.period, city_id=spec.node_id)
        ids += list(
            db.session.scalars(
                db.select(Entry.piece_id)
                .join(Panel)
                .join(Piece)
                .join(Team)
                .where(Panel.tier == Tier.PROVINCE, Panel.period == spec.period, Team.city_id == spec.node_id)
            )
        )
    elif spec.selection == "sent" and spec.scope == "kmw":
        ids = _sent_entries(Tier.PROVINCE, spec.period, kmw_id=spec.node_id)
    elif spec.selection == "sent":
        ids = _sent_entries(Tier.NATIONAL, spec.period)
    else:
        scope = (
            Scope("national") if spec.scope == "national" else Scope(spec.scope, frozenset({spec.node_id}))
        )
        query = (
            db.select(Piece.id)
            .join(Team, Piece.team_id == Team.id)
            .join(City, Team.city_id == City.id)
            .join(Province, City.province_id == Province.id)
            .where(Piece.period == spec.period, Piece.status != PieceStatus.DRAFT)
        )
        ids = list(db.session.scalars(apply_scope(query, scope)))
    if not ids:
        return []
    query = (
        db.select(Piece)
        .join(Team, Piece.team_id == Team.id)
        .join(City, Team.city_id == City.id)
        .where(Piece.id.in_(set(ids)))
        .order_by(City.name, Team.code)
    )
    return list(db.session.scalars(query))


def bundle_recap(spec: BundleSpec) -> recaps.Recap:
    """Lampiran 3 for a city, Lampiran 2 for a KMW, the compliance recap for KMP."""
    node = node_of(spec)
    if spec.scope == "city":
        return recaps.lampiran3(node, spec.period)
    if spec.scope == "kmw":
        return recaps.lampiran2(node, spec.period)
    return followup_recap(Scope("national"), spec.period, _("Nasional"))


def build_bundle(
    spec: BundleSpec,
    target: Path,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Write the bundle zip to ``target`` (atomically); returns how many pieces it holds.

    ``progress(done, total)`` is called after each piece. A photo missing on disk is listed in
    ``CATATAN.txt`` instead of failing the whole bundle.
    """
    partial = target.with_suffix(".part")
    try:
        count = write_bundle(spec, partial, progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return count


def write_bundle(
    spec: BundleSpec,
    path: Path,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Write the bundle zip to ``path`` as it goes (the caller renames it into place); returns the piece count."""
    pieces = bundle_pieces(spec)
    progress(0, len(pieces))
    used: set[str] = set()
    notes: list[str] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        recap = bundle_recap(spec)
        archive.writestr(unique_name(safe_name(recap.file_stem, 100) + ".xlsx", used), exports.to_xlsx(recap))
        for n, piece in enumerate(pieces, 1):
            _add_piece(archive, piece, n, used, notes)
            progress(n, len(pieces))
        if not pieces:
            notes.append(_("Belum ada tulisan untuk paket ini."))
        if notes:
            archive.writestr(unique_name("CATATAN.txt", used), "\r\n".join(notes) + "\r\n")
    return len(pieces)


def _add_piece(archive: zipfile.ZipFile, piece: Piece, n: int, used: set[str], notes: list[str]) -> None:
    title = safe_name(piece.title)
    folder = unique_name(safe_name(f"{n:02d} {piece.title}"), used)
    photo_files: list[tuple[str | None, str]] = []
    for i, photo in enumerate(piece.photos, 1):
        path = photo_path(photo.storage_key, "original")
        if not path.is_file():
            notes.append(_('Foto %(i)s dari "%(title)s" tidak ditemukan di server.', i=i, title=piece.title))
            photo_files.append((None, photo.caption))
            continue
        name = unique_name(f"{folder}/{safe_name(f'{title} - foto {i}')}.jpg", used)
        archive.write(path, name, compress_type=zipfile.ZIP_STORED)  # JPEG does not compress further
        photo_files.append((name.rsplit("/", 1)[1], photo.caption))
    archive.writestr(unique_name(f"{folder}/{title}.html", used), piece_html(piece, photo_files))
    archive.writestr(
        unique_name(f"{folder}/{title}.pdf", used), piece_pdf(piece, [p.caption for p in piece.photos])
    )
