"""The Period value: parsed once at the edges (URL, form, query string, database), asked for its neighbours and
label inside."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import Piece
from portal.period import Period


@pytest.mark.parametrize("text", ["2026-11", " 2026-11 ", "2000-01", "2100-12"])
def test_valid_periods(text):
    period = Period(text)
    assert period == text.strip() and isinstance(period, str)
    assert hash(period) == hash(text.strip()) and {text.strip(): 1}[period] == 1


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "2026-1", "26-11", "1999-12", "2101-01", "2026/11",
                                  "2026-11-01", "abcd-ef", "2026-1\n", "２０２６-１１"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(ValueError):
        Period(text)
    assert Period.parse(text) is None


def test_neighbours_labels_and_days():
    assert Period("2026-12").next() == "2027-01" and Period("2027-01").previous() == "2026-12"
    assert Period("2026-11").label() == "November 2026" and Period("2026-11").label("en") == "November 2026"
    assert Period("2026-08").label() == "Agustus 2026" and Period("2026-08").label("en") == "August 2026"
    assert Period("2028-02").day(-1).day == 29 and Period("2026-11").day(15).isoformat() == "2026-11-15"
    assert (Period("2026-11").year, Period("2026-11").month) == (2026, 11)


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_next_and_previous_undo_each_other(year, month):
    period = Period.of(year, month)
    assert period.next().previous() == period
    assert period < period.next()  # as strings, months sort in time order


def test_the_database_gives_back_periods(app, make_tree, make_piece):
    tree = make_tree()
    piece = make_piece(tree.team["semarang-TF01"], period="2026-11")
    db.session.expire_all()
    loaded = db.session.get(Piece, piece.id)
    assert isinstance(loaded.period, Period) and loaded.period.next() == "2026-12"
    assert db.session.scalar(db.select(Piece.id).where(Piece.period == Period("2026-11"))) == piece.id


def test_a_malformed_month_in_a_url_is_a_404(client):
    assert client.get("/elearning/bulan/2026-11").status_code == 200
    for bad in ("2026-13", "2026-1", "1999-12", "abcd"):
        assert client.get(f"/elearning/bulan/{bad}").status_code == 404


def test_a_malformed_month_in_a_form_keeps_what_was_typed(app, make_tree, make_user, login):
    tree = make_tree()
    dm = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    c = login(dm)
    page = c.post("/penilaian/kelola", data={"node": f"city:{tree.city['semarang'].id}", "period": "2026-13"})
    html = page.get_data(as_text=True)
    assert "Tulis bulan sebagai TTTT-BB" in html and 'value="2026-13"' in html
    page = c.get("/laporan/?periode=Nov-2026").get_data(as_text=True)
    assert "Tulis bulan sebagai TTTT-BB" in page and 'value="Nov-2026"' in page
    assert c.get("/laporan/lampiran3.csv?periode=2026-13").status_code in (400, 404)
