"""Account writes: create accounts with their roles, add and remove roles, disable, one-time links.

Every new account gets a one-time link to set its password, mailed in an invitation (portal/mail); the raw token
is also returned to the caller (shown on the page, printed by the command line) for accounts whose mail does not
arrive.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_

from portal import audit
from portal.accounts.rules import EMAIL, ROLE_SCOPES, scope_kwargs
from portal.auth import operations as auth_ops
from portal.auth.operations import AccountError, normalise_email
from portal.extensions import db
from portal.mail import messages as mail_messages
from portal.mail.outbox import announce
from portal.models.org import City, Kmw, Team
from portal.models.people import PasswordToken, Role, RoleAssignment, User
from portal.timeutil import now_utc

PER_PAGE = 50

__all__ = [
    "AccountError",
    "add_role",
    "build_account",
    "create_account",
    "list_accounts",
    "reissue_link",
    "remove_role",
    "set_account_active",
]


def _level_of(node) -> str:
    if isinstance(node, Team):
        return "team"
    if isinstance(node, City):
        return "city"
    if isinstance(node, Kmw):
        return "kmw"
    return "national"


def check_role_scope(role: Role, node) -> None:
    if _level_of(node) not in ROLE_SCOPES[role]:
        raise AccountError(_("Peran ini tidak dapat diberikan pada lingkup tersebut."))


def _describe(role: Role, node) -> str:
    return f"{role.value}@{_level_of(node)}:{node.code}" if node is not None else role.value


def build_account(*, email: str, name: str, roles, phone: str = "", position: str = "") -> User:
    """A new User with its role assignments, added to the session (no commit, no checks of the granter)."""
    user = User(
        email=normalise_email(email), name=name.strip(), phone=phone.strip(), position=position.strip()
    )
    seen = set()
    for role, node in roles:
        check_role_scope(role, node)
        key = (role, id(node) if node is not None else None)
        if key in seen:
            continue
        seen.add(key)
        user.roles.append(RoleAssignment(role=role, **scope_kwargs(node)))
    db.session.add(user)
    return user


def create_account(
    *, email: str, name: str, roles, by: User | None = None, phone: str = "", position: str = ""
) -> tuple[User, str]:
    """Create one account with ``roles`` [(Role, Team|City|Kmw|None)]; returns (user, raw one-time token).

    The caller has checked that ``by`` may grant these roles (the command line passes ``by=None``).
    """
    email = normalise_email(email)
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(_("Alamat email tidak valid."))
    if not name.strip():
        raise AccountError(_("Isi nama."))
    if not roles:
        raise AccountError(_("Pilih paling sedikit satu peran."))
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise AccountError(_("Email %(email)s sudah terdaftar.", email=email))
    user = build_account(email=email, name=name, roles=roles, phone=phone, position=position)
    token = auth_ops.issue_password_token(user)
    db.session.flush()
    invite(user, token)
    audit.record(
        "account_created",
        target=f"user:{user.id}",
        detail=", ".join(_describe(r, n) for r, n in roles),
        user_id=getattr(by, "id", None),
    )
    db.session.commit()
    announce()
    return user, token


def invite(user: User, token: str) -> None:
    """Queue the invitation of a new (flushed) account with its one-time link; the caller commits."""
    mail_messages.invitation(user, token, current_app.config["SET_PASSWORD_TOKEN_HOURS"])


def _retire_tokens(user: User) -> None:
    """Only the newest link works: older unused links of this user stop working."""
    now = now_utc()
    for token in db.session.scalars(
        db.select(PasswordToken).where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
    ):
        token.used_at = now


def reissue_link(email: str, by: User | None = None, *, mail: bool = False) -> str:
    """A fresh one-time link token for an existing account; earlier unused links stop working. ``mail``: also
    mail it to the account as an invitation (the account page's button does; the command line prints it)."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError(_("Tidak ada akun dengan email %(email)s.", email=email))
    _retire_tokens(user)
    token = auth_ops.issue_password_token(user)
    audit.record("password_link_issued", target=f"user:{user.id}", user_id=getattr(by, "id", None))
    if mail:
        invite(user, token)
    db.session.commit()
    announce()
    return token


def add_role(user: User, role: Role, node, by: User | None) -> RoleAssignment:
    check_role_scope(role, node)
    kwargs = scope_kwargs(node)
    for a in user.roles:
        if (
            a.role == role
            and a.team is kwargs.get("team")
            and a.city is kwargs.get("city")
            and a.kmw is kwargs.get("kmw")
        ):
            raise AccountError(_("Akun ini sudah memiliki peran tersebut."))
    assignment = RoleAssignment(role=role, **kwargs)
    user.roles.append(assignment)
    audit.record(
        "role_added", target=f"user:{user.id}", detail=_describe(role, node), user_id=getattr(by, "id", None)
    )
    db.session.commit()
    return assignment


def remove_role(user: User, assignment: RoleAssignment, by: User | None) -> None:
    if by is not None and by.id == user.id and assignment.role == Role.ADMIN:
        raise AccountError(_("Anda tidak dapat mencabut peran administrator Anda sendiri."))
    node = assignment.team or assignment.city or assignment.kmw
    user.roles.remove(assignment)
    audit.record(
        "role_removed",
        target=f"user:{user.id}",
        detail=_describe(assignment.role, node),
        user_id=getattr(by, "id", None),
    )
    db.session.commit()


def set_account_active(user: User, active: bool, by: User) -> None:
    """Disable (ending every session) or enable an account."""
    if by.id == user.id and not active:
        raise AccountError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    auth_ops.set_active(user, active, by)


def list_accounts(scope_clause, *, q: str = "", page: int = 1):
    """One page of accounts, by name, limited by ``scope_clause`` (see rules.manageable_accounts_clause)."""
    query = db.select(User).order_by(User.name, User.id)
    if scope_clause is not None:
        query = query.where(scope_clause)
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(or_(User.name.ilike(like), User.email.ilike(like), User.position.ilike(like)))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
