"""Account pages: list in the manager's scope, create one or from CSV, roles, disable, one-time links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal import permissions
from portal.accounts import bp, csvio, rules
from portal.accounts import operations as ops
from portal.accounts.forms import SCOPE_HINT, AccountForm, AccountImportForm, ActionForm, RoleForm
from portal.extensions import db
from portal.failures import refused_back_to
from portal.ids import page_arg
from portal.mail.outbox import portal_url
from portal.models.people import Role, RoleAssignment, User

require_manager = permissions.require(permissions.is_data_manager)


def _manageable(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not permissions.can_manage_user(current_user, user):
        abort(404)
    return user


def _with_roles(form):
    form.role.choices = [
        SelectChoice(r.value, rules.ROLE_LABELS[r]) for r in rules.grantable_roles(current_user)
    ]
    return form


def _resolve_role(form):
    """(role, node) from a role form, or None after putting the problem beside the field."""
    role = Role(form.role.data)
    try:
        node = rules.ScopeLookup({form.scope_code.data or ""}).resolve(role, form.scope_code.data or "")
    except rules.ScopeError as exc:
        form.scope_code.errors = list(form.scope_code.errors) + [str(exc)]
        return None
    if not rules.can_grant(current_user, role, node):
        form.scope_code.errors = list(form.scope_code.errors) + [
            _("Anda tidak berwenang memberi peran ini pada lingkup ini.")
        ]
        return None
    return role, node


def _link(token: str) -> str:
    return portal_url("auth.set_password", token=token)


@bp.route("/")
@require_manager
def index():
    q = request.args.get("q", "").strip()
    page = page_arg("hal")
    pagination = ops.list_accounts(rules.manageable_accounts_clause(current_user), q=q, page=page)
    return render_template("accounts/index.html", pagination=pagination, q=q, rules=rules)


@bp.route("/baru", methods=["GET", "POST"])
@require_manager
def create():
    form = _with_roles(AccountForm())
    if form.validate_on_submit():
        resolved = _resolve_role(form)
        if resolved is not None:
            try:
                user, token = ops.create_account(
                    email=form.email.data,
                    name=form.name.data,
                    roles=[resolved],
                    by=current_user,
                    phone=form.phone.data or "",
                    position=form.position.data or "",
                )
            except ops.AccountError as exc:
                db.session.rollback()
                form.email.errors = list(form.email.errors) + [str(exc)]
            else:
                return render_template("accounts/links.html", links=[(user.email, _link(token))], user=user,
                                       mailed=True)
    return render_template("accounts/create.html", form=form, scope_hint=SCOPE_HINT)


@bp.route("/<int:user_id>")
@require_manager
def show(user_id: int):
    user = _manageable(user_id)
    return render_template(
        "accounts/show.html",
        user=user,
        role_form=_with_roles(RoleForm()),
        action=ActionForm(),
        rules=rules,
        scope_hint=SCOPE_HINT,
    )


@bp.route("/<int:user_id>/peran", methods=["POST"])
@require_manager
def add_role(user_id: int):
    user = _manageable(user_id)
    form = _with_roles(RoleForm())
    if form.validate_on_submit():
        resolved = _resolve_role(form)
        if resolved is not None:
            try:
                ops.add_role(user, *resolved, by=current_user)
            except ops.AccountError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(_("Peran ditambahkan."), "success")
                return redirect(url_for("accounts.show", user_id=user.id))
    elif form.role.errors:
        form.role.errors = [_("Pilih peran dari daftar.")]
    return render_template(
        "accounts/show.html",
        user=user,
        role_form=form,
        action=ActionForm(),
        rules=rules,
        scope_hint=SCOPE_HINT,
    ), 422


@bp.route("/<int:user_id>/peran/<int:assignment_id>/hapus", methods=["POST"])
@require_manager
def remove_role(user_id: int, assignment_id: int):
    user = _manageable(user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    node = assignment.team or assignment.city or assignment.kmw
    if not rules.can_grant(current_user, assignment.role, node):
        abort(403)
    refused_back_to(url_for("accounts.show", user_id=user.id))
    ops.remove_role(user, assignment, by=current_user)
    flash(_("Peran dicabut."), "success")
    return redirect(url_for("accounts.show", user_id=user.id))


def _set_active(user_id: int, active: bool):
    user = _manageable(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    refused_back_to(url_for("accounts.show", user_id=user.id))
    ops.set_account_active(user, active, by=current_user)
    flash(_("Akun diaktifkan.") if active else _("Akun dinonaktifkan; semua sesinya diakhiri."), "success")
    return redirect(url_for("accounts.show", user_id=user.id))


@bp.route("/<int:user_id>/nonaktifkan", methods=["POST"])
@require_manager
def disable(user_id: int):
    return _set_active(user_id, False)


@bp.route("/<int:user_id>/aktifkan", methods=["POST"])
@require_manager
def enable(user_id: int):
    return _set_active(user_id, True)


@bp.route("/<int:user_id>/tautan", methods=["POST"])
@require_manager
def reissue(user_id: int):
    user = _manageable(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    token = ops.reissue_link(user.email, by=current_user, mail=True)
    return render_template("accounts/links.html", links=[(user.email, _link(token))], user=user,
                           mailed_to=user.email)


@bp.route("/impor", methods=["GET", "POST"])
@require_manager
def import_accounts():
    form = AccountImportForm()
    result = None
    if form.validate_on_submit():
        result = csvio.import_accounts_csv(form.file.data.read(), by=current_user)
        if result.ok:
            return render_template(
                "accounts/links.html", links=[(e, _link(t)) for e, t in result.links], user=None, mailed=True
            )
    return render_template("accounts/import.html", form=form, result=result)
