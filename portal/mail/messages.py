"""The messages the portal writes, one function each: which category, which template, which subject and text.

Each goes through :func:`portal.mail.outbox.queue_message` (the one funnel): account mail is queued at once;
everything else also becomes a notification in the portal, and its email follows the recipient's choice for the
category. Each adds to the caller's transaction; the caller commits and then calls
:func:`portal.mail.outbox.announce`. Texts are formatted in the recipient's language (the values that depend on
the language, such as a month's name or an NA, are :class:`Localised`). Who is told what is decided by the
subscribers (``portal.notifications.events``); none of these texts says who scored what.
"""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l

from portal.mail.outbox import base_url, portal_url, queue_message, recipient_locale, render_message
from portal.models.mail import OutboxMessage
from portal.models.people import User
from portal.period import Period


class Localised:
    """A value written in the language of the message being formatted (``str()`` inside ``force_locale``)."""

    def __init__(self, render: Callable[[str], str]):
        self.render = render

    def __str__(self) -> str:
        locale = get_locale()
        return self.render(str(locale) if locale is not None else "id")


def month_of(period) -> Localised:
    return Localised(lambda locale: Period(str(period)).label(locale))


def na_text(value: float | None) -> Localised:
    def render(locale: str) -> str:
        if value is None:
            return "–"
        text = f"{value:,.2f}"
        return text.replace(",", "X").replace(".", ",").replace("X", ".") if locale == "id" else text
    return Localised(render)


# --- account mail ----------------------------------------------------------------------------------------

def invitation(user: User, raw_token: str, hours: int) -> OutboxMessage | None:
    """A new account's invitation, with its one-time link to set the password."""
    return queue_message(user, "invitation", "invitation", _l("Akun Portal Best Practice Anda"),
                         link=portal_url("auth.set_password", token=raw_token), hours=hours)


def password_reset(user: User, raw_token: str, hours: int) -> OutboxMessage | None:
    """The link of a self-service password reset."""
    return queue_message(user, "password_reset", "password_reset", _l("Atur ulang kata sandi Portal Best Practice"),
                         link=portal_url("auth.set_password", token=raw_token), hours=hours)


# --- writers ---------------------------------------------------------------------------------------------

def reminder(user: User, *, team: str, month: str, deadline: str) -> OutboxMessage | None:
    """A writer's reminder that the team's piece of the month is not submitted yet."""
    return queue_message(user, "reminder", "reminder", _l("Pengingat: tulisan %(month)s tim %(team)s"),
                         summary=_l("Tulisan best practice tim %(team)s untuk bulan %(month)s belum dikirim. "
                                    "Batas waktunya %(deadline)s."),
                         team=team, month=month, deadline=deadline, link=portal_url("submissions.home"))


def missed_month(user: User, *, city: str, month: str, teams: list[str], city_id: int,
                 period: str) -> OutboxMessage | None:
    """A city data manager's list of the city's teams that submitted no piece for the month (after the 15th)."""
    return queue_message(user, "missed_month", "missed_month", _l("Tim yang tidak mengirim tulisan %(month)s: %(city)s"),
                         summary=_l("Batas waktu tulisan bulan %(month)s sudah lewat. %(count)s tim di %(city)s tidak "
                                    "mengirim tulisan:"),
                         details=list(teams), city=city, month=month, teams=teams, count=len(teams),
                         link=portal_url("reports.lampiran3", city_id=city_id, periode=period))


def sheet_reminder(user: User, *, panel: str, month: str, count: int, deadline: str,
                   panel_id: int) -> OutboxMessage | None:
    """A panel member's reminder, two days before the panel's date, of the sheets not submitted yet."""
    return queue_message(user, "sheet_reminder", "sheet_reminder", _l("Pengingat: lembar nilai %(panel)s %(month)s"),
                         summary=_l("Anda belum mengirim %(count)s lembar nilai di %(panel)s untuk bulan %(month)s. "
                                    "Panel memutuskan paling lambat %(deadline)s."),
                         panel=panel, month=month, count=count, deadline=deadline,
                         link=portal_url("panels.panel", panel_id=panel_id))


def deadline_passed(user: User, *, panel: str, month: str, panel_id: int | None,
                    period: str) -> OutboxMessage | None:
    """A data manager's notice that the tier's date passed and the node's panel is not decided (or not opened)."""
    link = portal_url("panels.panel", panel_id=panel_id) if panel_id else portal_url("panels.manage", bulan=period)
    return queue_message(user, "deadline_passed", "deadline_passed",
                         _l("Tenggat lewat: %(panel)s %(month)s belum diputuskan"),
                         summary=_l("Tenggat %(panel)s untuk bulan %(month)s sudah lewat, tetapi panel belum "
                                    "diputuskan. Lengkapi penilaian dan minta ketua menutup panel.") if panel_id else
                         _l("Tenggat %(panel)s untuk bulan %(month)s sudah lewat, tetapi panelnya belum dibuka."),
                         panel=panel, month=month, opened=panel_id is not None, link=link)
def piece_receipt(user: User, piece, *, receiver) -> OutboxMessage | None:
    """A writer's receipt: the team's piece was submitted (to whom, for which month)."""
    return queue_message(user, "piece_receipt", "notice", _l("Tulisan \"%(title)s\" sudah diterima"),
                         summary=_l("Tulisan tim %(team)s untuk bulan %(month)s sudah dikirim dan diterima oleh "
                                    "%(receiver)s. Anda akan diberi tahu hasil pemeriksaannya."),
                         piece_id=piece.id, title=piece.title[:200], team=piece.team.name, month=month_of(piece.period),
                         receiver=receiver, link=portal_url("submissions.view", piece_id=piece.id),
                         action=_l("Lihat tulisan"))


def piece_returned(user: User, piece, reasons: list[str]) -> OutboxMessage | None:
    """The city panel returned the team's piece for fixes, with the panel's reasons."""
    return queue_message(user, "piece_returned", "notice", _l("Tulisan \"%(title)s\" dikembalikan untuk diperbaiki"),
                         summary=_l("Panel penilai kota mengembalikan tulisan tim %(team)s bulan %(month)s. "
                                    "Perbaiki hal berikut lalu kirim lagi:"),
                         piece_id=piece.id, title=piece.title[:200], team=piece.team.name, month=month_of(piece.period),
                         details=list(reasons), link=portal_url("submissions.edit", piece_id=piece.id),
                         action=_l("Perbaiki tulisan"))


OUTCOMES = {
    # outcome: (subject, text); the values: title, panel, next, na
    "forwarded": (_l("Tulisan \"%(title)s\" diteruskan ke %(next)s"),
                  _l("%(panel)s sudah memutuskan: tulisan ini terpilih dan diteruskan ke %(next)s, dengan nilai "
                     "akhir (NA) %(na)s.")),
    "chosen": (_l("Tulisan \"%(title)s\" terpilih"),
               _l("%(panel)s sudah memutuskan: tulisan ini terpilih sebagai best practice, dengan nilai akhir (NA) "
                  "%(na)s.")),
    "passed": (_l("Tulisan \"%(title)s\" lulus"),
               _l("%(panel)s sudah memutuskan: tulisan ini lulus dengan nilai akhir (NA) %(na)s, tetapi tidak "
                  "termasuk yang diteruskan.")),
    "not_passed": (_l("Tulisan \"%(title)s\" tidak lulus"),
                   _l("%(panel)s sudah memutuskan: tulisan ini tidak lulus (nilai akhir (NA) %(na)s).")),
}


def piece_outcome(user: User, piece, *, outcome: str, panel: str, next_tier, na: float | None
                  ) -> OutboxMessage | None:
    """The outcome of the team's piece at one tier: forwarded, chosen, passed with its NA, or not passed. Only
    the panel's decision and NA: never who scored what."""
    subject, summary = OUTCOMES[outcome]
    return queue_message(user, "piece_outcome", "notice", subject, summary=summary, piece_id=piece.id,
                         title=piece.title[:200], panel=panel, next=next_tier, na=na_text(na),
                         link=portal_url("submissions.view", piece_id=piece.id), action=_l("Lihat tulisan"))


def piece_published(user: User, piece, *, level) -> OutboxMessage | None:
    """The team's piece became a best practice and is on the public pages, with its link."""
    return queue_message(user, "piece_published", "notice", _l("Tulisan \"%(title)s\" diterbitkan"),
                         summary=_l("Tulisan tim %(team)s kini menjadi best practice %(level)s dan dapat dibaca "
                                    "di halaman e-learning."),
                         piece_id=piece.id, title=piece.title[:200], team=piece.team.name, level=level,
                         link=portal_url("elearning.piece", piece_id=piece.id), action=_l("Baca di e-learning"))


def award(user: User, piece, *, award_title: str) -> OutboxMessage | None:
    """An award was recorded for the team's piece."""
    return queue_message(user, "award", "notice", _l("Penghargaan untuk tulisan \"%(title)s\""),
                         summary=_l("Tulisan tim %(team)s mendapat penghargaan: %(award)s."),
                         piece_id=piece.id, title=piece.title[:200], team=piece.team.name, award=award_title[:200],
                         link=portal_url("elearning.honour_roll"), action=_l("Lihat daftar penghargaan"))


# --- panel members ---------------------------------------------------------------------------------------

def panel_assignment(user: User, panel, *, panel_title: str, chair: bool) -> OutboxMessage | None:
    """A member was put on a panel (as its chair, or a member)."""
    return queue_message(user, "panel_assignment", "notice",
                         _l("Anda ketua %(panel)s") if chair else _l("Anda anggota %(panel)s"),
                         summary=_l("Anda ditetapkan sebagai ketua %(panel)s bulan %(month)s.") if chair else
                         _l("Anda ditetapkan sebagai anggota %(panel)s bulan %(month)s."),
                         panel=panel_title, month=month_of(panel.period),
                         link=portal_url("panels.panel", panel_id=panel.id), action=_l("Buka panel"))


def panel_work(user: User, panel, *, panel_title: str, count: int) -> OutboxMessage | None:
    """New pieces reached a panel the member sits on: to check, or to score."""
    return queue_message(user, "panel_work", "notice", _l("%(n)d tulisan baru di %(panel)s"),
                         summary=_l("%(n)d tulisan baru masuk ke %(panel)s bulan %(month)s dan siap diperiksa atau "
                                    "dinilai."),
                         n=count, panel=panel_title, month=month_of(panel.period),
                         link=portal_url("panels.panel", panel_id=panel.id), action=_l("Buka panel"))


def sheets_complete(user: User, panel, *, panel_title: str) -> OutboxMessage | None:
    """For the chair: every member has sent a sheet for every piece."""
    return queue_message(user, "panel_chair", "notice", _l("Semua lembar nilai %(panel)s sudah masuk"),
                         summary=_l("Semua anggota %(panel)s sudah mengirim lembar nilai bulan %(month)s. Periksa "
                                    "hasilnya lalu tutup panel."),
                         panel=panel_title, month=month_of(panel.period),
                         link=portal_url("panels.results", panel_id=panel.id), action=_l("Lihat hasil"))


def ties_to_decide(user: User, panel, *, panel_title: str, count: int) -> OutboxMessage | None:
    """For the chair: pieces are tied at the cut-off and wait for the chair's decision."""
    return queue_message(user, "panel_chair", "notice", _l("Nilai seri di %(panel)s perlu diputuskan"),
                         summary=_l("%(n)d tulisan di %(panel)s bulan %(month)s memiliki nilai sama di batas "
                                    "kuota. Putuskan mana yang naik dan catat alasannya sebelum menutup panel."),
                         n=count, panel=panel_title, month=month_of(panel.period),
                         link=portal_url("panels.results", panel_id=panel.id), action=_l("Putuskan nilai seri"))


# --- data managers ---------------------------------------------------------------------------------------

def recap_due(user: User, panel, *, panel_title: str, lampiran: str, link: str) -> OutboxMessage | None:
    """For a data manager: a panel closed, so its recap (Lampiran 3 or 2) is ready to send."""
    return queue_message(user, "recap_due", "notice", _l("%(lampiran)s bulan %(month)s siap dikirim"),
                         summary=_l("%(panel)s sudah memutuskan. %(lampiran)s bulan %(month)s siap diperiksa, "
                                    "diunduh, dan dikirim."),
                         lampiran=lampiran, panel=panel_title, month=month_of(panel.period), link=link,
                         action=_l("Buka lampiran"))


# --- discussions -----------------------------------------------------------------------------------------

def discussion_question(user: User, comment, piece) -> OutboxMessage | None:
    """For the team's writers: a reader asked a question on their published piece."""
    return queue_message(user, "discussion", "notice", _l("Pertanyaan baru pada tulisan \"%(title)s\""),
                         summary=_l("%(author)s bertanya: %(excerpt)s"), piece_id=piece.id, title=piece.title[:200],
                         author=comment.user.name, excerpt=_excerpt(comment.body),
                         link=portal_url("elearning.piece", piece_id=piece.id) + f"#komentar-{comment.id}",
                         action=_l("Jawab di portal"))


def discussion_reply(user: User, comment, piece) -> OutboxMessage | None:
    """For the author of the comment replied to, and the team's writers: a new reply in a discussion."""
    return queue_message(user, "discussion", "notice", _l("Balasan baru pada tulisan \"%(title)s\""),
                         summary=_l("%(author)s membalas: %(excerpt)s"), piece_id=piece.id, title=piece.title[:200],
                         author=comment.user.name, excerpt=_excerpt(comment.body),
                         link=portal_url("elearning.piece", piece_id=piece.id) + f"#komentar-{comment.id}",
                         action=_l("Baca balasannya"))


def _excerpt(text: str, limit: int = 300) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


# --- the daily digest ------------------------------------------------------------------------------------

def digest(user: User, items: list) -> OutboxMessage:
    """One user's daily digest of the notifications that waited for it (``items``: their rows, oldest first).
    Mailed as it is: the digest is already the user's choice."""
    locale = recipient_locale(user)
    with force_locale(locale):
        title = gettext("Ringkasan harian Portal Best Practice: %(n)d pemberitahuan", n=len(items))
    base = base_url()
    rows = [{"title": n.title, "body": n.body, "link": base + n.link if n.link.startswith("/") else n.link}
            for n in items]
    return render_message(user, "digest", "digest", title, locale, {
        "items": rows, "centre_url": portal_url("notifications.index"),
        "preferences_url": portal_url("notifications.preferences")})
