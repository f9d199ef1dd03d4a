"""The formal requirements of a piece (POB 2010): what the writer must fix before submitting.

The writer's submit button and the city panel's completeness check both call ``check_requirements``; the piece
form's script checks the same rules while the writer types (``browser_checks``), and the server stays the authority.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_babel import gettext

from portal.text import word_count

TIMED_MEDIA = ("audio", "video", "audiovisual")
WORD_FORMS = ("artikel", "narasi", "feature")


def _(message: str, **values) -> str:
    """Translate in a request (the user's language); outside one (CLI, jobs) the Indonesian source text."""
    if has_request_context():
        return gettext(message, **values)
    return message % values if values else message


@dataclass(frozen=True)
class Missing:
    """One unmet requirement: a stable ``code`` for programs and an Indonesian ``message`` for people."""

    code: str
    message: str


def _config(name: str, given):
    return given if given is not None else current_app.config[name]


def _form_value(piece) -> str:
    form = getattr(piece, "form", None)
    return getattr(form, "value", form) or "artikel"


def check_requirements(piece, *, min_words: int | None = None, photos_min: int | None = None,
                       photos_max: int | None = None, min_short: int | None = None,
                       min_long: int | None = None) -> list[Missing]:
    """Every formal requirement ``piece`` does not meet, in the order of the form; empty when complete."""
    min_words = _config("MIN_WORDS", min_words)
    photos_min = _config("PHOTOS_MIN", photos_min)
    photos_max = _config("PHOTOS_MAX", photos_max)
    min_short = _config("PHOTO_MIN_SHORT_SIDE", min_short)
    min_long = _config("PHOTO_MIN_LONG_SIDE", min_long)
    missing: list[Missing] = []
    if not (piece.title or "").strip():
        missing.append(Missing("title", _(_MESSAGES["title"])))
    missing += _check_content(piece, min_words)
    missing += _check_photos(list(piece.photos or []), photos_min, photos_max, min_short, min_long)
    for code, attr, message in _REQUIRED_FIELDS:
        if not (getattr(piece, attr) or "").strip():
            missing.append(Missing(code, _(message)))
    return missing


def _check_content(piece, min_words: int) -> list[Missing]:
    form = _form_value(piece)
    if form in WORD_FORMS:
        words = word_count(piece.body_md or "")
        if words < min_words:
            return [Missing("words", _(_MESSAGES["words"], words=words, min=min_words, more=min_words - words))]
        return []
    media = getattr(piece, "media", None)
    if media is None:
        return [Missing("media", _(_MESSAGES["media"]))]
    if form in TIMED_MEDIA:
        min_seconds = current_app.config["MEDIA_MIN_SECONDS"]
        seconds = media.duration_seconds or 0
        if seconds < min_seconds:
            return [Missing("media_duration", _(
                "Durasi media %(have)s menit; minimal %(min)d menit. Unggah rekaman yang lebih panjang.",
                have=f"{seconds / 60:.1f}".replace(".", ","), min=min_seconds // 60))]
    return []


def _check_photos(photos, photos_min: int, photos_max: int, min_short: int, min_long: int) -> list[Missing]:
    missing = []
    if len(photos) < photos_min:
        missing.append(Missing("photos_min", _(_MESSAGES["photos_min"], n=len(photos), min=photos_min)))
    if len(photos) > photos_max:
        missing.append(Missing("photos_max", _(_MESSAGES["photos_max"], n=len(photos), max=photos_max,
                                               more=len(photos) - photos_max)))
    for number, photo in enumerate(photos, start=1):
        short, long = sorted((photo.width or 0, photo.height or 0))
        if short < min_short or long < min_long:
            missing.append(Missing("photo_size", _(
                "Foto %(n)d berukuran %(w)d x %(h)d piksel; minimal %(a)d x %(b)d piksel. Ganti dengan foto yang lebih besar.",
                n=number, w=photo.width or 0, h=photo.height or 0, a=min_long, b=min_short)))
        if not (photo.caption or "").strip():
            missing.append(Missing("photo_caption", _(_MESSAGES["photo_caption"], n=number)))
    return missing


def N_(message: str) -> str:
    """Mark a message for extraction (pybabel's default keyword); it is translated where it is used."""
    return message


# (code, attribute, message) of the fields that must not be empty.
_REQUIRED_FIELDS = [
    ("institution_name", "institution_name", N_("Nama lembaga atau tokoh yang diangkat belum diisi.")),
    ("institution_address", "institution_address", N_("Alamat lembaga atau tokoh yang diangkat belum diisi.")),
    ("institution_phone", "institution_phone", N_("Nomor kontak lembaga atau tokoh yang diangkat belum diisi.")),
    ("author_name", "author_name", N_("Nama penulis belum diisi.")),
    ("author_position", "author_position", N_("Jabatan penulis belum diisi.")),
    ("author_place", "author_place", N_("Tempat tugas penulis (kota/kabupaten) belum diisi.")),
    ("author_phone", "author_phone", N_("Nomor telepon penulis belum diisi.")),
]


# The messages the piece form's script also shows (see ``browser_checks``), written once.
_MESSAGES = {
    "title": N_("Judul tulisan belum diisi."),
    "words": N_("Tulisan baru %(words)d kata; minimal %(min)d kata. Tambahkan %(more)d kata lagi."),
    "media": N_("Berkas media belum diunggah. Unggah berkas audio, video, atau grafis karya Anda."),
    "photos_min": N_("Baru ada %(n)d foto; unggah minimal %(min)d foto kegiatan."),
    "photos_max": N_("Ada %(n)d foto; maksimal %(max)d foto. Hapus %(more)d foto."),
    "photo_caption": N_("Foto %(n)d belum diberi keterangan."),
}


def browser_checks(piece, *, min_words: int | None = None, photos_min: int | None = None,
                   photos_max: int | None = None) -> dict:
    """The requirements the piece form's script can check while the writer types (static/js/submission.js),
    with the same limits and, translated, the same messages as ``check_requirements`` (``%(name)d`` left for the
    script to fill). Photo sizes and media durations are only known to the server: its findings stay on the page
    until the next autosave brings new ones. Submitting is checked again on the server."""
    messages = {code: gettext(message) if has_request_context() else message for code, message in _MESSAGES.items()}
    messages.update({code: gettext(message) if has_request_context() else message
                     for code, _attr, message in _REQUIRED_FIELDS})
    return {
        "min_words": _config("MIN_WORDS", min_words),
        "photos_min": _config("PHOTOS_MIN", photos_min),
        "photos_max": _config("PHOTOS_MAX", photos_max),
        "word_forms": list(WORD_FORMS),
        "timed_media": list(TIMED_MEDIA),
        "has_media": getattr(piece, "media", None) is not None,
        "required": [[code, attr] for code, attr, _message in _REQUIRED_FIELDS],  # in order (JSON sorts keys)
        "messages": messages,
    }
