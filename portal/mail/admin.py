"""The administrators' outbox (``/admin/surat-keluar``): every message with its state, one message, resend."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.extensions import db
from portal.ids import page_arg
from portal.mail import operations
from portal.mail.categories import label
from portal.mail.settings import parse_mail_url
from portal.models.mail import MailState, OutboxMessage
from portal.permissions import require_admin

bp = Blueprint("outbox_admin", __name__, url_prefix="/admin/surat-keluar")

STATE_LABELS = {
    MailState.QUEUED: _l("antre"),
    MailState.SENDING: _l("sedang dikirim"),
    MailState.SENT: _l("terkirim"),
    MailState.DEFERRED: _l("ditunda"),
    MailState.FAILED: _l("gagal"),
    MailState.STORED: _l("tersimpan (tidak dikirim)"),
}


class ResendForm(FlaskForm):
    """Only the CSRF token."""


def _context() -> dict:
    return {"state_labels": STATE_LABELS, "category_label": label,
            "transport": parse_mail_url(current_app.config["MAIL_URL"]).describe()}


@bp.route("/")
@require_admin
def index():
    chosen = request.args.get("status", "")
    try:
        state = MailState(chosen) if chosen else None
    except ValueError:
        state = None
    pagination = operations.list_messages(state, page_arg("hal"))
    return render_template("mail_admin/index.html", pagination=pagination, state=state, **_context())


def _message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/<int:message_id>")
@require_admin
def show(message_id: int):
    message = _message(message_id)
    return render_template("mail_admin/show.html", message=message, form=ResendForm(),
                           resendable=message.state in operations.RESENDABLE, **_context())


# The policy of a message's HTML shown on its page. Mail carries its styles inline, which the portal's own policy
# (style-src 'self') blocks, and a srcdoc frame inherits the policy of the page around it: the HTML is served by
# the route below, framed by the message's page only, styled as its recipients see it, and nothing in it can
# run (no script, form, plug-in or request; the frame is sandboxed by this policy and by its page).
PREVIEW_POLICY = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                  "form-action 'none'; frame-ancestors 'self'")


@bp.route("/<int:message_id>/tampilan")
@require_admin
def preview(message_id: int):
    response = current_app.response_class(_message(message_id).html_body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/<int:message_id>/kirim-ulang", methods=["POST"])
@require_admin
def resend(message_id: int):
    message = _message(message_id)
    if not ResendForm().validate_on_submit():
        abort(400)
    try:
        copy = operations.resend(message, by=current_user)
    except operations.MailError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("outbox_admin.show", message_id=message.id))
    flash(_("Pesan dimasukkan lagi ke antrean sebagai pesan baru.") if copy.state == MailState.QUEUED
          else _("Pesan disimpan lagi di kotak keluar (surel tidak dikirim: MAIL_URL=outbox)."), "success")
    return redirect(url_for("outbox_admin.show", message_id=copy.id))
