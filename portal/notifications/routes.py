"""The notification centre (``/notifikasi``) and the preferences page (``/akun/pemberitahuan``).

Every page is the signed-in user's own: another user's notification answers 404, as a missing one does.
Writes are POST with the CSRF token; marking read again changes nothing.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.extensions import db
from portal.ids import page_arg
from portal.mail import categories
from portal.mail import operations as mail_ops
from portal.models.mail import DeliveryMode
from portal.notifications import bp, operations


class ActionForm(FlaskForm):
    """Only the CSRF token (mark read, mark all read)."""


def _modes():
    labels = {DeliveryMode.NOW: (_("Segera"), _("Surel dikirim saat itu juga.")),
              DeliveryMode.DIGEST: (_("Ringkasan harian"), _("Satu surel sehari berisi semua pemberitahuan hari "
                                                             "itu.")),
              DeliveryMode.PORTAL: (_("Hanya di portal"), _("Tanpa surel; lihat di menu Notifikasi."))}
    return [(mode, *labels[mode]) for mode in DeliveryMode]


@bp.app_template_global()
def unread_notification_count() -> int:
    """For templates (the header reads the same count through portal.header)."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return operations.unread_count(current_user.id)


@bp.route("/notifikasi")
@login_required
def index():
    result = operations.page_of(current_user.id, page_arg("halaman"))
    return render_template("notifications/index.html", result=result, form=ActionForm(),
                           label=categories.label)


def _own_or_404(notification_id: int):
    found = operations.own_notification(current_user, notification_id)
    if found is None:
        abort(404)
    return found


def _back() -> str:
    page = request.form.get("halaman", "")
    return url_for("notifications.index", halaman=page) if page.isdigit() and page != "1" else \
        url_for("notifications.index")


@bp.route("/notifikasi/<int:notification_id>/baca", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    found = _own_or_404(notification_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    operations.mark_read(found)
    return redirect(_back())


@bp.route("/notifikasi/baca-semua", methods=["POST"])
@login_required
def mark_all_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    count = operations.mark_all_read(current_user)
    if count:
        flash(_("%(n)d pemberitahuan ditandai sudah dibaca.", n=count), "success")
    return redirect(_back())


@bp.route("/akun/pemberitahuan", methods=["GET", "POST"])
@login_required
def preferences():
    form = ActionForm()
    user = current_user._get_current_object()
    chosen = {code: mode.value for code, mode in mail_ops.preferences_of(user).items()}
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            wanted = mail_ops.parse_preferences(request.form.to_dict())
        except mail_ops.PreferenceError as exc:
            db.session.rollback()
            problems = exc.problems
            # keep what was typed where it can be shown again
            chosen.update({f[len("mode_"):]: v for f, v in request.form.items() if f.startswith("mode_")})
        else:
            mail_ops.set_preferences(user, wanted)
            flash(_("Pilihan pemberitahuan tersimpan."), "success")
            return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, categories=categories.choosable(),
                           chosen=chosen, modes=_modes(), problems=problems), 400 if problems else 200
