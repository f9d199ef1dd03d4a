"""The results page: an open panel's live results, and a closed panel's recorded decision.

A closed panel shows what ``close_panel`` stored on its entries (NA, rank, ties, selection, the chair's tie
decisions): the official record, the one the letter prints. Nothing is ranked again.
"""
from __future__ import annotations

import re

import pytest
from builders_panels import (
    PERIOD,
    check_all,
    city_panel,
    kmw_panel,
    make_pool,
    score_all,
    scores_for,
    tied_city_panel,
)
from querycount import count_queries

from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import Entry, PanelStatus, Tier
from portal.panels import operations as ops
from portal.panels import queries


def _client(app, login, user):
    return login(user, c=app.test_client())


def _cards(html: str) -> list[str]:
    """Each result card, without what only an open panel offers (the sheet link and the tie form)."""
    cards = re.findall(r'<li class="card result.*?</li>', html, flags=re.S)
    cards = [re.sub(r'<p class="small"><a href="[^"]*/nilai">.*?</a></p>', "", c, flags=re.S) for c in cards]
    cards = [re.sub(r"<form .*?</form>", "", c, flags=re.S) for c in cards]
    return [" ".join(c.split()) for c in cards]


@pytest.fixture
def tied_panel(app, make_tree, make_user, make_piece):
    """Demak (3 TF teams: quota 2): NA 900, 700, 700; the two at 700 tie at the cut-off."""
    _admin, pool, panel, entries = tied_city_panel(make_tree, make_user, make_piece,
                                                   ("Kisah Alfa", "Kisah Bravo", "Kisah Charlie"),
                                                   korkot_title="Kisah Korkot")
    return panel, pool, entries


def test_closed_results_show_the_recorded_decision(app, login, tied_panel):
    panel, pool, (alfa, bravo, charlie) = tied_panel
    # A disagreement on Alfa's first instrument (9 and 5): flagged for discussion, on both pages.
    ops.save_sheet(alfa.id, pool[1], scores_for(9, bump=-4), version=1, submit=True)
    chair = _client(app, login, pool[0])
    ops.decide_tie(bravo.id, pool[0], True, "Data lebih lengkap")
    ops.decide_tie(charlie.id, pool[0], False, "Foto kurang jelas")
    before = chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "Catat keputusan" in before  # open: the chair may still change the decision
    assert chair.post(f"/penilaian/panel/{panel.id}/tutup").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(panel), panel.id).status == PanelStatus.CLOSED

    after = chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert _cards(after) == _cards(before) and len(_cards(after)) == 3
    assert "Catat keputusan" not in after and "Ubah nilai saya" not in after
    cards = _cards(after)
    assert "Kisah Alfa" in cards[0] and "chosen" in cards[0] and "886,67" in cards[0]
    assert "Perlu didiskusikan" in cards[0] and "Kondisi riil di lapangan (5–9)" in cards[0]
    assert "Kisah Bravo" in cards[1] and "chosen" in cards[1] and "naik</strong> — Data lebih lengkap" in cards[1]
    assert "Kisah Charlie" in cards[2] and "chosen" not in cards[2]
    assert "tidak naik</strong> — Foto kurang jelas" in cards[2]
    for card in cards[1:]:
        assert "#2" in card and "Seri di batas kuota: keputusan ketua" in card
    for member in pool:  # each member's total and instrument scores stay on the record
        assert all(member.name in card for card in cards)
    assert "Kalibrasi anggota" in after

    # The page reads the record: what close_panel stored is what it shows, never a recomputation.
    stored = db.session.get(Entry, charlie.id)
    stored.na, stored.rank, stored.passed = 654.321, 7, False
    db.session.commit()
    card = next(c for c in _cards(chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True))
                if "Kisah Charlie" in c)
    assert "654,32" in card and "#7" in card and "Belum lulus" in card


def test_open_results_are_live(app, login, tied_panel):
    panel, pool, (alfa, bravo, charlie) = tied_panel
    chair = _client(app, login, pool[0])
    html = chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert html.count("Seri di batas kuota") == 2 and "Ubah nilai saya" in html
    # A member raises Charlie: the tie is gone at once, and Charlie goes up by the rule.
    ops.save_sheet(charlie.id, pool[1], scores_for(10), version=1, submit=True)
    cards = _cards(chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True))
    assert "Seri di batas kuota" not in " ".join(cards)
    charlie_card = next(c for c in cards if "Kisah Charlie" in c)
    assert "#2" in charlie_card and "800,00" in charlie_card and "Naik" in charlie_card


def test_close_drops_a_tie_decision_that_no_longer_stands(app, login, tied_panel):
    panel, pool, (_alfa, bravo, charlie) = tied_panel
    ops.decide_tie(bravo.id, pool[0], True, "Data lebih lengkap")
    ops.decide_tie(charlie.id, pool[0], False, "Foto kurang jelas")
    ops.save_sheet(charlie.id, pool[1], scores_for(8), version=1, submit=True)  # no longer tied: Charlie 733
    ops.close_panel(panel.id, pool[0])
    db.session.expire_all()
    bravo, charlie = db.session.get(Entry, bravo.id), db.session.get(Entry, charlie.id)
    assert charlie.selected and charlie.tie_reason == "" and bravo.selected is False and bravo.tie_reason == ""
    html = _client(app, login, pool[0]).get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "Keputusan ketua" not in html and "Seri di batas kuota" not in html


def _statements(client, url) -> list[str]:
    client.get(url)
    db.session.remove()
    queries.forget_decided_views()  # count a page that builds its view (a closed panel's is kept afterwards)
    with count_queries(db.engine) as statements:
        assert client.get(url).status_code == 200
    return [" ".join(s.split()) for s in statements]


def test_results_read_the_scores_once(app, login, tied_panel):
    """Open or closed, the scores are read in one query (no Score objects); a closed panel loads no sheets."""
    panel, pool, (_alfa, bravo, charlie) = tied_panel
    chair = _client(app, login, pool[0])
    url = f"/penilaian/panel/{panel.id}/hasil"
    for closed in (False, True):
        statements = _statements(chair, url)
        assert len([s for s in statements if "JOIN score ON" in s]) == 1, "\n".join(statements)
        assert not [s for s in statements if "score.id AS score_id" in s]
        assert bool([s for s in statements if "score_sheet.status AS score_sheet_status" in s]) is not closed
        if not closed:
            ops.decide_tie(bravo.id, pool[0], True, "Data lebih lengkap")
            ops.decide_tie(charlie.id, pool[0], False, "Foto kurang jelas")
            ops.close_panel(panel.id, pool[0])


def test_number_rows_escape_labels_and_take_only_whole_numbers(app):
    from portal.panels.routes import number_rows

    html = str(number_rows([("<b>Kondisi</b> & riil", [9, 10]), ("Inovasi", (1, 2)), ("Ani", 800)]))
    assert html == ("<tr><td>&lt;b&gt;Kondisi&lt;/b&gt; &amp; riil</td><td>9</td><td>10</td></tr>"
                    "<tr><td>Inovasi</td><td>1</td><td>2</td></tr><tr><td>Ani</td><td>800</td></tr>")
    for bad in (["<script>"], "<script>"):
        with pytest.raises(TypeError):
            number_rows([("x", bad)])


def test_closed_city_panel_shows_calibration_beside_a_returned_piece(app, login, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    pieces = [make_piece(tree.team[f"semarang-TF{i:02d}"], title=f"Kisah {i}") for i in range(1, 5)]
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin)
    returned = next(e for e in panel.entries if e.piece_id == pieces[3].id)
    ops.check_entry(returned.id, admin, {c: c != 4 for c in range(1, 9)})  # point 4 not explained: returned
    check_all(panel, admin)
    levels = {pieces[0].id: 9, pieces[1].id: 8, pieces[2].id: 6}
    score_all(panel, pool, lambda e: levels[e.piece_id])
    ops.close_panel(panel.id, pool[0])
    html = _client(app, login, pool[0]).get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert len(_cards(html)) == 3 and "Kisah 4" not in html
    assert "Kalibrasi anggota" in html  # the whole panel is decided: every member's calibration is shown


def test_closed_province_panel_ranks_the_korkot_piece_with_the_others(app, login, make_tree, make_user, make_piece):
    """A Korkot piece reaches the KMW panel directly ('outside the city quota'): at the province it competes
    like any other, on the closed page as on the open one."""
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    korkot = make_piece(tree.team["semarang-KK"], title="Kisah Korkot")
    ops.open_panel(Tier.CITY, PERIOD, admin, city=tree.city["semarang"])
    pool = make_pool(make_user, 3, tree.kmw["A"], prefix="kmw")
    panel = kmw_panel(tree, "A", pool, admin)
    assert [e.outside_quota for e in panel.entries] == [True]
    score_all(panel, pool, lambda e: 8)
    chair = _client(app, login, pool[0])
    before = _cards(chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True))
    ops.close_panel(panel.id, pool[0])
    after = _cards(chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True))
    assert after == before and korkot.title in after[0]
    assert "Naik" in after[0] and "Di luar kuota" not in after[0]


def test_closed_results_are_built_once_and_follow_renames(app, login, tied_panel):
    """A closed panel's view is kept by the worker: the next view reads no scores. A renamed member (a change
    the page shows) is seen at once; so is the calibration, which only the chair's view carries."""
    panel, pool, (_alfa, bravo, charlie) = tied_panel
    ops.decide_tie(bravo.id, pool[0], True, "Data lebih lengkap")
    ops.decide_tie(charlie.id, pool[0], False, "Foto kurang jelas")
    ops.close_panel(panel.id, pool[0])
    chair, member = _client(app, login, pool[0]), _client(app, login, pool[1])
    url = f"/penilaian/panel/{panel.id}/hasil"
    first = chair.get(url).get_data(as_text=True)
    db.session.remove()
    with count_queries(db.engine) as statements:
        second = chair.get(url).get_data(as_text=True)
    assert _cards(second) == _cards(first)
    assert not [s for s in statements if "JOIN score ON" in s], "\n".join(statements)
    assert "Kalibrasi anggota" in second
    assert "Kalibrasi anggota" not in member.get(url).get_data(as_text=True)

    renamed = db.session.get(type(pool[2]), pool[2].id)
    renamed.name = "Ir. Nama Baru Sekali"
    db.session.commit()
    assert all("Ir. Nama Baru Sekali" in card for card in _cards(chair.get(url).get_data(as_text=True)))


def test_kept_results_list_follows_the_reader_language(app, login, tied_panel):
    """The rendered list of a closed panel is kept per language: a reader who switched to English gets English."""
    panel, pool, (_alfa, bravo, charlie) = tied_panel
    ops.decide_tie(bravo.id, pool[0], True, "Data lebih lengkap")
    ops.decide_tie(charlie.id, pool[0], False, "Foto kurang jelas")
    ops.close_panel(panel.id, pool[0])
    url = f"/penilaian/panel/{panel.id}/hasil"
    indonesian, english = _client(app, login, pool[1]), _client(app, login, pool[2])
    assert "Nilai per instrumen" in indonesian.get(url).get_data(as_text=True)
    english.get("/akun/bahasa/en")
    html = english.get(url).get_data(as_text=True)
    assert "Scores per criterion" in html and "Nilai per instrumen" not in html
    assert "Nilai per instrumen" in indonesian.get(url).get_data(as_text=True)


def test_kept_results_list_goes_out_as_the_page_it_was_rendered_in(app, login, tied_panel):
    """The closed panel's list is kept as the bytes it was encoded to and sent between the page's own parts
    (``portal.kept.page_around``): the page a member gets from the kept list is, byte for byte, the page whose
    rendering kept it, whole, in UTF-8 (a name with letters outside ASCII), with its length and headers."""
    panel, pool, (_alfa, bravo, charlie) = tied_panel
    renamed = db.session.get(type(pool[2]), pool[2].id)
    renamed.name = "Ñoman Śuryā – Ketua Tim ≥ 3"
    db.session.commit()
    ops.decide_tie(bravo.id, pool[0], True, "Data lebih lengkap")
    ops.decide_tie(charlie.id, pool[0], False, "Foto kurang jelas")
    ops.close_panel(panel.id, pool[0])
    queries.forget_decided_views()
    member = _client(app, login, pool[1])
    url = f"/penilaian/panel/{panel.id}/hasil"
    first, second = member.get(url), member.get(url)  # the first renders and keeps the list, the second reuses it
    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data()
    for response in (first, second):
        body = response.get_data()
        assert int(response.headers["Content-Length"]) == len(body)
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in response.headers
        html = body.decode("utf-8")
        assert html.rstrip().endswith("</html>") and html.count("<ol class=\"results\">") == 1
        assert "\x00" not in html
        assert "Ñoman Śuryā – Ketua Tim ≥ 3" in html
        assert len(_cards(html)) == 3


def test_page_around_without_the_part_in_the_template(app):
    """A template that does not show the kept part gives its page as rendered, with no slot left in it."""
    from portal.kept import encode_part, page_around

    with app.test_request_context("/"):
        response = page_around(encode_part("<p>tidak dipakai</p>"), "error.html", "listing", code=404,
                               title="Tidak ditemukan", text="Halaman tidak ada.")
        html = response.get_data(as_text=True)
    assert "tidak dipakai" not in html and "\x00" not in html and "Halaman tidak ada." in html
    assert html.rstrip().endswith("</html>")
