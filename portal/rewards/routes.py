"""Certificates (download, public verification) and the national data manager's award page (correct, revoke)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.elearning.web import cached
from portal.extensions import db
from portal.mail.outbox import portal_url
from portal.models.elearning import Award
from portal.page_cache import public_page
from portal.rewards import bp, certificate_pdf, certificates, operations, queries, rules
from portal.rewards.forms import AwardCorrectionForm, AwardRevokeForm

MAX_NUMBER_CHARS = 60


def verification_link(number: str) -> str:
    """The absolute link printed on a certificate and in its QR code (``PORTAL_BASE_URL``)."""
    return portal_url("rewards.verify", number=number)


@bp.route("/sertifikat/")
@public_page
def verify_form():
    """Type a certificate's number to check it."""
    number = request.args.get("nomor", "")[:MAX_NUMBER_CHARS].strip()
    if number:
        return redirect(url_for("rewards.verify", number=number.upper()))
    return cached(render_template("rewards/verify.html", certificate=None, number="", asked=False))


@bp.route("/sertifikat/<string(maxlength=60):number>")
@public_page
def verify(number: str):
    """Whether a certificate is genuine, and whether it still stands (public, no sign-in)."""
    certificate = certificates.lookup(number)
    history = []
    if certificate is not None and certificate.award is not None and certificate.state != "valid":
        history = [e for e in queries.award_history(certificate.award) if e.action != "award_recorded"]
    body = render_template("rewards/verify.html", certificate=certificate, number=number, asked=True,
                           history=history)
    return cached(body, 200 if certificate is not None else 404)


@bp.route("/sertifikat/<string(maxlength=60):number>/unduh")
@login_required
def certificate_download(number: str):
    """The certificate's PDF, for the piece's team and the national data manager; only a standing one."""
    certificate = certificates.lookup(number)
    if certificate is None or certificate.state != "valid":
        abort(404)
    if not rules.can_download_certificates(current_user, certificate.piece):
        abort(403)
    pdf = certificate_pdf.certificate_pdf(certificate, verification_link(certificate.number))
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certificate_pdf.certificate_filename(certificate)}"',
        "Cache-Control": "private, no-store"})


def _award_or_404(award_id: int) -> Award:
    award = db.session.get(Award, award_id) or abort(404)
    if not rules.can_manage_awards(current_user):
        abort(403)
    return award


def _award_page(award: Award, correction: AwardCorrectionForm | None = None,
                revoke: AwardRevokeForm | None = None, status: int = 200):
    if correction is None:
        correction = AwardCorrectionForm(obj=award, formdata=None)
        correction.reason.data = ""
    number = certificates.award_number(award)
    return render_template("rewards/award.html", award=award, piece=award.piece, correction=correction,
                           revoke=revoke or AwardRevokeForm(formdata=None), history=queries.award_history(award),
                           number=number), status


@bp.route("/penghargaan/<int:award_id>")
@login_required
def award(award_id: int):
    """An award, its certificate and its history; the forms to correct or revoke it."""
    return _award_page(_award_or_404(award_id))


@bp.route("/penghargaan/<int:award_id>/koreksi", methods=["POST"])
@login_required
def award_correct(award_id: int):
    award = _award_or_404(award_id)
    form = AwardCorrectionForm()
    if form.validate_on_submit():
        try:
            operations.correct_award(award, current_user, title=form.title.data,
                                     description=form.description.data or "",
                                     recipient_name=form.recipient_name.data or "", reason=form.reason.data)
        except operations.RewardError as exc:
            db.session.rollback()
            form.reason.errors.append(exc.message)
        else:
            flash(_("Penghargaan dikoreksi. Piagam sebelumnya kini tercatat sebagai sudah dikoreksi."), "success")
            return redirect(url_for("rewards.award", award_id=award.id))
    return _award_page(award, correction=form, status=400)


@bp.route("/penghargaan/<int:award_id>/cabut", methods=["POST"])
@login_required
def award_revoke(award_id: int):
    award = _award_or_404(award_id)
    form = AwardRevokeForm()
    if form.validate_on_submit():
        try:
            operations.revoke_award(award, current_user, form.revoke_reason.data)
        except operations.RewardError as exc:
            db.session.rollback()
            form.revoke_reason.errors.append(exc.message)
        else:
            flash(_("Penghargaan dicabut. Piagamnya kini tercatat sebagai dicabut."), "success")
            return redirect(url_for("rewards.award", award_id=award.id))
    return _award_page(award, revoke=form, status=400)
