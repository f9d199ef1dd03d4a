"""The writes of the rewards: correcting and revoking awards, opening nomination rounds, confirming delegates.

One business operation per transaction; each is audited and announces itself (``portal.signals``).
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import delete, select

from portal import audit, scoring_adapter, signals
from portal.extensions import db
from portal.failures import PortalError
from portal.models.elearning import Award
from portal.models.org import NATIONAL_TIMEZONE, Province
from portal.models.people import User
from portal.models.rewards import Nomination, NominationRound
from portal.period import Period
from portal.rewards import rules
from portal.timeutil import now_utc

if TYPE_CHECKING:  # pandas is imported by the functions that make frames, not at start-up
    import pandas as pd

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


class RewardError(PortalError, ValueError):
    """Refused input, with a message for the user."""


def _clean(text: str | None, limit: int) -> str:
    return (text or "").replace("\r\n", "\n").strip()[:limit]


def _required_reason(reason: str | None, message: str) -> str:
    reason = _clean(reason, rules.MAX_REASON_CHARS)
    if not reason:
        raise RewardError(message)
    return reason


# --- awards ----------------------------------------------------------------------------------------------

def correct_award(award: Award, user: User, *, title: str, description: str, recipient_name: str,
                  reason: str) -> Award:
    """Correct an award's details. Its revision goes up, so a certificate printed before verifies as corrected."""
    if award.revoked_at is not None:
        raise RewardError(_("Penghargaan ini sudah dicabut dan tidak dapat dikoreksi."))
    title = _clean(title, 200)
    if not title:
        raise RewardError(_("Tuliskan nama penghargaan."))
    reason = _required_reason(reason, _("Tuliskan alasan koreksi."))
    before = {"title": award.title, "description": award.description, "recipient_name": award.recipient_name}
    after = {"title": title, "description": _clean(description, 2000), "recipient_name": _clean(recipient_name, 160)}
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        raise RewardError(_("Tidak ada yang berubah: ubah sekurang-kurangnya satu isian."))
    for key in changed:
        setattr(award, key, after[key])
    award.revision += 1
    award.corrected_at = now_utc()
    lines = [f"{key}: {before[key]!r} -> {after[key]!r}" for key in changed]
    audit.record("award_corrected", target=f"award:{award.id}",
                 detail=f"revisi {award.revision}; alasan: {reason}\n" + "\n".join(lines), user_id=user.id)
    signals.award_corrected.send(award, previous=before)
    db.session.commit()
    return award


def revoke_award(award: Award, user: User, reason: str) -> Award:
    """Revoke an award (its certificates then verify as revoked); the reason is required."""
    if award.revoked_at is not None:
        raise RewardError(_("Penghargaan ini sudah dicabut."))
    reason = _required_reason(reason, _("Tuliskan alasan pencabutan."))
    award.revoked_at = now_utc()
    award.revoked_by_id = user.id
    award.revoke_reason = reason
    audit.record("award_revoked", target=f"award:{award.id}", detail=f"alasan: {reason}", user_id=user.id)
    signals.award_revoked.send(award)
    db.session.commit()
    return award


# --- nomination rounds -----------------------------------------------------------------------------------

def _letter_number(year: int, semester: int, day: date) -> str:
    return f"{semester:02d}/KMP/LOK-BP/{ROMAN[day.month - 1]}/{year}"


def open_round(user: User, *, year: int, semester: int, quota: int, workshop_name: str, workshop_date: date,
               workshop_place: str) -> NominationRound:
    """Open one semester's nomination round; the proposal counts the six months before this month."""
    if semester not in rules.SEMESTERS:
        raise RewardError(_("Pilih semester 1 atau 2."))
    if not 1 <= quota <= rules.MAX_QUOTA:
        raise RewardError(_("Kuota per provinsi harus antara 1 dan %(max)d.", max=rules.MAX_QUOTA))
    name, place = _clean(workshop_name, 200), _clean(workshop_place, 200)
    if not name or not place:
        raise RewardError(_("Tuliskan nama dan tempat lokakarya."))
    exists = db.session.scalar(select(NominationRound.id).where(NominationRound.year == year,
                                                                NominationRound.semester == semester))
    if exists is not None:
        raise RewardError(_("Putaran nominasi semester %(semester)d tahun %(year)d sudah dibuka.",
                            semester=semester, year=year))
    today = now_utc().astimezone(ZoneInfo(NATIONAL_TIMEZONE)).date()
    first, last = rules.nomination_window(Period(f"{today.year:04d}-{today.month:02d}"))
    nomination_round = NominationRound(
        year=year, semester=semester, quota=quota, workshop_name=name, workshop_date=workshop_date,
        workshop_place=place, first_period=first, last_period=last,
        letter_number=_letter_number(year, semester, today), opened_by_id=user.id)
    db.session.add(nomination_round)
    db.session.flush()
    audit.record("nomination_round_opened", target=f"nomination_round:{nomination_round.id}",
                 detail=f"{year} semester {semester}, kuota {quota}, {first}..{last}", user_id=user.id)
    signals.nomination_round_opened.send(nomination_round)
    db.session.commit()
    return nomination_round


def proposal(nomination_round: NominationRound, province_ids: list[int] | None = None) -> pd.DataFrame:
    """The ranked writers of each province for this round (``scoring_adapter.nomination_proposal``)."""
    return scoring_adapter.nomination_proposal(nomination_round.first_period, nomination_round.last_period,
                                               nomination_round.quota, province_ids)


def confirm_province(nomination_round: NominationRound, province: Province, user: User, writer_ids: list[int],
                     reason: str) -> list[Nomination]:
    """Confirm a province's delegates: up to the quota, chosen among the province's ranked writers. Choosing
    anyone but the proposal needs a reason. A second confirmation replaces the first."""
    import pandas as pd

    if not rules.can_confirm_for(user, province):
        raise RewardError(_("Anda hanya dapat mengonfirmasi utusan provinsi Anda sendiri."))
    chosen = list(dict.fromkeys(writer_ids))
    if not chosen:
        raise RewardError(_("Pilih sekurang-kurangnya satu penulis."))
    if len(chosen) > nomination_round.quota:
        raise RewardError(_("Kuota provinsi ini %(quota)d orang; Anda memilih %(chosen)d. Kurangi pilihan Anda.",
                            quota=nomination_round.quota, chosen=len(chosen)))
    ranked = proposal(nomination_round, [province.id])
    rows = {int(r.writer): r for r in ranked.itertuples(index=False)}
    strangers = [w for w in chosen if w not in rows]
    if strangers:
        raise RewardError(_("Hanya penulis best practice provinsi ini pada periode putaran yang dapat dipilih."))
    proposed = [w for w, r in rows.items() if r.proposed]
    reason = _clean(reason, rules.MAX_REASON_CHARS)
    if set(chosen) != set(proposed) and not reason:
        raise RewardError(_("Pilihan Anda berbeda dari usulan portal: tuliskan alasan penggantiannya."))
    db.session.execute(delete(Nomination).where(Nomination.round_id == nomination_round.id,
                                                Nomination.province_id == province.id))
    chosen.sort(key=lambda w: rows[w].rank)
    nominations = []
    for position, writer in enumerate(chosen, 1):
        row = rows[writer]
        mean_na = None if pd.isna(row.mean_NA) else float(row.mean_NA)
        nominations.append(Nomination(
            round_id=nomination_round.id, province_id=province.id, user_id=writer, position=position,
            proposed=bool(row.proposed), best_practices=int(row.best_practices), mean_na=mean_na,
            reason="" if row.proposed else reason, confirmed_by_id=user.id))
    db.session.add_all(nominations)
    audit.record("nominations_confirmed", target=f"nomination_round:{nomination_round.id}",
                 detail=f"provinsi {province.id}: {', '.join(map(str, chosen))}" + (f"; alasan: {reason}" if reason else ""),
                 user_id=user.id)
    signals.nominations_confirmed.send(nomination_round, province=province, nominations=nominations)
    db.session.commit()
    return nominations
