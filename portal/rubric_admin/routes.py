from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

import scoring
from portal.extensions import db
from portal.models.reviews import RubricVersion
from portal.permissions import require_admin
from portal.rubric_admin import bp
from portal.rubric_admin.forms import RubricForm
from portal.rubric_admin.operations import RubricRefused, activate, create_version
from portal.rubrics import shown_rubric


@bp.route("/")
@require_admin
def index():
    active = shown_rubric()  # a GET writes nothing: the default rubric is stored by the first POST that needs it
    versions = db.session.scalars(db.select(RubricVersion).order_by(RubricVersion.created_at.desc())).all()
    return render_template("rubric_admin/index.html", active=active, versions=versions)


@bp.route("/baru", methods=["GET", "POST"])
@require_admin
def new():
    form = RubricForm()
    if not form.is_submitted():
        _prefill(form, shown_rubric())
    refused: list[str] = []
    if form.validate_on_submit():
        rubric = scoring.Rubric(
            version=form.version.data.strip(), passing_grade=form.passing_grade.data, min_score=form.min_score.data,
            max_score=form.max_score.data,
            instruments=tuple(
                scoring.Instrument(code=i.code.data, name=i.name.data.strip(),
                                   description=(i.description.data or "").strip(), weight=i.weight.data)
                for i in (f.form for f in form.instruments)
            ),
        )
        try:
            version = create_version(rubric, by_id=current_user.id)
        except RubricRefused as exc:
            refused = exc.messages
        else:
            flash(_("Rubrik %(v)s tersimpan. Aktifkan agar dipakai panel yang dibuka berikutnya.", v=version.version),
                  "success")
            return redirect(url_for("rubric_admin.index"))
    return render_template("rubric_admin/new.html", form=form, refused=refused)


@bp.route("/<int:version_id>/aktifkan", methods=["POST"])
@require_admin
def make_active(version_id: int):
    version = db.get_or_404(RubricVersion, version_id)
    activate(version, by_id=current_user.id)
    flash(_("Rubrik %(v)s kini aktif untuk panel yang dibuka berikutnya.", v=version.version), "success")
    return redirect(url_for("rubric_admin.index"))


def _prefill(form: RubricForm, version: RubricVersion) -> None:
    form.version.data = ""
    form.passing_grade.data = version.passing_grade
    form.min_score.data = version.min_score
    form.max_score.data = version.max_score
    while len(form.instruments.entries):
        form.instruments.pop_entry()
    for instrument in version.instruments:
        form.instruments.append_entry({"code": instrument.code, "name": instrument.name,
                                       "description": instrument.description, "weight": instrument.weight})
