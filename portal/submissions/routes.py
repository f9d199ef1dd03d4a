"""Writer pages: the home of a team's month, the piece form (works without JavaScript), submit and withdraw."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import permissions as perm
from portal import tiers
from portal.extensions import db
from portal.failures import refused_back_to
from portal.i18n import current_locale
from portal.ids import int_arg
from portal.models.org import Team
from portal.models.pieces import Piece, PieceStatus
from portal.panels.rules import receiving_panel_key
from portal.rewards import certificates
from portal.submissions import bp, operations, queries
from portal.submissions.field_texts import field_texts
from portal.submissions.forms import ActionForm, PieceForm
from portal.submissions.requirements import browser_checks, check_requirements
from portal.submissions.web import load_piece, read_upload
from portal.text import render_markdown, word_count


@bp.route("/")
@login_required
def home():
    teams = queries.writer_teams(current_user)  # from the signed-in person's roles
    kmws = perm.expert_kmws(current_user)
    if not teams and not kmws:
        if perm.is_data_manager(current_user):
            return redirect(url_for("submissions.extensions"))
        abort(403)
    if not teams:
        return _expert_home(kmws)
    team = _chosen_team(teams)
    months = operations.load_team_months(team)
    if operations.roll_over_late_drafts(team, months=months):
        months = operations.load_team_months(team)  # a late draft moved to the month being written
    status = queries.month_status(team, months=months)
    returned = status.piece is not None and status.piece.status == PieceStatus.RETURNED
    journeys = queries.earlier_pieces(months, status.period)
    return render_template(
        "submissions/home.html", team=team, teams=teams, status=status, action_form=ActionForm(),
        journeys=journeys, kmws=kmws, reasons=queries.return_reasons(status.piece) if returned else "",
        earlier_reasons=queries.return_reasons_for([j.piece for j in journeys if j.piece.status == PieceStatus.RETURNED]),
    )


def _chosen_team(teams: list[Team]) -> Team:
    wanted = int_arg("tim")
    for team in teams:
        if team.id == wanted:
            return team
    if wanted is not None:
        abort(404)
    return teams[0]


def _expert_home(kmws):
    """A KMW expert writes a yearly knowledge product instead of a monthly piece."""
    return redirect(url_for("submissions.knowledge_product"))


@bp.route("/mulai/<int:team_id>", methods=["POST"])
@login_required
def start(team_id: int):
    team = db.session.get(Team, team_id)
    if team is None or not perm.can_write_for_team(current_user, team):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        piece = operations.start_piece(current_user, team)
    except operations.ExistingPiece as exc:
        flash(str(exc), "warning")
        return redirect(url_for("submissions.edit", piece_id=exc.piece.id))
    return redirect(url_for("submissions.edit", piece_id=piece.id))


@bp.route("/<int:piece_id>", methods=["GET", "POST"])
@login_required
def edit(piece_id: int):
    piece = load_piece(piece_id, edit=True)
    if piece.status == PieceStatus.SUBMITTED:
        return redirect(url_for("submissions.view", piece_id=piece.id))
    if request.method == "GET":
        operations.roll_over_late_drafts(piece.team)  # first: a draft that moves gets a new version
        form = PieceForm(obj=piece)
        form.form.data = piece.form.value
        form.version.data = piece.version
        return _render_edit(piece, form)
    form = PieceForm()
    return _handle_post(piece, form)


def _handle_post(piece: Piece, form: PieceForm):
    action = request.form.get("action", "save")
    if not form.validate_on_submit():
        return _render_edit(piece, form, status=400)
    fields, captions = typed_fields(piece, form)
    refused_back_to(url_for("submissions.view", piece_id=piece.id))
    try:
        operations.save_draft(current_user, piece, fields, expected_version=_int(form.version.data), captions=captions)
    except operations.VersionConflict as exc:  # the form comes back with the text the writer typed
        db.session.rollback()
        return _render_edit(piece, form, conflict=str(exc), photo_errors=_save_uploads(piece), status=409)
    form.version.data = piece.version
    photo_errors = _save_uploads(piece)
    if action.startswith("delete:"):
        _delete_photo(piece, _int(action[7:]))
    if photo_errors:
        return _render_edit(piece, form, photo_errors=photo_errors, status=400)
    if action == "preview":
        return _render_edit(piece, form, preview=render_markdown(piece.body_md))
    if action == "submit":
        try:
            operations.submit_piece(current_user, piece, confirmed_period=request.form.get("destination") or None)
        except operations.RequirementsNotMet as exc:
            return _render_edit(piece, form, missing=exc.missing, status=400)
        except operations.SubmissionError as exc:
            return _render_edit(piece, form, error=str(exc), status=400)
        flash(_("Tulisan terkirim ke %(panel)s untuk penilaian %(month)s. Anda masih dapat menariknya kembali "
                "sebelum batas waktu.", panel=receiving_panel_label(piece.team), month=piece.period.label(current_locale())),
              "success")
        return redirect(url_for("submissions.home", tim=piece.team_id))
    flash(_("Draf tersimpan."), "success")
    return redirect(url_for("submissions.edit", piece_id=piece.id))


def typed_fields(piece: Piece, form: PieceForm) -> tuple[dict, dict[int, str]]:
    """What the writer typed in the piece form: the text fields and the captions of the stored photos."""
    captions = {p.id: request.form.get(f"caption_{p.id}", p.caption) for p in piece.photos}
    fields = {name: getattr(form, name).data for name in operations.TEXT_FIELDS}
    fields["form"] = form.form.data
    return fields, captions


def receiving_panel_label(team) -> str:
    tier, _key = receiving_panel_key(team)
    return str(tiers.policy(tier).receiver)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _save_uploads(piece: Piece) -> dict[str, str]:
    """Each photo on its own (the text is already saved): a bad one is reported and the others kept."""
    errors: dict[str, str] = {}
    limit = current_app.config["PHOTO_MAX_BYTES"]
    for i in range(1, current_app.config["PHOTOS_MAX"] + 1):
        upload = request.files.get(f"photo_{i}")
        if not upload or not upload.filename:
            continue
        try:
            operations.add_photo(current_user, piece, read_upload(upload, limit), request.form.get(f"new_caption_{i}", ""))
        except operations.SubmissionError as exc:
            errors[f"photo_{i}"] = _("Foto \u201c%(name)s\u201d: %(msg)s", name=upload.filename[:80], msg=str(exc))
    upload = request.files.get("media")
    if upload and upload.filename:
        try:
            operations.attach_media(current_user, piece, read_upload(upload, current_app.config["MEDIA_MAX_BYTES"]))
        except operations.SubmissionError as exc:
            errors["media"] = str(exc)
    return errors


def _delete_photo(piece: Piece, photo_id: int | None) -> None:
    photo = next((p for p in piece.photos if p.id == photo_id), None)
    if photo is not None:
        operations.delete_photo(current_user, photo)
        flash(_("Foto dihapus."), "success")


def _render_edit(piece: Piece, form: PieceForm, *, status: int = 200, **extra):
    cfg = current_app.config
    limits = {"photo_mb": cfg["PHOTO_MAX_BYTES"] // (1024 * 1024), "media_mb": cfg["MEDIA_MAX_BYTES"] // (1024 * 1024),
              "piece_mb": cfg["PIECE_MAX_BYTES"] // (1024 * 1024), "request_mb": cfg["MAX_CONTENT_LENGTH"] // (1024 * 1024),
              "photos_min": cfg["PHOTOS_MIN"], "photos_max": cfg["PHOTOS_MAX"], "min_words": cfg["MIN_WORDS"],
              "min_short": cfg["PHOTO_MIN_SHORT_SIDE"], "min_long": cfg["PHOTO_MIN_LONG_SIDE"],
              "media_minutes": cfg["MEDIA_MIN_SECONDS"] // 60}
    status_info = queries.month_status(piece.team)
    extra.setdefault("photo_errors", {})
    # Refused photos come back first in the empty slots, with what was typed as their caption.
    failed = [(request.form.get(f"new_caption_{k[6:]}", ""), msg) for k, msg in extra["photo_errors"].items()
              if k.startswith("photo_")]
    extra["failed_slots"] = failed
    return render_template(
        "submissions/edit.html", piece=piece, form=form, limits=limits, status_info=status_info,
        destination=operations.destination(piece), destination_panel=receiving_panel_label(piece.team),
        open_missing=check_requirements(piece), checks=browser_checks(piece), words=word_count(form.body_md.data or ""),
        free_slots=max(0, cfg["PHOTOS_MAX"] - len(piece.photos)), field_texts=field_texts(), **extra,
    ), status


@bp.route("/<int:piece_id>/lihat")
def view(piece_id: int):
    piece = load_piece(piece_id)
    editable = perm.can_edit_piece(current_user, piece)
    return render_template("submissions/view.html", piece=piece, editable=editable, action_form=ActionForm(),
                           certificates=certificates.downloadable(current_user, piece),
                           writing_open=editable and operations.is_writing_open(piece),
                           reasons=queries.return_reasons(piece) if editable else "")


@bp.route("/<int:piece_id>/tarik", methods=["POST"])
@login_required
def withdraw(piece_id: int):
    piece = load_piece(piece_id, edit=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    refused_back_to(url_for("submissions.view", piece_id=piece.id))
    operations.withdraw_piece(current_user, piece)
    flash(_("Tulisan ditarik kembali menjadi draf. Kirim lagi sebelum batas waktu."), "success")
    return redirect(url_for("submissions.edit", piece_id=piece.id))
