"""Word import: a writer's .docx becomes the piece's Markdown and photos, after the writer has reviewed it.

Three steps, each its own request, so that the pages work without JavaScript:

1. ``convert_document``: the upload is checked (size, kind, the zip's parts and unpacked size) and converted by
   ``word_convert`` in a process of its own, with a memory and CPU limit and a timeout. Each picture goes through the
   photo rules (``portal.photos``: format, bytes, pixels, minimum size) and is offered or refused with the reason.
2. ``keep_for_review``: the result waits in the upload folder (``imports/``) under a random key, bound to the
   piece and the writer, for ``WORD_IMPORT_MAX_AGE_SECONDS``; the draft is not touched.
3. ``apply_import`` replaces the text (a version check, as a save) and adds the chosen pictures as photos through
   ``operations.add_photo`` (the count and size rules); ``discard`` forgets the import and changes nothing.
"""
from __future__ import annotations

import base64
import io
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image

from portal import audit, photos, storage
from portal.extensions import db
from portal.models.pieces import Piece
from portal.submissions import operations, word_convert
from portal.submissions.operations import SubmissionError
from portal.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, word_count

WORKER = Path(word_convert.__file__)


class WordImportError(SubmissionError):
    """The document cannot be imported; ``str(error)`` says why and how to save it as .docx."""


def _save_as_docx() -> str:
    return _("Simpan sebagai .docx: di Microsoft Word pilih File > Save As (Simpan Sebagai) > \u201cWord Document "
             "(*.docx)\u201d; di LibreOffice pilih File > Save As > \u201cWord 2007-365 (.docx)\u201d; di Google Docs "
             "pilih File > Download (Unduh) > \u201cMicrosoft Word (.docx)\u201d. Lalu unggah berkas .docx itu.")


def _message(code: str) -> str:
    """The writer's message for a refusal ``code`` of ``word_convert`` (or of the process running it)."""
    cfg = current_app.config
    messages = {
        "empty": _("Berkas ini kosong."),
        "doc": _("Berkas ini dokumen Word lama (.doc) yang tidak dapat dibaca portal."),
        "encrypted": _("Dokumen ini dilindungi kata sandi, jadi portal tidak dapat membacanya. Buka di Word, hapus "
                       "kata sandinya (File > Info > Protect Document > Encrypt with Password, kosongkan), simpan, "
                       "lalu unggah lagi."),
        "macro": _("Dokumen ini berisi makro (.docm) yang tidak diterima portal. Simpan sebagai dokumen Word biasa "
                   "tanpa makro."),
        "odt": _("Berkas ini dokumen OpenDocument (.odt), bukan .docx."),
        "rtf": _("Berkas ini dokumen RTF (.rtf), bukan .docx."),
        "pdf": _("Berkas ini PDF. Teks PDF tidak dapat diimpor; buka naskah aslinya di Word atau Google Docs."),
        "not_docx": _("Berkas ini bukan dokumen Word (.docx)."),
        "damaged": _("Dokumen ini rusak atau tidak dapat dibaca sebagai .docx. Buka di Word atau LibreOffice lalu "
                     "simpan ulang."),
        "too_many_parts": _("Dokumen ini terdiri atas terlalu banyak bagian (lebih dari %(n)d) untuk diproses.",
                            n=cfg["WORD_MAX_PARTS"]),
        "too_big_unpacked": _("Isi dokumen ini terlalu besar setelah dibuka (lebih dari %(limit)s). Kecilkan gambar "
                              "di dalamnya atau pisahkan dokumennya.",
                              limit=storage.format_size(cfg["WORD_MAX_UNPACKED_BYTES"])),
        "too_complex": _("Dokumen ini terlalu rumit untuk diproses dalam %(s)d detik. Simpan ulang tanpa gambar "
                         "yang sangat besar, atau salin teksnya ke kolom isi tulisan.", s=cfg["WORD_CONVERT_SECONDS"]),
    }
    message = messages.get(code, messages["damaged"])
    if code in ("doc", "odt", "rtf", "pdf", "not_docx", "macro", "damaged", "empty"):
        message = f"{message} {_save_as_docx()}"
    return message


# --- converting ---------------------------------------------------------------------------------------

@dataclass
class Picture:
    """One picture of the document: offered as a photo (``data``), or refused with the reason (``problem``)."""
    caption: str
    data: bytes | None = None
    problem: str = ""
    width: int = 0
    height: int = 0
    thumb: bytes | None = None  # a small JPEG for the review page, when the picture could be decoded

    @property
    def offered(self) -> bool:
        return self.data is not None


@dataclass
class Converted:
    markdown: str
    title: str = ""  # the document's own title (Word's Title style at its start), offered for the title field
    pictures: list[Picture] = field(default_factory=list)
    skipped_images: int = 0  # pictures after the first WORD_MAX_IMAGES, not read


def _limits() -> word_convert.Limits:
    cfg = current_app.config
    return word_convert.Limits(max_parts=cfg["WORD_MAX_PARTS"], max_unpacked_bytes=cfg["WORD_MAX_UNPACKED_BYTES"],
                               max_images=cfg["WORD_MAX_IMAGES"], max_image_bytes=cfg["PHOTO_MAX_BYTES"])


def _params() -> dict:
    cfg = current_app.config
    limits = _limits()
    return {
        "memory_bytes": cfg["WORD_CONVERT_MEMORY_BYTES"], "cpu_seconds": math.ceil(cfg["WORD_CONVERT_SECONDS"]),
        "max_bytes": cfg["WORD_MAX_BYTES"],
        "limits": {"max_parts": limits.max_parts, "max_unpacked_bytes": limits.max_unpacked_bytes,
                   "max_images": limits.max_images, "max_image_bytes": limits.max_image_bytes},
        # The pieces' own HTML policy; "h1" too, because a piece's Markdown "#" is shown as h2 (portal.text).
        "tags": sorted(ALLOWED_TAGS | {"h1"}),
        "attributes": {tag: sorted(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        "url_schemes": sorted(URL_SCHEMES),
    }


def convert_document(data: bytes) -> Converted:
    """Check and convert an uploaded Word document; raises ``WordImportError`` with the writer's message."""
    cfg = current_app.config
    if len(data) > cfg["WORD_MAX_BYTES"]:
        raise WordImportError(storage.too_large_message(len(data), cfg["WORD_MAX_BYTES"]))
    try:
        word_convert.inspect(data, _limits())
    except word_convert.Refused as exc:
        raise WordImportError(_message(exc.code)) from None
    result = _run_converter(data)
    if "refused" in result:
        raise WordImportError(_message(result["refused"]))
    pictures = [_check_picture(image) for image in result.get("images", [])]
    return Converted(markdown=str(result.get("markdown", "")), title=str(result.get("title") or "")[:250],
                     pictures=pictures,
                     skipped_images=int(result.get("skipped_images", 0)))


def _run_converter(data: bytes) -> dict:
    """``word_convert`` in its own process (isolated mode: no user site, no environment paths); killed after
    ``WORD_CONVERT_SECONDS``. A process that dies (memory limit) or says nothing usable: ``too_complex``."""
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-I", str(WORKER), json.dumps(_params())], input=data,
                              capture_output=True, timeout=current_app.config["WORD_CONVERT_SECONDS"],
                              env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
    except subprocess.TimeoutExpired:
        current_app.logger.warning("Word import: conversion stopped after %.1f s", time.monotonic() - started)
        return {"refused": "too_complex"}
    if done.returncode != 0:
        current_app.logger.warning("Word import: the converter ended with %s: %s", done.returncode,
                                   done.stderr[-500:].decode("utf-8", "replace"))
        return {"refused": "too_complex"}
    try:
        result = json.loads(done.stdout)
    except ValueError:
        return {"refused": "too_complex"}
    return result if isinstance(result, dict) else {"refused": "damaged"}


def _check_picture(image: dict) -> Picture:
    """A picture of the document through the photo rules; the reason when it cannot be a photo."""
    caption = str(image.get("caption") or "")[:300]
    if image.get("data") is None:
        limit = current_app.config["PHOTO_MAX_BYTES"]
        return Picture(caption=caption, problem=storage.too_large_message(int(image.get("size") or 0), limit))
    data = base64.b64decode(image["data"])
    try:
        decoded = photos.decode(data)
        picture = Picture(caption=caption, data=data)
    except photos.PhotoError as exc:
        picture = Picture(caption=caption, problem=str(exc))
        try:
            decoded = photos.decode(data, check_min_size=False)  # a small picture is still shown
        except photos.PhotoError:
            return picture
    picture.width, picture.height = decoded.size
    picture.thumb = _thumbnail(decoded)
    return picture


def _thumbnail(image: Image.Image) -> bytes:
    side = current_app.config["PHOTO_THUMB_LONG_SIDE"]
    small = image.copy()
    small.thumbnail((side, side), Image.Resampling.BICUBIC)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=80)
    return buf.getvalue()


# --- waiting for the review -----------------------------------------------------------------------------

@dataclass
class PendingImport:
    """A converted document waiting for its writer's review (``meta`` as stored)."""
    key: str
    meta: dict

    @property
    def markdown(self) -> str:
        return self.meta["markdown"]

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    @property
    def pictures(self) -> list[dict]:
        """``{"number", "caption", "offered", "problem", "width", "height", "thumb"}`` in document order."""
        return self.meta["pictures"]

    @property
    def filename(self) -> str:
        return self.meta.get("filename", "")

    @property
    def skipped_images(self) -> int:
        return self.meta.get("skipped_images", 0)

    def picture_path(self, number: int, part: str) -> Path:
        return storage.path_for("imports", self.key, f".{number}.{part}")


def _meta_path(key: str) -> Path:
    return storage.path_for("imports", key, ".json")


def keep_for_review(user, piece: Piece, converted: Converted, filename: str) -> PendingImport:
    """Store the converted document for ``user``'s review of ``piece``; nothing of the piece changes."""
    key = storage.new_key()
    pending = PendingImport(key, {
        "piece_id": piece.id, "user_id": user.id, "created": time.time(), "filename": (filename or "")[:120],
        "markdown": converted.markdown, "title": converted.title, "skipped_images": converted.skipped_images, "pictures": [],
    })
    written: list[Path] = []
    try:
        for number, picture in enumerate(converted.pictures, start=1):
            for part, payload in (("image", picture.data), ("thumb.jpg", picture.thumb)):
                if payload is not None:
                    path = pending.picture_path(number, part)
                    storage.write_atomic(path, payload)
                    written.append(path)
            pending.pictures.append({"number": number, "caption": picture.caption, "offered": picture.offered,
                                     "problem": picture.problem, "width": picture.width, "height": picture.height,
                                     "thumb": picture.thumb is not None})
        storage.write_atomic(_meta_path(key), json.dumps(pending.meta, ensure_ascii=False).encode("utf-8"))
    except BaseException:
        storage.remove_files(written)
        raise
    return pending


def load_pending(user, piece: Piece, key: str) -> PendingImport | None:
    """The import ``key`` of ``user`` for ``piece``; None when there is none (used, cancelled, stale, or not
    theirs: one answer, so a key says nothing about other writers' imports)."""
    try:
        path = _meta_path(key)
        meta = json.loads(path.read_bytes())
    except (ValueError, OSError):
        return None
    if meta.get("piece_id") != piece.id or meta.get("user_id") != user.id:
        return None
    if time.time() - float(meta.get("created", 0)) > current_app.config["WORD_IMPORT_MAX_AGE_SECONDS"]:
        discard(PendingImport(key, meta))
        return None
    return PendingImport(key, meta)


def discard(pending: PendingImport) -> None:
    """Forget an import (cancelled, used or stale): its files go, the piece is not touched."""
    parts = [pending.picture_path(p["number"], part) for p in pending.pictures for part in ("image", "thumb.jpg")]
    storage.remove_files([*parts, _meta_path(pending.key)])


# --- using it ---------------------------------------------------------------------------------------------

@dataclass
class Applied:
    words: int
    added: int
    refused: list[str]  # a message per chosen picture that could not be added


def apply_import(user, piece: Piece, pending: PendingImport, chosen: dict[int, str], *,
                 expected_version: int | None, use_title: bool = False) -> Applied:
    """Replace the piece's text with the imported Markdown (and its title with the document's, ``use_title``),
    then add the ``chosen`` pictures (number -> caption) as photos, each through ``operations.add_photo`` (count,
    size and piece-size rules). The text is saved first; a picture refused then is reported, not fatal. Raises
    ``VersionConflict`` (the draft changed since the review page was shown) or ``SubmissionError`` (a submitted
    piece) and then changes nothing."""
    fields = {"body_md": pending.markdown}
    if use_title and pending.title:
        fields["title"] = pending.title
    operations.save_draft(user, piece, fields, expected_version=expected_version)
    added, refused = 0, []
    offered = {p["number"]: p for p in pending.pictures if p["offered"]}
    for number in sorted(chosen):
        if number not in offered:
            continue
        try:
            data = pending.picture_path(number, "image").read_bytes()
            operations.add_photo(user, piece, data, chosen[number])
            added += 1
        except (SubmissionError, OSError) as exc:
            message = str(exc) if isinstance(exc, SubmissionError) else _("berkasnya sudah tidak tersedia.")
            refused.append(_("Gambar %(n)d: %(msg)s", n=number, msg=message))
    audit.record("piece_word_import", target=f"piece:{piece.id}",
                 detail=f"{pending.filename[:80]}: {added} photo(s)")
    db.session.commit()
    discard(pending)
    return Applied(words=word_count(pending.markdown), added=added, refused=refused)
