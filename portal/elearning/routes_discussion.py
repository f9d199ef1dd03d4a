"""Discussion on published pieces: comment, ask, reply, confirm, report, moderate; notifications."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import permissions as perm
from portal.elearning import bp, operations, queries, rules
from portal.elearning.forms import CommentForm, EmptyForm, ModerateForm, ReportForm
from portal.elearning.routes import render_piece
from portal.extensions import db, limiter
from portal.failures import refused_back_to
from portal.models.elearning import Comment
from portal.models.pieces import Piece


def _comment_limit() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


def _per_account() -> str:
    """Rate-limit key: the account, so people sharing one office connection do not block each other."""
    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr}"


def _published_or_404(piece_id: int) -> Piece:
    return queries.public_piece(piece_id) or abort(404)


def _comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    piece = db.session.get(Piece, comment.piece_id)
    if piece is None or piece.published_at is None:
        abort(404)
    return comment


def _back_to(piece_id: int, anchor: str | None = None):
    return redirect(url_for("elearning.piece", piece_id=piece_id, _anchor=anchor))


@bp.route("/tulisan/<int:piece_id>/komentar", methods=["POST"])
@limiter.limit(_comment_limit, key_func=_per_account, methods=["POST"])
@login_required
def comment(piece_id: int):
    piece = _published_or_404(piece_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_piece(piece, form, 400)
    try:
        parent_id = int(form.parent_id.data) if form.parent_id.data else None
    except ValueError:
        parent_id = None
    try:
        created = operations.add_comment(piece, current_user, form.body.data, form.kind.data or "comment",
                                         parent_id, rules.MAX_COMMENT_CHARS)
    except operations.DiscussionError as exc:
        form.body.errors.append(str(exc))
        return render_piece(piece, form, 400)
    flash(_("Terima kasih, komentar Anda sudah tampil."), "success")
    return _back_to(piece.id, f"komentar-{created.id}")


@bp.route("/tulisan/<int:piece_id>/konfirmasi", methods=["POST"])
@login_required
def confirm(piece_id: int):
    piece = _published_or_404(piece_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    operations.toggle_confirmation(piece, current_user)
    return _back_to(piece.id, "konfirmasi")


@bp.route("/komentar/<int:comment_id>/laporkan", methods=["POST"])
@login_required
def report_comment(comment_id: int):
    found = _comment_or_404(comment_id)
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400)
    operations.report_comment(found, current_user, form.reason.data or "")
    flash(_("Terima kasih, laporan Anda akan diperiksa pengelola data."), "success")
    return _back_to(found.piece_id, f"komentar-{found.id}")


@bp.route("/komentar/<int:comment_id>/moderasi", methods=["POST"])
@login_required
def moderate_comment(comment_id: int):
    found = _comment_or_404(comment_id)
    piece = db.session.get(Piece, found.piece_id)
    if not rules.can_moderate(current_user, piece):
        abort(403)
    form = ModerateForm()
    if not form.validate_on_submit() or form.action.data not in ("hide", "restore"):
        abort(400)
    back = (url_for("elearning.moderation") if request.form.get("next") == "moderation"
            else url_for("elearning.piece", piece_id=found.piece_id, _anchor=f"komentar-{found.id}"))
    refused_back_to(back)
    operations.moderate_comment(found, current_user, form.action.data == "hide", form.reason.data or "")
    flash(_("Komentar disembunyikan.") if form.action.data == "hide" else _("Komentar ditampilkan kembali."),
          "success")
    return redirect(back)


@bp.route("/moderasi")
@login_required
def moderation():
    if not perm.is_data_manager(current_user):
        abort(403)
    level, ids = perm.managed_scope(current_user)
    if level == "national":
        comments = queries.reported_comments(None, None)
    else:
        comments = queries.reported_comments(ids if level == "city" else set(), ids if level == "kmw" else set())
    return render_template("elearning/moderation.html", comments=comments)


@bp.route("/notifikasi")
def notifications():
    """The notifications moved to the portal's own centre (``/notifikasi``); an old bookmark still lands there."""
    return redirect(url_for("notifications.index"), 301)
