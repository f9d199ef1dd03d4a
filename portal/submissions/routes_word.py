"""Word import pages: upload a .docx from the piece form, review the converted text and pictures, use or cancel.

Plain forms (no JavaScript needed): the import button belongs to the piece form, so what the writer typed comes
along. A refused document shows the form again with what was typed and the reason; nothing is saved. A converted
one saves what was typed (as "Simpan draf" does) and opens the review page; only "use" changes the text.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import db
from portal.failures import refused_back_to
from portal.models.pieces import Piece, PieceStatus
from portal.storage import StorageUnavailable
from portal.submissions import bp, operations, word_import
from portal.submissions.forms import ActionForm, PieceForm
from portal.submissions.routes import _int, _render_edit, typed_fields
from portal.submissions.web import load_piece, read_upload
from portal.text import render_markdown, word_count


def _editable_piece(piece_id: int) -> Piece | None:
    """The piece for its own team's writer (else 404/403); None when it has been submitted (locked)."""
    piece = load_piece(piece_id, edit=True)
    if piece.status == PieceStatus.SUBMITTED:
        flash(_("Tulisan sudah dikirim. Tarik kembali dulu jika ingin mengubahnya."), "warning")
        return None
    return piece


def _pending_or_none(piece: Piece, key: str) -> word_import.PendingImport | None:
    pending = word_import.load_pending(current_user, piece, key)
    if pending is None:
        flash(_("Hasil impor ini sudah tidak tersedia (sudah dipakai, dibatalkan, atau lebih dari satu jam). "
                "Tulisan tidak berubah; unggah dokumennya lagi bila perlu."), "warning")
    return pending


@bp.route("/<int:piece_id>/impor-word", methods=["POST"])
@login_required
def word_upload(piece_id: int):
    piece = _editable_piece(piece_id)
    if piece is None:
        return redirect(url_for("submissions.view", piece_id=piece_id))
    form = PieceForm()
    if not form.validate_on_submit():
        return _render_edit(piece, form, status=400)
    upload = request.files.get("word_file")
    if not upload or not upload.filename:
        return _refused(piece, form, _("Pilih berkas .docx yang akan diimpor."))
    try:
        converted = word_import.convert_document(read_upload(upload, current_app.config["WORD_MAX_BYTES"]))
    except operations.SubmissionError as exc:  # the form comes back with what was typed; nothing saved
        return _refused(piece, form, str(exc))
    fields, captions = typed_fields(piece, form)
    try:
        operations.save_draft(current_user, piece, fields, expected_version=_int(form.version.data), captions=captions)
    except operations.VersionConflict as exc:
        db.session.rollback()
        return _render_edit(piece, form, conflict=str(exc), status=409)
    try:
        pending = word_import.keep_for_review(current_user, piece, converted, upload.filename)
    except StorageUnavailable as exc:  # the text typed is saved above; back to the form, not this POST-only address
        flash(exc.message, "error")
        return redirect(url_for("submissions.edit", piece_id=piece.id), code=303), {"Retry-After": "300"}
    return redirect(url_for("submissions.word_review", piece_id=piece.id, key=pending.key))


def _refused(piece: Piece, form: PieceForm, message: str):
    """The piece form again, as typed and unsaved, with the reason beside the Word upload (and a pointer on top)."""
    flash(_("Dokumen Word belum diimpor dan tulisan tidak berubah; alasannya ada di bagian \u201cImpor dari "
            "dokumen Word\u201d di bawah."), "error")
    return _render_edit(piece, form, word_error=message, status=400)


@bp.route("/<int:piece_id>/impor-word/<key>")
@login_required
def word_review(piece_id: int, key: str):
    piece = _editable_piece(piece_id)
    if piece is None:
        return redirect(url_for("submissions.view", piece_id=piece_id))
    pending = _pending_or_none(piece, key)
    if pending is None:
        return redirect(url_for("submissions.edit", piece_id=piece.id))
    free = max(0, current_app.config["PHOTOS_MAX"] - len(piece.photos))
    offered = [p["number"] for p in pending.pictures if p["offered"]]
    return render_template(
        "submissions/word_review.html", piece=piece, pending=pending, form=ActionForm(),
        preview=render_markdown(pending.markdown), words=word_count(pending.markdown),
        current_words=word_count(piece.body_md or ""), free_slots=free, checked=set(offered[:free]),
        photos_max=current_app.config["PHOTOS_MAX"], min_words=current_app.config["MIN_WORDS"],
    )


@bp.route("/<int:piece_id>/impor-word/<key>/gambar/<int:number>")
@login_required
def word_picture(piece_id: int, key: str, number: int):
    """The small preview of a picture of a pending import, for its writer only."""
    piece = load_piece(piece_id, edit=True)
    pending = word_import.load_pending(current_user, piece, key)
    if pending is None or not any(p["number"] == number and p["thumb"] for p in pending.pictures):
        abort(404)
    path = pending.picture_path(number, "thumb.jpg")
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:piece_id>/impor-word/<key>/pakai", methods=["POST"])
@login_required
def word_use(piece_id: int, key: str):
    piece = _editable_piece(piece_id)
    if piece is None:
        return redirect(url_for("submissions.view", piece_id=piece_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    pending = _pending_or_none(piece, key)
    if pending is None:
        return redirect(url_for("submissions.edit", piece_id=piece.id))
    chosen = {p["number"]: request.form.get(f"caption_{p['number']}", p["caption"])
              for p in pending.pictures if p["offered"] and request.form.get(f"use_{p['number']}")}
    refused_back_to(url_for("submissions.view", piece_id=piece.id))
    try:
        applied = word_import.apply_import(current_user, piece, pending, chosen,
                                           expected_version=_int(request.form.get("version")),
                                           use_title=bool(request.form.get("use_title")))
    except operations.VersionConflict:
        db.session.rollback()
        flash(_("Tulisan ini diubah di jendela atau perangkat lain sejak halaman ini dibuka; isinya belum diganti. "
                "Periksa lagi, lalu pakai hasil impor ini."), "error")
        return redirect(url_for("submissions.word_review", piece_id=piece.id, key=key))
    flash(_("Isi tulisan diganti dengan teks dari dokumen Word (%(words)d kata); %(n)d foto ditambahkan.",
            words=applied.words, n=applied.added), "success")
    for message in applied.refused:
        flash(message, "error")
    return redirect(url_for("submissions.edit", piece_id=piece.id))


@bp.route("/<int:piece_id>/impor-word/<key>/batal", methods=["POST"])
@login_required
def word_cancel(piece_id: int, key: str):
    piece = load_piece(piece_id, edit=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    pending = word_import.load_pending(current_user, piece, key)
    if pending is not None:
        word_import.discard(pending)
    flash(_("Impor dibatalkan. Tulisan tidak berubah."), "success")
    return redirect(url_for("submissions.edit", piece_id=piece.id))
