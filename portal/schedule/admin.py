"""The administrators' list of scheduled runs (``/admin/langkah-terjadwal``): filter, page, run a failed one again."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.ids import page_arg
from portal.models.org import NATIONAL_TIMEZONE, City, Kmw, Province, node_timezone
from portal.models.schedule import RunState
from portal.period import Period
from portal.permissions import require_admin
from portal.schedule import operations
from portal.schedule.steps import label as step_label

bp = Blueprint("schedule_admin", __name__, url_prefix="/admin/langkah-terjadwal")

STATE_LABELS = {
    RunState.RUNNING: _l("berjalan"),
    RunState.DONE: _l("selesai"),
    RunState.SKIPPED: _l("dilewati (sudah tidak berguna)"),
    RunState.FAILED: _l("gagal"),
}
COUNT_LABELS = {
    "messages": _l("pesan"),
    "teams": _l("tim"),
    "entries": _l("tulisan masuk panel"),
    "members": _l("anggota panel"),
    "open_panels": _l("panel belum diputuskan"),
}


class RunAgainForm(FlaskForm):
    """Only the CSRF token."""


def _nodes(runs) -> tuple[dict, dict]:
    """The names and time zones of the runs' nodes (a due time is shown in its node's local time): one query
    per kind of node on the page."""
    names: dict[tuple[str, int], str] = {("national", 0): "KMP"}
    zones: dict[tuple[str, int], str] = {("national", 0): NATIONAL_TIMEZONE}
    city_ids = {r.node_id for r in runs if r.node_kind == "city"}
    if city_ids:
        for cid, name, tz in db.session.execute(select(City.id, City.name, Province.timezone).join(Province)
                                                .where(City.id.in_(city_ids))):
            names[("city", cid)], zones[("city", cid)] = name, tz
    kmw_ids = {r.node_id for r in runs if r.node_kind == "kmw"}
    if kmw_ids:
        for kmw in db.session.scalars(select(Kmw).where(Kmw.id.in_(kmw_ids)).options(selectinload(Kmw.provinces))):
            names[("kmw", kmw.id)], zones[("kmw", kmw.id)] = kmw.name, node_timezone(kmw)
    return names, zones


def _counts(counts: dict) -> str:
    return ", ".join(f"{value} {COUNT_LABELS[key]}" for key, value in counts.items() if key in COUNT_LABELS)


@bp.route("/")
@require_admin
def index():
    chosen_state = request.args.get("status", "")
    state = next((s for s in RunState if s.value == chosen_state), None)
    typed_month = (request.args.get("bulan") or "").strip()
    period = Period.parse(typed_month) if typed_month else None
    month_error = _("Tulis bulan sebagai TTTT-BB, misalnya 2026-11.") if typed_month and period is None else ""
    pagination = operations.list_runs(state, period, page_arg("hal"))
    names, zones = _nodes(pagination.items)
    return render_template("schedule_admin/index.html", pagination=pagination, state=state, typed_month=typed_month,
                           month_error=month_error, state_labels=STATE_LABELS, step_label=step_label,
                           names=names, zones=zones, counts=_counts, form=RunAgainForm())


@bp.route("/<int:run_id>/jalankan-ulang", methods=["POST"])
@require_admin
def run_again(run_id: int):
    if not RunAgainForm().validate_on_submit():
        abort(400)
    try:
        operations.run_again(run_id, current_user)
    except operations.ScheduleError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Langkah dijadwalkan ulang; konsumen antrean menjalankannya dalam satu menit."), "success")
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/admin/langkah")
                    else url_for("schedule_admin.index"))
