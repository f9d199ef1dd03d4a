"""Thin views: parse the request, check permission (reports/rules.py), call one function, render."""

from __future__ import annotations

from numbers import Number

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from portal import cycle, permissions
from portal import jobs as portal_jobs
from portal.extensions import db
from portal.models import City, Kmw, Panel, Tier
from portal.models.jobs import JobState
from portal.models.org import node_timezone
from portal.period import Period
from portal.reports import bp, dashboard, exports, jobs, recaps, rules
from portal.reports.bundles import SCOPES, BundleSpec, safe_name
from portal.reports.followup import followup_recap
from portal.reports.forms import BundleForm, FilterForm, PeriodForm
from portal.reports.tracking import Scope, scope_of

FORMATS = ("xlsx", "csv", "pdf")


def _default_period(tz_name: str | None = None) -> Period:
    return cycle.current_period(tz_name or permissions.home_timezone(current_user))


def _period_arg() -> Period:
    """``?periode=`` or this month; a malformed value answers 400 with a message (exports have no form)."""
    value = (request.args.get("periode") or "").strip()
    if not value:
        return _default_period()
    if Period.parse(value) is None:
        abort(
            Response(
                _("Bulan tidak valid: tulis sebagai TTTT-BB, misalnya 2026-11."), 400, mimetype="text/plain"
            )
        )
    return Period(value)


def _recap_response(recap: recaps.Recap, fmt: str):
    renderers = {"xlsx": exports.to_xlsx, "csv": exports.to_csv, "pdf": exports.to_pdf}
    if fmt not in renderers:
        abort(404)
    response = Response(renderers[fmt](recap), mimetype=exports.MIME[fmt])
    response.headers.set(
        "Content-Disposition", "attachment", filename=f"{safe_name(recap.file_stem, 100)}.{fmt}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _showing(form, period: str):
    """The month field shows the month the page shows; a malformed entry stays in it, beside its error."""
    if not form.periode.errors:
        form.periode.data = period
    return form


def _dm_required() -> None:
    if not permissions.is_data_manager(current_user):
        abort(403)


def _filters(scope):
    """The dashboard filters from the query string; invalid values are shown as errors and ignored."""
    form = FilterForm(request.args)
    provinces = dashboard.provinces_in(scope)
    form.provinsi.choices = [SelectChoice(0, _("Semua provinsi"))] + [
        SelectChoice(p.id, p.name) for p in provinces
    ]
    valid = form.validate()
    period = form.periode.data if valid and form.periode.data else _default_period()
    province_id = form.provinsi.data if valid and form.provinsi.data else None
    tier = Tier(form.tingkat.data) if valid and form.tingkat.data else Tier.PROVINCE
    return _showing(form, period), period, scope.narrowed(province_id), tier


@bp.route("/")
@login_required
def index():
    _dm_required()
    scope = scope_of(current_user)
    form, period, narrowed, tier = _filters(scope)
    data = dashboard.build(narrowed, period, tier)
    return render_template(
        "reports/index.html",
        form=form,
        data=data,
        period=period,
        scope=scope,
        cities=dashboard.cities_in(narrowed),
        kmws=dashboard.kmws_in(scope),
        bundle_form=BundleForm(formdata=None, periode=period),
        chaired=dashboard.panels_chaired_by(current_user),
    )


@bp.route("/kepatuhan")
@bp.route("/kepatuhan/unduh/<fmt>")
@login_required
def obligations(fmt: str | None = None):
    _dm_required()
    form, period, narrowed, _tier = _filters(scope_of(current_user))
    if fmt is not None:
        return _recap_response(followup_recap(narrowed, period, dashboard.scope_label(narrowed)), fmt)
    data = dashboard.build(narrowed, period, Tier.PROVINCE)
    return render_template(
        "reports/obligations.html", form=form, data=data, period=period, province_id=narrowed.province_id
    )


@bp.route("/lampiran3/<int:city_id>")
@bp.route("/lampiran3/<int:city_id>/unduh/<fmt>")
@login_required
def lampiran3(city_id: int, fmt: str | None = None):
    city = db.get_or_404(City, city_id)
    if not rules.can_view_city_recap(current_user, city):
        abort(403)
    period = _period_arg()
    return _recap_page(recaps.lampiran3(city, period), fmt, period, "reports.lampiran3", "city", city.id)


# The recap names the KMW's provinces. Built once (db.get_or_404 with options builds its statement and cache key
# anew at each call: a tenth of the page).
_KMW_WITH_PROVINCES = select(Kmw).options(joinedload(Kmw.provinces)).where(Kmw.id == bindparam("kmw_id"))


@bp.route("/lampiran2/<int:kmw_id>")
@bp.route("/lampiran2/<int:kmw_id>/unduh/<fmt>")
@login_required
def lampiran2(kmw_id: int, fmt: str | None = None):
    kmw = db.session.execute(_KMW_WITH_PROVINCES, {"kmw_id": kmw_id}).unique().scalar_one_or_none() or abort(404)
    if not rules.can_view_kmw_recap(current_user, kmw):
        abort(403)
    period = _period_arg()
    return _recap_page(recaps.lampiran2(kmw, period), fmt, period, "reports.lampiran2", "kmw", kmw.id)


def _recap_page(recap, fmt: str | None, period: str, endpoint: str, scope: str, node_id: int):
    """A recap as a download (``fmt``) or as its page, with the month filter and the bundle form."""
    if fmt is not None:
        return _recap_response(recap, fmt)
    return render_template(
        "reports/recap.html",
        recap=recap,
        period=period,
        endpoint=endpoint,
        node_args={f"{scope}_id": node_id},
        bundle_scope=scope,
        node_id=node_id,
        bundle_form=BundleForm(formdata=None, periode=period),
        form=_showing(PeriodForm(request.args), period),
    )


@bp.route("/paket", methods=["POST"])
@login_required
def start_bundle():
    form = BundleForm()
    if not form.validate_on_submit() or form.cakupan.data not in SCOPES:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        if not form.errors:
            flash(_("Permintaan paket tidak lengkap; pilih paket dari halaman rekap."), "error")
        return redirect(url_for("reports.index"))
    node = _bundle_node(form.cakupan.data, form.simpul.data)
    spec = BundleSpec(form.cakupan.data, node.id if node else None, form.periode.data, form.isi.data)
    job_key = jobs.start_bundle_job(current_user.id, spec)
    return redirect(url_for("reports.bundle_status", job_id=job_key))


def _bundle_node(scope: str, node_id: int | None) -> City | Kmw | None:
    """The city or KMW of a bundle (404 if it does not exist), after checking that the user may build it."""
    node = None
    if scope in ("city", "kmw"):
        node = db.session.get(City if scope == "city" else Kmw, node_id or 0)
        if node is None:
            abort(404)
    if not rules.can_build_bundle(current_user, scope, node):
        abort(403)
    return node


@bp.route("/paket/<job_id>")
@login_required
def bundle_status(job_id: str):
    job = jobs.status_for(current_user, job_id)
    if job is None:
        abort(404)
    return render_template(
        "reports/bundle_status.html",
        job=job,
        job_id=job_id,
        waiting=portal_jobs.waiting_for_a_consumer(job),
        max_attempts=portal_jobs.max_attempts(),
        kept_until=portal_jobs.kept_until(job),
    )


@bp.route("/paket/<job_id>/unduh")
@login_required
def bundle_download(job_id: str):
    job = jobs.status_for(current_user, job_id)
    path = jobs.zip_path(job) if job else None
    if path is None:
        abort(404)
    return send_file(
        path, mimetype="application/zip", as_attachment=True, download_name=job.result_name, max_age=0
    )


@bp.route("/paket/<job_id>/ulang", methods=["POST"])
@login_required
def bundle_retry(job_id: str):
    """A failed bundle asked for again: a new job with the same parameters (the permission checked anew)."""
    job = jobs.status_for(current_user, job_id)
    if job is None:
        abort(404)
    if job.state != JobState.FAILED:
        return redirect(url_for("reports.bundle_status", job_id=job_id))
    spec = jobs.spec_of(job)
    _bundle_node(spec.scope, spec.node_id)
    return redirect(url_for("reports.bundle_status", job_id=jobs.start_bundle_job(current_user.id, spec)))


@bp.route("/panel/<int:panel_id>/kalibrasi")
@login_required
def calibration(panel_id: int):
    panel = db.get_or_404(Panel, panel_id)
    if not rules.may_know_panel(current_user, panel):
        abort(404)
    if not rules.can_see_calibration(current_user, panel):
        abort(403)
    return render_template("reports/calibration.html", panel=panel, table=dashboard.calibration(panel))


@bp.route("/kemajuan")
def progress_index():
    return render_template("reports/progress_index.html", kmws=dashboard.kmws_in(Scope("national"), with_provinces=True))


@bp.route("/kemajuan/<int:kmw_id>")
def progress(kmw_id: int):
    kmw = db.get_or_404(Kmw, kmw_id)
    form = PeriodForm(request.args)
    tz = node_timezone(kmw)
    period = form.periode.data if form.validate() and form.periode.data else cycle.current_period(tz)
    data = dashboard.build(Scope("kmw", frozenset({kmw.id})), period, Tier.PROVINCE, with_contacts=False)
    return render_template(
        "reports/progress.html", kmw=kmw, label=recaps.kmw_label(kmw), data=data, period=period,
        form=_showing(form, period),
    )


@bp.app_template_filter("recap_number")
def recap_number(value) -> str:
    """A recap cell for the page: blanks stay blank, decimals use the comma, like the exports."""
    return exports.cell_text(value)


@bp.app_template_filter("recap_rows")
def recap_rows(frame) -> Markup:
    """A recap section's table rows: ``<tr><td class="num">712,5</td><td>Kota Semarang</td></tr>``, each cell
    ``recap_number`` (escaped), numbers marked ``num``. A KMW's Lampiran 2 has hundreds of cells, too many for a
    template loop per cell (a third of the page); plain tuples, not pandas' named ones."""
    cell = exports.cell_text
    return Markup("".join([
        "<tr>%s</tr>" % "".join([('<td class="num">%s</td>' if isinstance(v, Number) else "<td>%s</td>")
                                 % escape(cell(v)) for v in row])
        for row in frame.itertuples(index=False, name=None)]))
