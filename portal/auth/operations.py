"""Account writes: sign-in checks, password changes, one-time links, disabling, reader registration."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from portal import audit
from portal.auth.passwords import hash_password, verify_password
from portal.extensions import db
from portal.failures import PortalError
from portal.mail import messages as mail_messages
from portal.mail.outbox import announce
from portal.models.people import PasswordToken, Role, RoleAssignment, User
from portal.timeutil import now_utc


class AccountError(PortalError):
    """A refused account operation; the message is shown to the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for unknown user and bad password)."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        audit.record_repeated("login_failed", target=normalise_email(email)[:200])  # per address, email and hour
        db.session.commit()
        return None
    user.last_login_at = now_utc()
    audit.record("login", target=f"user:{user.id}", user_id=user.id)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every existing session of this user (logout everywhere)."""
    user.session_version = (user.session_version or 0) + 1


def logout(user: User) -> None:
    end_sessions(user)
    audit.record("logout", target=f"user:{user.id}", user_id=user.id)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError(_("Kata sandi saat ini salah."))
    set_password(user, new)
    audit.record("password_changed", target=f"user:{user.id}", user_id=user.id)
    db.session.commit()


def set_password(user: User, new: str) -> None:
    user.password_hash = hash_password(new)
    end_sessions(user)


def set_active(user: User, active: bool, by: User) -> None:
    user.active = active
    if not active:
        end_sessions(user)
    audit.record("account_enabled" if active else "account_disabled", target=f"user:{user.id}", user_id=by.id)
    db.session.commit()


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_password_token(user: User, hours: int | None = None) -> str:
    """Create a one-time link token (valid ``hours``, by default SET_PASSWORD_TOKEN_HOURS); returns the raw token.
    Caller commits."""
    raw = secrets.token_urlsafe(32)
    hours = hours or current_app.config["SET_PASSWORD_TOKEN_HOURS"]
    db.session.add(PasswordToken(user=user, token_hash=_token_hash(raw), expires_at=now_utc() + timedelta(hours=hours)))
    return raw


def find_token(raw: str) -> PasswordToken | None:
    token = db.session.scalar(db.select(PasswordToken).where(PasswordToken.token_hash == _token_hash(raw)))
    if token is None or token.used_at is not None or token.expires_at < now_utc():
        return None
    return token


def use_token(raw: str, new_password: str) -> User:
    token = find_token(raw)
    if token is None:
        raise AccountError(_("Tautan ini sudah dipakai atau kedaluwarsa. Minta tautan baru kepada pengelola data."))
    set_password(token.user, new_password)
    token.used_at = now_utc()
    audit.record("password_set_by_link", target=f"user:{token.user_id}", user_id=token.user_id)
    db.session.commit()
    return token.user


def request_password_reset(email: str) -> None:
    """"Lupa kata sandi": mail a one-time link to the active account with this email; for any other email do
    nothing more than record the request. The caller answers the same in both cases."""
    email = normalise_email(email)
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None or not user.active:
        audit.record("password_reset_requested", target=email[:200])
        db.session.commit()
        return
    hours = current_app.config["PASSWORD_RESET_TOKEN_HOURS"]
    mail_messages.password_reset(user, issue_password_token(user, hours), hours)
    audit.record("password_reset_requested", target=f"user:{user.id}", user_id=user.id)
    db.session.commit()
    announce()


def register_reader(email: str, name: str, password: str, phone: str = "") -> User:
    email = normalise_email(email)
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        raise AccountError(_("Email ini sudah terdaftar. Silakan masuk, atau minta tautan kata sandi baru."))
    user = User(email=email, name=name.strip(), phone=phone.strip(), password_hash=hash_password(password))
    user.roles.append(RoleAssignment(role=Role.READER))
    db.session.add(user)
    audit.record("reader_registered", target=email)
    db.session.commit()
    return user
