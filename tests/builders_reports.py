"""Rows for the reports tests, built directly: panels, entries, sheets, extensions, knowledge products."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.extensions import db
from portal.models import (
    Entry,
    EntryStatus,
    Extension,
    KnowledgeProduct,
    Panel,
    PanelMember,
    PanelMode,
    PanelStatus,
    Score,
    ScoreSheet,
    SheetStatus,
    Tier,
)
from portal.rubrics import active_rubric


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def make_panel(
    tier: Tier,
    period: str = "2026-11",
    *,
    city=None,
    kmw=None,
    members=(),
    chair=None,
    closed_at: datetime | None = None,
    mode: PanelMode = PanelMode.INDIVIDUAL,
    letter_number: str | None = None,
) -> Panel:
    key = f"city:{city.id}" if city is not None else f"kmw:{kmw.id}" if kmw is not None else "national"
    panel = Panel(
        tier=tier,
        period=period,
        scope_key=key,
        city=city,
        kmw=kmw,
        mode=mode,
        rubric=active_rubric(),
        status=PanelStatus.CLOSED if closed_at else PanelStatus.OPEN,
        closed_at=closed_at,
        chair_id=chair.id if chair is not None else None,
        letter_number=letter_number,
    )
    for user in members:
        panel.members.append(PanelMember(user_id=user.id))
    db.session.add(panel)
    db.session.commit()
    return panel


def add_entry(panel: Panel, piece, *, status: str = "eligible", **decision) -> Entry:
    entry = Entry(panel=panel, piece_id=piece.id, status=EntryStatus(status), **decision)
    db.session.add(entry)
    db.session.commit()
    return entry


def scores_for_total(total: int) -> dict[int, int]:
    """Scores of the default rubric (weights 10, instruments 2 and 6 weigh 20) adding up to ``total``
    (a multiple of 10 between 100 and 1000)."""
    base, rest = divmod(total, 100)
    scores = {code: base for code in range(1, 9)}
    steps = rest // 10
    for code in (2, 6):  # the two instruments weighing 20 take two steps each
        if steps >= 2:
            scores[code] += 1
            steps -= 2
    for code in (1, 3, 4, 5, 7, 8)[:steps]:
        scores[code] += 1
    assert sum(s * (20 if c in (2, 6) else 10) for c, s in scores.items()) == total
    return scores


def add_sheet(
    entry: Entry, user, total: int, *, submitted: bool = True, consensus: bool = False
) -> ScoreSheet:
    sheet = ScoreSheet(
        entry=entry,
        user_id=user.id,
        consensus=consensus,
        rubric_id=entry.panel.rubric_id,
        status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
        submitted_at=utc(2026, 11, 22) if submitted else None,
    )
    for code, score in scores_for_total(total).items():
        sheet.scores.append(Score(instrument_code=code, score=score))
    db.session.add(sheet)
    db.session.commit()
    return sheet


def extension(period: str, stage: str, until: datetime, *, team=None, city=None, kmw=None) -> Extension:
    ext = Extension(
        period=period,
        stage=stage,
        until=until,
        reason="Banjir",
        team_id=getattr(team, "id", None),
        city_id=getattr(city, "id", None),
        kmw_id=getattr(kmw, "id", None),
    )
    db.session.add(ext)
    db.session.commit()
    return ext


def knowledge_product(
    author, kmw, *, year: int = 2026, submitted_at: datetime | None = None, title: str = "Produk pengetahuan"
) -> KnowledgeProduct:
    kp = KnowledgeProduct(
        author_id=author.id, kmw_id=kmw.id, year=year, title=title, submitted_at=submitted_at
    )
    db.session.add(kp)
    db.session.commit()
    return kp


def submit_at(piece, at: datetime) -> None:
    piece.submitted_at = at
    db.session.commit()
