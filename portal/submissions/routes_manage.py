"""Data managers' deadline extensions, and the KMW experts' knowledge products."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal import cycle
from portal import permissions as perm
from portal.extensions import db
from portal.ids import int_arg
from portal.models.org import City, Kmw, Team, node_timezone
from portal.models.pieces import Extension, KnowledgeProduct
from portal.submissions import bp, knowledge, operations
from portal.submissions.forms import ExtensionForm, KnowledgeForm
from portal.submissions.web import read_upload
from portal.timeutil import now_utc, tz_label


def _scope_choices(user) -> list[SelectChoice]:
    """What this data manager may extend: teams and cities of their cities, or cities and KMWs above."""
    level, ids = perm.managed_scope(user)
    choices = []
    if level == "national":
        for kmw in db.session.scalars(db.select(Kmw).order_by(Kmw.code)):
            choices.append(SelectChoice(f"kmw:{kmw.id}", f"KMW {kmw.name}"))
        cities = db.session.scalars(db.select(City).order_by(City.name)).all()
    elif level == "kmw":
        for kmw in db.session.scalars(db.select(Kmw).where(Kmw.id.in_(ids)).order_by(Kmw.code)):
            choices.append(SelectChoice(f"kmw:{kmw.id}", f"KMW {kmw.name}"))
        cities = [c for kmw_id in ids for p in db.session.get(Kmw, kmw_id).provinces for c in p.cities]
    else:
        cities = db.session.scalars(db.select(City).where(City.id.in_(ids)).order_by(City.name)).all()
    for city in cities:
        choices.append(SelectChoice(f"city:{city.id}", _("Seluruh %(city)s", city=city.name)))
        if level != "national":
            choices += [SelectChoice(f"team:{t.id}", t.name) for t in city.teams]
    return choices


def _resolve(scope: str):
    kind, _sep, raw = scope.partition(":")
    model = {"team": Team, "city": City, "kmw": Kmw}.get(kind)
    obj = db.session.get(model, int(raw)) if model and raw.isdigit() else None
    if obj is None:
        abort(400)
    return kind, obj


@bp.route("/perpanjangan", methods=["GET", "POST"])
@login_required
def extensions():
    if not perm.is_data_manager(current_user):
        abort(403)
    form = ExtensionForm()
    form.scope.choices = _scope_choices(current_user)
    if form.validate_on_submit():
        kind, obj = _resolve(form.scope.data)
        tz = node_timezone(obj)
        until = form.until.data.replace(tzinfo=ZoneInfo(tz))
        try:
            operations.grant_extension(current_user, form.period.data, form.stage.data, until, form.reason.data,
                                       **{kind: obj})
        except PermissionError:
            abort(403)
        except operations.SubmissionError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Perpanjangan tercatat sampai %(when)s %(tz)s.", when=until.strftime("%d-%m-%Y %H.%M"),
                    tz=tz_label(tz)), "success")
            return redirect(url_for("submissions.extensions"))
    elif request.method == "GET":
        form.period.data = cycle.current_period(perm.home_timezone(current_user))
    recent = [e for e in db.session.scalars(db.select(Extension).order_by(Extension.granted_at.desc()).limit(200))
              if _visible_extension(e)][:50]
    level, ids = perm.managed_scope(current_user)
    kmws = db.session.scalars(db.select(Kmw).order_by(Kmw.code)).all() if level == "national" else \
        [db.session.get(Kmw, i) for i in sorted(ids)] if level == "kmw" else []
    return render_template("submissions/extensions.html", form=form, extensions=recent,
                           labels={c.value: c.label for c in form.scope.choices}, kmws=kmws)


def _visible_extension(ext: Extension) -> bool:
    if ext.team_id:
        return perm.can_manage_team(current_user, db.session.get(Team, ext.team_id))
    if ext.city_id:
        return perm.can_manage_city(current_user, db.session.get(City, ext.city_id))
    return perm.can_manage_kmw(current_user, ext.kmw_id)


@bp.route("/produk-pengetahuan", methods=["GET", "POST"])
@login_required
def knowledge_product():
    kmws = perm.expert_kmws(current_user)
    if not kmws:
        abort(403)
    kmw = kmws[0]
    year = now_utc().year
    product = knowledge.product_for(current_user, year)
    form = KnowledgeForm(obj=product) if request.method == "GET" else KnowledgeForm()
    if request.method == "GET":
        form.year.data = year
    error = None
    if form.validate_on_submit():
        upload = request.files.get("document")
        try:
            data = read_upload(upload, current_app.config["DOCUMENT_MAX_BYTES"]) if upload and upload.filename else None
            product = knowledge.save_knowledge_product(
                current_user, kmw, year, title=form.title.data, summary=form.summary.data or "",
                body_md=form.body_md.data or "", document=data, submit=request.form.get("action") == "submit")
        except knowledge.SubmissionError as exc:
            error = str(exc)
        else:
            flash(_("Produk pengetahuan terkirim.") if product.submitted_at else _("Draf tersimpan."), "success")
            return redirect(url_for("submissions.knowledge_product"))
    return render_template("submissions/knowledge.html", form=form, product=product, kmw=kmw, year=year,
                           error=error, limit_mb=current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)), \
        400 if error else 200


@bp.route("/produk-pengetahuan/<int:product_id>/dokumen")
@login_required
def knowledge_document(product_id: int):
    product = db.session.get(KnowledgeProduct, product_id)
    allowed = product is not None and (product.published_at is not None or product.author_id == current_user.id
                                       or perm.can_manage_kmw(current_user, product.kmw_id))
    if not allowed or not product.document_key:
        abort(404)
    response = send_file(knowledge.document_path(product), mimetype=product.document_type, as_attachment=True,
                         download_name=f"produk-pengetahuan-{product.year}-{product.id}.{product.document_ext}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/produk-pengetahuan/belum/<int:kmw_id>")
@login_required
def knowledge_missing(kmw_id: int):
    kmw = db.session.get(Kmw, kmw_id)
    if kmw is None or not perm.can_manage_kmw(current_user, kmw):
        abort(404)
    year = int_arg("tahun") or now_utc().year
    return render_template("submissions/knowledge_missing.html", kmw=kmw, year=year,
                           experts=knowledge.missing_knowledge_products(kmw.id, year))
