"""The unsubscribe link of every message that is not about the account (RFC 8058).

GET shows what the link turns off and a button; POST turns it off. Mail programs send the one-click POST
(``List-Unsubscribe=One-Click``) without cookies or a CSRF token: the signed link is the proof, so the POST is
exempt from CSRF, needs no sign-in, and doing it twice changes nothing.
"""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from portal.extensions import csrf, db
from portal.mail import bp, operations, outbox
from portal.mail.categories import label
from portal.models.people import User


def _refused(exc: Exception):
    if isinstance(exc, outbox.UnsubscribeTokenError) and exc.expired:
        message, status = _("Tautan berhenti berlangganan ini sudah terlalu lama. Pakai tautan pada pesan yang "
                            "lebih baru, atau ubah pilihan Anda setelah masuk."), 410
    elif isinstance(exc, outbox.UnsubscribeTokenError):
        message, status = _("Tautan berhenti berlangganan ini tidak sah (mungkin terpotong atau diubah). Salin "
                            "tautan lengkap dari pesan surel Anda."), 400
    else:
        message, status = str(exc), 404
    return render_template("mail_pages/unsubscribe.html", problem=message), status


@bp.route("/berhenti/<token>", methods=["GET"])
def unsubscribe(token: str):
    try:
        user_id, category_code = outbox.read_unsubscribe_token(token)
    except outbox.UnsubscribeTokenError as exc:
        return _refused(exc)
    user = db.session.get(User, user_id)
    if user is None:
        return _refused(operations.MailError(_("Tautan berhenti berlangganan ini tidak lagi berlaku.")))
    return render_template("mail_pages/unsubscribe.html", user=user, category=label(category_code), token=token,
                           done=not outbox.wants(user, category_code))


@bp.route("/berhenti/<token>", methods=["POST"])
@csrf.exempt
def unsubscribe_post(token: str):
    try:
        user, category_code = operations.unsubscribe(token)
    except (outbox.UnsubscribeTokenError, operations.MailError) as exc:
        db.session.rollback()
        return _refused(exc)
    return render_template("mail_pages/unsubscribe.html", user=user, category=label(category_code), done=True)
