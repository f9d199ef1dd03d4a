"""Workshop nominations: the rounds (national data manager), each province's confirmation (its KMW's data
manager), the invitation letter and the participant list."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import ids
from portal.extensions import db
from portal.models.org import Province
from portal.models.rewards import NominationRound
from portal.rewards import bp, invitations, operations, queries, rules
from portal.rewards.forms import ConfirmForm, RoundForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rounds_page(form: RoundForm, status: int = 200):
    return render_template("rewards/rounds.html", rounds=queries.rounds(), form=form,
                           can_open=rules.can_open_round(current_user)), status


@bp.route("/nominasi/", methods=["GET", "POST"])
@login_required
def rounds():
    """The rounds; the national data manager opens a new one here."""
    if not rules.can_see_rounds(current_user):
        abort(403)
    form = RoundForm()
    if form.is_submitted():
        if not rules.can_open_round(current_user):
            abort(403)
        if form.validate():
            try:
                opened = operations.open_round(
                    current_user, year=form.year.data, semester=int(form.semester.data), quota=form.quota.data,
                    workshop_name=form.workshop_name.data, workshop_date=form.workshop_date.data,
                    workshop_place=form.workshop_place.data)
            except operations.RewardError as exc:
                db.session.rollback()
                form.year.errors = [*form.year.errors, exc.message]
            else:
                flash(_("Putaran nominasi dibuka. Data manager provinsi kini dapat mengonfirmasi utusannya."),
                      "success")
                return redirect(url_for("rewards.nomination_round", round_id=opened.id))
        return _rounds_page(form, 400)
    return _rounds_page(form)


def _round_or_404(round_id: int) -> NominationRound:
    if not rules.can_see_rounds(current_user):
        abort(403)
    return db.session.get(NominationRound, round_id) or abort(404)


def _round_page(nomination_round: NominationRound, forms: dict[int, ConfirmForm] | None = None, status: int = 200):
    provinces = queries.provinces_for(current_user)
    province_ids = [p.id for p in provinces]
    ranked = operations.proposal(nomination_round, province_ids)
    confirmed: dict[int, list] = {}
    for n in queries.nominations_of(nomination_round, province_ids):
        confirmed.setdefault(n.province_id, []).append(n)
    candidates = queries.candidates(ranked)
    forms = forms or {}
    for province in provinces:
        if province.id not in forms:  # a fresh form: what is confirmed, else the portal's proposal
            form = ConfirmForm(formdata=None)
            form.writers.data = [n.user_id for n in confirmed.get(province.id, [])] or \
                [c.user.id for c in candidates.get(province.id, []) if c.proposed]
            forms[province.id] = form
    return render_template("rewards/round.html", round=nomination_round, provinces=provinces,
                           candidates=candidates, confirmed=confirmed, forms=forms,
                           can_confirm={p.id: rules.can_confirm_for(current_user, p) for p in provinces}), status


@bp.route("/nominasi/<int:round_id>")
@login_required
def nomination_round(round_id: int):
    """A round: per province, the proposed writers and the confirmed delegates."""
    return _round_page(_round_or_404(round_id))


@bp.route("/nominasi/<int:round_id>/provinsi/<int:province_id>", methods=["POST"])
@login_required
def confirm(round_id: int, province_id: int):
    """Confirm (or replace, with a reason) a province's delegates, up to the round's quota."""
    nomination_round = _round_or_404(round_id)
    province = db.session.get(Province, province_id) or abort(404)
    if not rules.can_confirm_for(current_user, province):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.confirm_province(nomination_round, province, current_user, form.writers.data or [],
                                        form.reason.data or "")
        except operations.RewardError as exc:
            db.session.rollback()
            form.writers.errors = [*form.writers.errors, exc.message]
        else:
            flash(_("Utusan provinsi %(name)s dikonfirmasi.", name=province.name), "success")
            return redirect(url_for("rewards.nomination_round", round_id=nomination_round.id,
                                    _anchor=f"provinsi-{province.id}"))
    return _round_page(nomination_round, {province.id: form}, 400)


def _scope(nomination_round: NominationRound) -> tuple[list, str | None]:
    """The delegates a download holds: of one province (``?provinsi=``) or of every province the user follows."""
    provinces = queries.provinces_for(current_user)
    wanted = ids.int_arg("provinsi")
    if wanted:
        provinces = [p for p in provinces if p.id == wanted]
        if not provinces:
            abort(404)
    nominations = queries.nominations_of(nomination_round, [p.id for p in provinces])
    return nominations, provinces[0].name if wanted else None


@bp.route("/nominasi/<int:round_id>/undangan.pdf")
@login_required
def invitation_letter(round_id: int):
    nomination_round = _round_or_404(round_id)
    nominations, province_name = _scope(nomination_round)
    pdf = invitations.invitation_letter_pdf(nomination_round, nominations, province_name)
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{invitations.letter_filename(nomination_round)}"',
        "Cache-Control": "private, no-store"})


@bp.route("/nominasi/<int:round_id>/peserta.xlsx")
@login_required
def participants(round_id: int):
    nomination_round = _round_or_404(round_id)
    nominations, _province = _scope(nomination_round)
    data = invitations.participants_xlsx(nomination_round, nominations)
    return current_app.response_class(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{invitations.participants_filename(nomination_round)}"',
        "Cache-Control": "private, no-store"})
