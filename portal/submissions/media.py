"""Media files of media pieces and knowledge-product documents: recognised by their bytes, never by name.

Audio and video (MP3, M4A, MP4) are measured by mutagen from the file's own metadata: the portal does
not decode the stream. Graphics go through the photo pipeline (re-encoded, no EXIF).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import mutagen
from flask_babel import gettext as _

from portal.failures import PortalError

TIMED_FORMS = ("audio", "video", "audiovisual")


class MediaError(PortalError, ValueError):
    """A file we refuse; ``str(error)`` says in Indonesian what to do."""


@dataclass(frozen=True)
class MediaKind:
    extension: str
    content_type: str


def sniff_audio_video(data: bytes) -> MediaKind | None:
    """MP3 (ID3 tag or MPEG frame sync), or an ISO media file (M4A / MP4) by its ``ftyp`` box."""
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0):
        return MediaKind("mp3", "audio/mpeg")
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"M4A ", b"M4B "):
            return MediaKind("m4a", "audio/mp4")
        return MediaKind("mp4", "video/mp4")
    return None


def duration_seconds(data: bytes) -> float | None:
    """The duration mutagen reads from the file's metadata, or None when it cannot tell."""
    try:
        parsed = mutagen.File(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - mutagen raises many error types for damaged files
        return None
    length = getattr(getattr(parsed, "info", None), "length", None)
    return float(length) if length else None


def check_timed_media(data: bytes, min_seconds: int) -> tuple[MediaKind, float]:
    """Recognise an audio/video upload and check its length; raises ``MediaError``."""
    kind = sniff_audio_video(data)
    if kind is None:
        raise MediaError(_("Berkas ini bukan audio/video yang didukung. Unggah MP3, M4A, atau MP4."))
    seconds = duration_seconds(data)
    if seconds is None:
        raise MediaError(_("Durasi berkas tidak dapat dibaca; berkas mungkin rusak. Ekspor ulang sebagai MP3, M4A, atau MP4."))
    if seconds < min_seconds:
        raise MediaError(_("Durasi rekaman %(have)s menit; minimal %(min)d menit.",
                           have=f"{seconds / 60:.1f}".replace(".", ","), min=min_seconds // 60))
    return kind, seconds


DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def sniff_document(data: bytes) -> MediaKind:
    """PDF, DOCX or ODT by magic bytes (and, for the zip-based two, by what the archive holds)."""
    if data[:5] == b"%PDF-":
        return MediaKind("pdf", DOCUMENT_TYPES["pdf"])
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == DOCUMENT_TYPES["odt"].encode():
                    return MediaKind("odt", DOCUMENT_TYPES["odt"])
                if "word/document.xml" in names:
                    return MediaKind("docx", DOCUMENT_TYPES["docx"])
        except (zipfile.BadZipFile, KeyError, RuntimeError):
            pass
    raise MediaError(_("Dokumen harus berupa PDF, DOCX, atau ODT."))
