"""What the portal tells people, as data: one record per category (``OutboxMessage.category``,
``Notification.category``, ``MailPreference.category``).

``about_account`` messages (an invitation, a password reset) concern the account itself: they are always mailed
at once, even to an address that failed before, carry no unsubscribe link and are no notification. Every other
category is a notification in the portal (``/notifikasi``) and its recipient chooses how its email goes
(``portal.models.mail.DeliveryMode``: at once, in the daily digest, or none); the one-click unsubscribe of a
message sets its category to "in the portal only". It is not mailed to an address the server refused.

``digest`` is the daily digest itself: not a choice of its own (its unsubscribe link sets every category that
goes into the digest to "in the portal only").
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    code: str
    label: object  # a lazy string
    about_account: bool
    choosable: bool = True  # listed on the preferences page


CATEGORIES = {c.code: c for c in (
    Category("invitation", _l("Undangan akun"), about_account=True, choosable=False),
    Category("password_reset", _l("Atur ulang kata sandi"), about_account=True, choosable=False),
    Category("reminder", _l("Pengingat tenggat"), about_account=False),
    Category("piece_receipt", _l("Tanda terima tulisan"), about_account=False),
    Category("piece_returned", _l("Tulisan dikembalikan untuk diperbaiki"), about_account=False),
    Category("piece_outcome", _l("Hasil penilaian tulisan"), about_account=False),
    Category("piece_published", _l("Tulisan diterbitkan"), about_account=False),
    Category("award", _l("Penghargaan"), about_account=False),
    Category("panel_assignment", _l("Penugasan panel penilai"), about_account=False),
    Category("panel_work", _l("Tulisan siap dinilai"), about_account=False),
    Category("panel_chair", _l("Untuk ketua panel: semua nilai masuk, nilai seri"), about_account=False),
    Category("recap_due", _l("Lampiran siap dikirim"), about_account=False),
    Category("discussion", _l("Diskusi: pertanyaan dan balasan"), about_account=False),
    Category("missed_month", _l("Daftar tim yang tidak mengirim tulisan"), about_account=False),
    Category("sheet_reminder", _l("Pengingat lembar nilai panel"), about_account=False),
    Category("deadline_passed", _l("Tenggat panel terlewati"), about_account=False),
    Category("digest", _l("Ringkasan harian"), about_account=False, choosable=False),
)}


def category(code: str) -> Category:
    return CATEGORIES[code]


def label(code: str) -> str:
    found = CATEGORIES.get(code)
    return str(found.label) if found else code


def choosable() -> list[Category]:
    """The categories a user chooses a delivery for, in the order shown."""
    return [c for c in CATEGORIES.values() if c.choosable]
