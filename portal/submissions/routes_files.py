"""Serving stored photos and media, and the JSON endpoints the page's JavaScript uses on slow connections."""
from __future__ import annotations

from flask import abort, current_app, jsonify, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import permissions as perm
from portal import photos
from portal.extensions import db
from portal.failures import json_endpoint
from portal.models.pieces import Photo
from portal.submissions import bp, operations
from portal.submissions.requirements import check_requirements
from portal.submissions.web import load_piece, read_upload
from portal.text import render_markdown, word_count


def _cache_headers(response, published: bool):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=86400" if published else "private, max-age=3600"
    if not published:
        response.headers["Vary"] = "Cookie"
    return response


@bp.route("/foto/<int:photo_id>/<variant>")
def photo(photo_id: int, variant: str):
    """A stored photo variant (``original``, ``display``, ``phone``, ``thumb``) for whoever may see the piece."""
    item = db.session.get(Photo, photo_id)
    if item is None or variant not in photos.VARIANTS or not perm.can_view_piece(current_user, item.piece):
        abort(404)
    path = photos.photo_path(item.storage_key, variant)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=photos.CONTENT_TYPE, conditional=True, etag=True)
    return _cache_headers(response, item.piece.published_at is not None)


@bp.route("/foto/<int:photo_id>/<variant>.webp")
def photo_webp(photo_id: int, variant: str):
    """The WebP copy of a variant (``display``, ``phone``, ``thumb``), for the same readers as the JPEG; made on its
    first request (portal/photos.py)."""
    item = db.session.get(Photo, photo_id)
    if item is None or variant not in photos.WEBP_VARIANTS or not perm.can_view_piece(current_user, item.piece):
        abort(404)
    path = photos.webp_variant(item.storage_key, variant)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=photos.WEBP_CONTENT_TYPE, conditional=True, etag=True)
    return _cache_headers(response, item.piece.published_at is not None)


@bp.route("/<int:piece_id>/media")
def media(piece_id: int):
    piece = load_piece(piece_id)
    if piece.media is None:
        abort(404)
    path = operations.media_path(piece.media)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=piece.media.content_type, conditional=True,
                         download_name=f"karya-{piece.id}.{piece.media.extension}")
    return _cache_headers(response, piece.published_at is not None)


def photo_json(item: Photo) -> dict:
    return {"id": item.id, "caption": item.caption, "width": item.width, "height": item.height,
            "thumb": url_for("submissions.photo", photo_id=item.id, variant="thumb")}


@bp.route("/<int:piece_id>/foto", methods=["POST"])
@login_required
@json_endpoint
def upload_photo(piece_id: int):
    """One photo per request (XMLHttpRequest with progress); answers JSON."""
    piece = load_piece(piece_id, edit=True)
    upload = request.files.get("photo")
    if not upload or not upload.filename:
        return jsonify(error=_("Pilih foto yang akan diunggah.")), 400
    item = operations.add_photo(current_user, piece, read_upload(upload, current_app.config["PHOTO_MAX_BYTES"]),
                                request.form.get("caption", ""))
    return jsonify(photo=photo_json(item), count=len(piece.photos))


@bp.route("/<int:piece_id>/simpan", methods=["POST"])
@login_required
@json_endpoint
def autosave(piece_id: int):
    """Autosave of the text (JSON in, JSON out). A refusal answers ``{"error": ...}`` (portal/failures.py): 409
    with ``conflict`` when another window saved first, and the page keeps the text."""
    piece = load_piece(piece_id, edit=True)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error=_("Data tidak terbaca.")), 400
    fields = {k: str(data[k]) for k in operations.TEXT_FIELDS if isinstance(data.get(k), str)}
    if data.get("form") in {f.value for f in operations.PieceForm}:
        fields["form"] = data["form"]
    captions = {}
    for key, value in (data.get("captions") or {}).items():
        if str(key).isdigit() and isinstance(value, str):
            captions[int(key)] = value
    try:
        version = int(data.get("version"))
    except (TypeError, ValueError):
        return jsonify(error=_("Versi tulisan tidak diketahui; muat ulang halaman.")), 400
    operations.save_draft(current_user, piece, fields, expected_version=version, captions=captions)
    return jsonify(version=piece.version, period=piece.period, moved_from=piece.moved_from_period,
                   words=word_count(piece.body_md),
                   missing=[{"code": m.code, "message": m.message} for m in check_requirements(piece)])


@bp.route("/pratinjau", methods=["POST"])
@login_required
@json_endpoint
def preview():
    """Live preview for the JavaScript editor: the same rendering readers get."""
    if not (perm.writes_for_a_team(current_user) or perm.is_kmw_expert(current_user)):
        abort(403)
    text = request.form.get("body_md", "")
    return jsonify(html=str(render_markdown(text)), words=word_count(text))
