"""The demo pipeline: a decided previous month and a current month in progress, clickable by the demo accounts."""
from __future__ import annotations

from portal.cycle import current_period
from portal.demo import DEMO_PASSWORD, load_demo_data
from portal.extensions import db
from portal.models.people import User
from portal.models.pieces import BestPractice, Piece
from portal.models.reviews import Panel, PanelStatus, SheetStatus, Tier


def test_demo_pipeline(app, client, login):
    assert load_demo_data()
    now = current_period("Asia/Jakarta")
    before = now.previous()
    panels = {(p.period, p.tier, p.scope_key): p for p in db.session.scalars(db.select(Panel))}
    closed_before = [p for (period, _, _), p in panels.items() if period == before]
    assert {p.tier for p in closed_before} == {Tier.CITY, Tier.PROVINCE, Tier.NATIONAL}
    assert all(p.status == PanelStatus.CLOSED and p.letter_number for p in closed_before)
    national = db.session.scalars(db.select(Piece).where(Piece.best_practice == BestPractice.NATIONAL)).all()
    province = db.session.scalars(db.select(Piece).where(Piece.best_practice == BestPractice.PROVINCE)).all()
    assert national and all(p.published_at for p in national + province)
    current = {p.tier: p for (period, _, _), p in panels.items() if period == now}
    assert current[Tier.CITY].status == PanelStatus.CLOSED
    kmw = current[Tier.PROVINCE]
    assert kmw.status == PanelStatus.OPEN and len(kmw.members) == 3 and kmw.entries
    sheets = [s for e in kmw.entries for s in e.sheets if s.status == SheetStatus.SUBMITTED]
    assert sheets and len(sheets) < 3 * len(kmw.entries)

    member = db.session.scalar(db.select(User).where(User.email == "penilai2.jateng@demo.bp.id"))
    c = login(member, password=DEMO_PASSWORD)
    assert c.get("/penilaian/").status_code == 200
    page = c.get(f"/penilaian/panel/{kmw.id}")
    assert page.status_code == 200
    entry = kmw.entries[0]
    assert c.get(f"/penilaian/entri/{entry.id}/nilai").status_code == 200
    assert c.get(f"/penilaian/panel/{kmw.id}/hasil").status_code == 200
    prev_kmw = next(p for p in closed_before if p.tier == Tier.PROVINCE)
    assert c.get(f"/penilaian/panel/{prev_kmw.id}/surat.pdf").data.startswith(b"%PDF")
