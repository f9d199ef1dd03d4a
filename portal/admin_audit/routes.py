"""Thin views: parse the filter, check the administrator, query, render."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.admin_audit import bp
from portal.admin_audit.forms import AuditFilterForm, action_label, count_label
from portal.admin_audit.queries import AuditFilter, known_actions, search_audit
from portal.ids import page_arg
from portal.permissions import home_timezone, require_admin
from portal.timeutil import tz_label


@bp.route("/")
@require_admin
def index():
    form = AuditFilterForm(request.args)
    actions = known_actions()
    form.action.choices = [SelectChoice("", _("Semua"))] + [SelectChoice(a, action_label(a)) for a in actions]
    valid = form.validate() if request.args else True
    tz_name = home_timezone(current_user)

    def clean(field):
        return None if field.errors else field.data

    chosen = AuditFilter(
        action=(form.action.data or "") if not form.action.errors else "",
        user=(clean(form.user) or "").strip(),
        date_from=clean(form.date_from),
        date_to=clean(form.date_to),
        tz_name=tz_name,
    )
    page = page_arg("halaman")
    result = search_audit(chosen, page)
    args = {k: v for k, v in request.args.items() if k != "halaman" and v}
    return render_template("admin_audit/index.html", form=form, result=result, valid=valid, args=args,
                           action_label=action_label, count_label=count_label, tz_name=tz_name,
                           tz_label=tz_label(tz_name))
