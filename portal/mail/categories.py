"""What the portal sends by mail, as data: one record per category (``OutboxMessage.category``).

``about_account`` messages (an invitation, a password reset) concern the account itself: they are always sent,
even to an address that failed before, and carry no unsubscribe link. Every other category can be turned off by
its recipient (RFC 8058 one-click ``List-Unsubscribe``) and is not sent to an address the server refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    code: str
    label: object  # a lazy string
    about_account: bool


CATEGORIES = {c.code: c for c in (
    Category("invitation", _l("Undangan akun"), about_account=True),
    Category("password_reset", _l("Atur ulang kata sandi"), about_account=True),
    Category("reminder", _l("Pengingat tenggat tulisan"), about_account=False),
    Category("missed_month", _l("Daftar tim yang tidak mengirim tulisan"), about_account=False),
    Category("sheet_reminder", _l("Pengingat lembar nilai panel"), about_account=False),
    Category("deadline_passed", _l("Tenggat panel terlewati"), about_account=False),
)}


def category(code: str) -> Category:
    return CATEGORIES[code]


def label(code: str) -> str:
    found = CATEGORIES.get(code)
    return str(found.label) if found else code
