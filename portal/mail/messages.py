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


def missed_month(user: User, *, city: str, month: str, teams: list[str], city_id: int,
                 period: str) -> OutboxMessage | None:
    """A city data manager's list of the city's teams that submitted no piece for the month (after the 15th)."""
    return queue_message(user, "missed_month", "missed_month", _l("Tim yang tidak mengirim tulisan %(month)s: %(city)s"),
                         city=city, month=month, teams=teams, count=len(teams),
                         link=portal_url("reports.lampiran3", city_id=city_id, periode=period))


def sheet_reminder(user: User, *, panel: str, month: str, count: int, deadline: str,
                   panel_id: int) -> OutboxMessage | None:
    """A panel member's reminder, two days before the panel's date, of the sheets not submitted yet."""
    return queue_message(user, "sheet_reminder", "sheet_reminder", _l("Pengingat: lembar nilai %(panel)s %(month)s"),
                         panel=panel, month=month, count=count, deadline=deadline,
                         link=portal_url("panels.panel", panel_id=panel_id))


def deadline_passed(user: User, *, panel: str, month: str, panel_id: int | None,
                    period: str) -> OutboxMessage | None:
    """A data manager's notice that the tier's date passed and the node's panel is not decided (or not opened)."""
    link = portal_url("panels.panel", panel_id=panel_id) if panel_id else portal_url("panels.manage", bulan=period)
    return queue_message(user, "deadline_passed", "deadline_passed",
                         _l("Tenggat lewat: %(panel)s %(month)s belum diputuskan"),
                         panel=panel, month=month, opened=panel_id is not None, link=link)
