"""The ORM -> pandas adapter: which sheets count, in how many queries, and the tier rules."""
from __future__ import annotations

import pandas as pd
import pytest
from builders_panels import check_all, city_panel, kmw_panel, make_pool, score_all, scores_for
from sqlalchemy import event

import scoring
from portal import scoring_adapter as sa
from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import Entry, PanelMode, Tier
from portal.panels import operations as ops


@pytest.fixture
def setup(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    pieces = [make_piece(tree.team[f"semarang-TF{i:02d}"]) for i in range(1, 6)]
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, admin)
    check_all(panel, admin)
    return tree, admin, pieces, pool, panel


def _count_queries():
    counter = {"n": 0}

    def before(*args, **kwargs):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    return counter, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_scores_frame_is_tidy_and_one_query(setup):
    _tree, _admin, _pieces, pool, panel = setup
    score_all(panel, pool, lambda e: 6)
    db.session.expire_all()
    assert panel.id  # loads the panel row itself before counting
    counter, stop = _count_queries()
    try:
        frame = sa.scores_frame(panel)
    finally:
        stop()
    assert counter["n"] == 1
    assert list(frame.columns) == sa.COLUMNS
    assert len(frame) == 5 * 3 * 8
    assert set(frame["tier"]) == {"city"} and set(frame["period"]) == {"2026-11"}
    assert set(frame["reviewer"]) == {m.id for m in pool}
    assert frame["score"].dtype == "int64"
    entries = db.session.scalars(db.select(Entry).where(Entry.panel_id == panel.id)).all()
    assert len(sa.scores_frame(entries[:2])) == 2 * 3 * 8
    assert len(sa.scores_frame([entries[0].id])) == 3 * 8


def test_drafts_and_recused_sheets_do_not_count(setup):
    _tree, _admin, _pieces, pool, panel = setup
    entry = panel.entries[0]
    ops.save_sheet(entry.id, pool[0], scores_for(9), version=None, submit=False)
    assert sa.scores_frame(panel).empty
    assert len(sa.scores_frame(panel, submitted_only=False)) == 8
    ops.save_sheet(entry.id, pool[1], scores_for(4), version=None, submit=True)
    ops.recuse(entry.id, pool[1], "konflik")
    assert sa.scores_frame(panel).empty


def test_empty_panel_gives_empty_results(setup):
    _tree, _admin, _pieces, _pool, panel = setup
    results = sa.panel_results(panel)
    assert list(results.columns) == sa.RESULT_COLUMNS
    assert results["reviewers"].eq(0).all() and len(results) == 5
    assert sa.member_totals(panel).empty
    assert sa.panel_disagreement(panel).empty
    assert sa.panel_calibration(panel).empty


def test_city_results_quota_and_totals(setup):
    _tree, _admin, pieces, pool, panel = setup
    levels = {p.id: lvl for p, lvl in zip(pieces, [9, 8, 7, 6, 5])}
    score_all(panel, pool, lambda e: levels[e.piece_id])
    # the level-9 piece's entry, named (the panel's entries come in no fixed order on PostgreSQL)
    top = next(e for e in panel.entries if levels[e.piece_id] == 9)
    ops.save_sheet(top.id, pool[0], scores_for(9, bump=-6), version=1, submit=True)
    results = sa.panel_results(panel)
    assert results["shortlisted"].tolist() == ["yes", "yes", "yes", "no", "no"]  # Semarang: 9 TF teams -> 3
    assert results["selected"].tolist() == [True, True, True, False, False]
    totals = sa.member_totals(panel)
    assert set(totals.columns) == {"entry", "piece", "reviewer", "total"}
    assert totals["total"].max() == 900
    flagged = sa.panel_disagreement(panel)
    assert flagged[flagged["flagged"]][["entry", "instrument"]].values.tolist() == [[top.id, 1]]
    calib = sa.panel_calibration(panel)
    assert set(calib["reviewer"]) == {m.id for m in pool}
    assert calib.set_index("reviewer").loc[pool[0].id, "distance"] < 0


def test_one_reading_of_the_scores_gives_every_table(setup):
    """A page reads the scores once (panel_scores) and asks for several tables: each is what its own
    function, reading the scores itself, returns."""
    _tree, _admin, pieces, pool, panel = setup
    levels = {p.id: lvl for p, lvl in zip(pieces, [9, 7, 7, 6, 5])}
    score_all(panel, pool, lambda e: levels[e.piece_id])
    ops.save_sheet(panel.entries[0].id, pool[1], scores_for(9, bump=-5), version=1, submit=True)
    db.session.expire_all()
    counter, stop = _count_queries()
    try:
        scores = sa.panel_scores(panel)
        reads = counter["n"]
        tables = sa.panel_discussion(panel, scores, calibration=True)
        # nothing more: the engine form of the panel's rubric version is kept by the version's id (versions are
        # never edited), so not even the version is read again
        assert counter["n"] == reads
    finally:
        stop()
    expected = (sa.member_totals(panel), sa.panel_disagreement(panel), sa.panel_calibration(panel))
    for got, want in zip(tables, expected, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(sa.panel_results(panel, scores), sa.panel_results(panel), check_exact=True)
    pd.testing.assert_frame_equal(sa.member_totals(panel, scores), expected[0], check_exact=True)
    assert sa.panel_discussion(panel, scores)[2] is None


def test_incomplete_submitted_sheet_is_refused_by_the_engine(setup):
    _tree, _admin, _pieces, pool, panel = setup
    with pytest.raises(ops.PanelError):
        ops.save_sheet(panel.entries[0].id, pool[0], {**scores_for(5), 3: None}, version=None, submit=True)


def test_province_rule_best_three_that_passed(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    pieces = [make_piece(tree.team["semarang-KK"])] + [make_piece(tree.team[f"demak-TF{i:02d}"]) for i in (1, 2)]
    pieces.append(make_piece(tree.team["demak-KK"]))
    for key in ("semarang", "demak"):
        ops.open_panel(Tier.CITY, "2026-11", admin, city=tree.city[key])
    panel = kmw_panel(tree, "A", make_pool(make_user, 3, tree.kmw["A"]), admin)
    # Only the Korkot pieces arrived directly; add the two Demak pieces as if sent up.
    for piece in pieces[1:3]:
        panel.entries.append(Entry(piece=piece, status="eligible"))
    db.session.commit()
    levels = {pieces[0].id: 9, pieces[1].id: 8, pieces[2].id: 6, pieces[3].id: 7}
    score_all(panel, panel.members and [m.user for m in panel.members], lambda e: levels[e.piece_id])
    results = sa.panel_results(panel).set_index("piece")
    assert results.loc[pieces[2].id, "passed"] == False  # noqa: E712 - a numpy bool, exactly False
    assert results.loc[pieces[0].id, "outside_quota"] == False  # noqa: E712
    assert sorted(results.index[results["shortlisted"] == "yes"]) == sorted([pieces[0].id, pieces[1].id, pieces[3].id])


def test_consensus_frame_uses_only_the_chairs_sheet(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    make_piece(tree.team["demak-TF01"])
    pool = make_pool(make_user, 3, tree.city["demak"])
    panel = city_panel(tree, "demak", pool, admin, mode=PanelMode.CONSENSUS)
    check_all(panel, admin)
    ops.save_sheet(panel.entries[0].id, pool[0], scores_for(7), version=None, submit=True, consensus=True)
    results = sa.panel_results(panel)
    assert results["NA"].tolist() == [700.0] and results["reviewers"].tolist() == [1]
    assert isinstance(sa.panel_rubric(panel), scoring.Rubric)
    totals, spread, calibration = sa.panel_discussion(panel, calibration=True)
    assert totals["total"].tolist() == [700] and spread is None and calibration is None
