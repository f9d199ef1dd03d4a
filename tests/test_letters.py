"""Decision letters: numbering per issuer per year, Indonesian dates, and a PDF that reads back."""
from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from builders_panels import check_all, city_panel, make_pool, score_all
from sqlalchemy.exc import IntegrityError

from portal import letter_page
from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import Panel, Tier
from portal.panels import letters
from portal.panels import operations as ops


def _text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def test_numbers_follow_issuer_and_year(app, make_tree):
    tree = make_tree()
    kmw_a, kmw_b = tree.kmw["A"], tree.kmw["B"]
    a1 = Panel(tier=Tier.PROVINCE, period="2026-10", scope_key=f"kmw:{kmw_a.id}", kmw=kmw_a)
    db.session.add(a1)
    db.session.flush()
    assert letters.next_letter_number(a1, date(2026, 10, 25)) == "001/KMW-A/BP/X/2026"
    a1.letter_number = "001/KMW-A/BP/X/2026"
    a2 = Panel(tier=Tier.PROVINCE, period="2026-11", scope_key=f"kmw:{kmw_a.id}", kmw=kmw_a)
    b1 = Panel(tier=Tier.PROVINCE, period="2026-11", scope_key=f"kmw:{kmw_b.id}", kmw=kmw_b)
    nat = Panel(tier=Tier.NATIONAL, period="2026-11", scope_key="national")
    db.session.add_all([a2, b1, nat])
    db.session.flush()
    assert letters.next_letter_number(a2, date(2026, 11, 25)) == "002/KMW-A/BP/XI/2026"
    assert letters.next_letter_number(b1, date(2026, 11, 25)) == "001/KMW-B/BP/XI/2026"
    assert letters.next_letter_number(a2, date(2027, 1, 3)) == "001/KMW-A/BP/I/2027"
    assert letters.next_letter_number(nat, date(2026, 11, 30)) == "001/KMP/BP/XI/2026"
    a2.letter_number = "001/KMW-A/BP/X/2026"
    with pytest.raises(IntegrityError):  # unique in the database
        db.session.flush()
    db.session.rollback()


@pytest.fixture
def closed_city_panel(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    titles = ["Sumur resapan warga", "Bank sampah ibu-ibu", "Jalan setapak gotong royong"]
    pieces = [make_piece(tree.team[f"demak-TF{i:02d}"], title=t) for i, t in enumerate(titles, 1)]
    pool = make_pool(make_user, 3, tree.city["demak"])
    pool[0].name = "Ir. Ketut Ayu Widyastuti"
    db.session.commit()
    panel = city_panel(tree, "demak", pool, admin)
    check_all(panel, admin)
    levels = {pieces[0].id: 9, pieces[1].id: 8, pieces[2].id: 4}
    score_all(panel, pool, lambda e: levels[e.piece_id])
    ops.close_panel(panel.id, pool[0], now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    return panel, pool


def test_city_berita_acara_reads_back(closed_city_panel):
    panel, _pool = closed_city_panel
    assert panel.letter_date == date(2026, 11, 20) and panel.closed_late is False
    text = _text(letters.letter_pdf(panel))
    assert "BERITA ACARA" in text and panel.letter_number in text
    assert "20 November 2026" in text
    assert "Sumur resapan warga" in text and "Bank sampah ibu-ibu" in text
    assert "Jalan setapak" not in text  # quota 2 in a city with 3 TF teams
    assert "Ir. Ketut Ayu Widyastuti" in text and "Ketua" in text


def test_core_font_fallback_still_writes_a_pdf(closed_city_panel, monkeypatch):
    panel, pool = closed_city_panel
    monkeypatch.setattr(letter_page, "DEJAVU", Path("/nonexistent"))
    pool[1].name = "Nur’aini “Ani”"  # characters outside latin-1 are replaced, not fatal
    pdf = letters.letter_pdf(panel)
    assert pdf.startswith(b"%PDF")
    assert "Sumur resapan warga" in _text(pdf)


def test_late_close_is_recorded(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    make_piece(tree.team["jayapura-TF01"])
    pool = make_pool(make_user, 3, tree.city["jayapura"])
    panel = city_panel(tree, "jayapura", pool, admin)
    check_all(panel, admin)
    score_all(panel, pool, lambda e: 7)
    # 20 November ends at 00:00 on the 21st in Jayapura (WIT, UTC+9) = 15:00 UTC on the 20th.
    ops.close_panel(panel.id, pool[0], now=datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    assert panel.closed_late is True and panel.letter_date == date(2026, 11, 21)
    kmw_panel = ops.find_panel(Tier.PROVINCE, "2026-11", kmw_id=tree.kmw["B"].id)
    assert [e.late for e in kmw_panel.entries] == [True]
