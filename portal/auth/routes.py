"""Thin views: parse, check, call operations, render."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth import bp, limits
from portal.auth import operations as ops
from portal.auth.forms import ChangePasswordForm, LoginForm, RegisterForm, SetPasswordForm
from portal.extensions import limiter
from portal.security import is_safe_redirect


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(limits.address_limit, key_func=limits.address_key, methods=["POST"],
               on_breach=limits.on_address_breach)
@limiter.limit(limits.account_limit, key_func=limits.account_key, methods=["POST"],
               deduct_when=limits.sign_in_failed, on_breach=limits.on_account_breach)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = ops.authenticate(form.email.data, form.password.data)
        if user is None:
            limits.note_failed_sign_in()
            flash(_("Email atau kata sandi salah."), "error")
        else:
            target = request.args.get("next")
            lang = session.get("lang")
            session.clear()  # renew the session at login: nothing from before survives
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            return redirect(target if is_safe_redirect(target) else url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.errorhandler(429)
def sign_in_limited(exc):
    """The sign-in limits' answer: which limit, how long to wait, and what else to do meanwhile.

    The page is the same for an account that exists and one that does not."""
    which, wait = limits.breached_limit()
    minutes = -(-wait // 60)
    body = render_template("auth/login_limited.html", per_account=which == limits.ACCOUNT,
                           wait=_("%(n)d detik", n=wait) if wait < 120 else _("%(n)d menit", n=minutes))
    response = current_app.make_response((body, 429))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    ops.logout(current_user.account)
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        account = current_user.account
        try:
            ops.change_password(account, form.current.data, form.password.data)
        except ops.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            session.clear()
            login_user(account)  # this session continues (its new version); every other one has ended
            flash(_("Kata sandi diganti. Sesi di perangkat lain telah diakhiri."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/atur-sandi/<token>", methods=["GET", "POST"])
def set_password(token: str):
    found = ops.find_token(token)
    if found is None:
        return render_template("auth/token_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        ops.use_token(token, form.password.data)
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash(_("Kata sandi tersimpan. Silakan masuk."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=found.user)


@bp.route("/daftar", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            ops.register_reader(form.email.data, form.name.data, form.password.data, form.phone.data or "")
        except ops.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(_("Pendaftaran berhasil. Silakan masuk."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/bahasa/<lang>")
def set_language(lang: str):
    """Remember the display language for this browser (a harmless preference, so a GET link is enough)."""
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    target = request.args.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("home.index"))
