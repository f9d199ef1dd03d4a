"""The messages the portal writes, one function each: which template, which category, which subject.

Each adds the message to the caller's transaction (see :func:`portal.mail.outbox.queue_message`); the caller
commits and then calls :func:`portal.mail.outbox.announce`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.mail.outbox import portal_url, queue_message
from portal.models.mail import OutboxMessage
from portal.models.people import User


def invitation(user: User, raw_token: str, hours: int) -> OutboxMessage | None:
    """A new account's invitation, with its one-time link to set the password."""
    return queue_message(user, "invitation", "invitation", _l("Akun Portal Best Practice Anda"),
                         link=portal_url("auth.set_password", token=raw_token), hours=hours)


def password_reset(user: User, raw_token: str, hours: int) -> OutboxMessage | None:
    """The link of a self-service password reset."""
    return queue_message(user, "password_reset", "password_reset", _l("Atur ulang kata sandi Portal Best Practice"),
                         link=portal_url("auth.set_password", token=raw_token), hours=hours)


def reminder(user: User, *, team: str, month: str, deadline: str) -> OutboxMessage | None:
    """A writer's reminder that the team's piece of the month is not submitted yet."""
    return queue_message(user, "reminder", "reminder", _l("Pengingat: tulisan %(month)s tim %(team)s"),
                         team=team, month=month, deadline=deadline, link=portal_url("submissions.home"))
