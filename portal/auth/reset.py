"""Self-service password reset ("Lupa kata sandi"): a form asking the email; a link by mail when the account exists.

The answer is the same whether or not the address belongs to an account. Two limits guard the POST: per client
address (``PASSWORD_RESET_RATE_LIMIT_ADDRESS``) and per typed email, hashed, whether or not it exists
(``PASSWORD_RESET_RATE_LIMIT_EMAIL``): nobody can flood one person's mailbox or walk through addresses. The link
is the one-time token of ``portal/auth/operations.py``, valid ``PASSWORD_RESET_TOKEN_HOURS``.

A blueprint of its own (same ``/akun`` prefix as the sign-in pages) so that its refusal page is its own.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal.auth import operations as ops
from portal.auth.forms import ForgotPasswordForm
from portal.extensions import limiter

bp = Blueprint("password_reset", __name__, url_prefix="/akun")


def _address_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT_ADDRESS"]


def _email_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT_EMAIL"]


def _address_key() -> str:
    return "password-reset-address:" + (get_remote_address() or "unknown")


def _email_key() -> str:
    """The typed email, hashed: the counters' storage never holds the addresses people typed."""
    email = ops.normalise_email(request.form.get("email", ""))
    return "password-reset-email:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"])
@limiter.limit(_email_limit, key_func=_email_key, methods=["POST"])
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        ops.request_password_reset(form.email.data)
        flash(_("Bila %(email)s terdaftar, tautan untuk mengatur ulang kata sandi sudah dikirim ke alamat itu. "
                "Periksa juga folder spam.", email=ops.normalise_email(form.email.data)), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.errorhandler(429)
def too_many(exc):
    response = current_app.make_response((render_template("auth/forgot_password_limited.html"), 429))
    if getattr(exc, "retry_after", None):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response
