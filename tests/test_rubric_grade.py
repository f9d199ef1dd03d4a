"""One source for the passing grade and the weights: the rubric version of the panel, read through the adapter,
and one source for "passed": the decision the panel recorded (Entry.passed).

An administrator writes a rubric with passing grade 650 and other weights (instruments 1 and 2 weigh 20) and
activates it; a month runs through the city and KMW panels; every place that shows or uses the grade follows it:
the score sheet, the results page, the letter, Lampiran 2 (page, csv, xlsx), the statistics and the dashboards,
and the e-learning pages. A panel keeps the rubric it was opened with when another is activated later.
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pandas as pd
import pytest
from builders_panels import PERIOD, check_all, city_panel, form_scores, kmw_panel, make_pool, score_all
from builders_reports import add_entry, add_sheet, make_panel, utc
from openpyxl import load_workbook

import scoring
from portal import scoring_adapter
from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import BestPractice
from portal.models.reviews import Entry, Panel, PanelStatus, RubricVersion, ScoreSheet, Tier
from portal.panels import letters
from portal.panels import operations as ops
from portal.reports import dashboard, recaps, stats
from portal.reports.tracking import Scope
from portal.rubric_admin import operations as rubric_ops
from portal.rubrics import active_rubric

NEW_WEIGHTS = (20, 20, 10, 10, 10, 10, 10, 10)  # instruments 1 and 2 weigh 20; the default has 2 and 6


def _scores(first_two: int, rest: int) -> dict[int, int]:
    return {code: first_two if code <= 2 else rest for code in range(1, 9)}


# Four pieces before the KMW panel: (title, scores of every member, total under the new rubric, under the default).
# "Kisah Yankee" passes only under the new grade *and* the new weights; "Kisah Victor" would pass at 650 with the
# default weights but not with the new ones.
PROVINCE = {
    "Kisah X-ray": (_scores(10, 6), 760, 720),
    "Kisah Yankee": (_scores(9, 5), 660, 620),
    "Kisah Victor": (_scores(4, 8), 640, 680),
    "Kisah Zulu": (_scores(6, 6), 600, 600),
}
PASSED = {"Kisah X-ray", "Kisah Yankee"}


def new_rubric(version: str = "uji-650", grade: int = 650, weights=NEW_WEIGHTS) -> scoring.Rubric:
    default = scoring.default_rubric()
    return scoring.Rubric(version=version, passing_grade=grade, min_score=1, max_score=10, instruments=tuple(
        scoring.Instrument(i.code, i.name, i.description, w) for i, w in zip(default.instruments, weights)))


def activate_new_rubric(admin, **kwargs) -> RubricVersion:
    version = rubric_ops.create_version(new_rubric(**kwargs), by_id=admin.id)
    rubric_ops.activate(version, by_id=admin.id)
    return version


def test_the_new_rubric_totals_follow_its_weights():
    rubric = new_rubric()
    rubric.validate()
    default = scoring.default_rubric()
    for values, new_total, default_total in PROVINCE.values():
        assert (rubric.total(values), default.total(values)) == (new_total, default_total)


def _client(app, login, user):
    return login(user, c=app.test_client())


def _text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


@pytest.fixture
def graded_month(app, make_tree, make_user, make_piece):
    """The 650 rubric active; Semarang's city panel sends its three TF pieces up (its Korkot piece goes
    directly); the KMW A panel scores the four pieces as in PROVINCE and decides."""
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    version = activate_new_rubric(admin)
    titles = list(PROVINCE)
    pieces = {t: make_piece(tree.team[f"semarang-TF{i:02d}"], title=t) for i, t in enumerate(titles[:3], 1)}
    pieces[titles[3]] = make_piece(tree.team["semarang-KK"], title=titles[3])
    city_pool = make_pool(make_user, 3, tree.city["semarang"], prefix="kota")
    city = city_panel(tree, "semarang", city_pool, admin)
    check_all(city, admin)
    score_all(city, city_pool, lambda e: 8)
    ops.close_panel(city.id, city_pool[0])
    kmw_pool = make_pool(make_user, 3, tree.kmw["A"], prefix="kmw")
    panel = kmw_panel(tree, "A", kmw_pool, admin)
    by_piece = {p.id: t for t, p in pieces.items()}
    entries = {by_piece[e.piece_id]: e for e in panel.entries}
    assert set(entries) == set(PROVINCE)
    for title, entry in entries.items():
        for member in kmw_pool:
            ops.save_sheet(entry.id, member, PROVINCE[title][0], version=None, submit=True)
    return tree, version, panel, kmw_pool, pieces, entries


def _decide(panel, pool) -> Panel:
    ops.close_panel(panel.id, pool[0])
    db.session.expire_all()
    return db.session.get(Panel, panel.id)


def test_every_page_follows_the_active_rubric_grade_and_weights(app, login, make_user, graded_month):
    tree, version, panel, pool, pieces, entries = graded_month
    assert panel.rubric_id == version.id and panel.rubric.passing_grade == 650
    chair, member = _client(app, login, pool[0]), _client(app, login, pool[1])

    # The score sheet: the member's total by the panel's weights, out of the panel's maximum.
    html = member.get(f"/penilaian/entri/{entries['Kisah Yankee'].id}/nilai").get_data(as_text=True)
    assert '<strong id="running-total" data-max="1000">660</strong> / 1000' in html

    # The open panel's results: the grade of its rubric, NA by its weights, "Lulus" by its grade.
    html = chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "NA ≥ 650" in html and "NA ≥ 700" not in html
    assert "660,00" in html and "640,00" in html

    panel = _decide(panel, pool)
    decided = {t: db.session.get(Entry, e.id) for t, e in entries.items()}
    assert {t: e.na for t, e in decided.items()} == {t: float(v[1]) for t, v in PROVINCE.items()}
    assert {t for t, e in decided.items() if e.passed} == PASSED
    assert {t for t, e in decided.items() if e.selected} == PASSED  # the best 3 that passed: only two did
    assert {t for t, p in pieces.items() if db.session.get(type(p), p.id).best_practice == BestPractice.PROVINCE} \
        == PASSED

    # The decided results page.
    html = chair.get(f"/penilaian/panel/{panel.id}/hasil").get_data(as_text=True)
    assert "NA ≥ 650" in html and "NA ≥ 700" not in html

    # The letter states the panel's grade and instrument count, and declares what the panel recorded.
    r = chair.get(f"/penilaian/panel/{panel.id}/surat.pdf")
    assert r.status_code == 200
    text = _text(r.data)
    assert "8 instrumen penilaian" in text and "batas lulus 650" in text
    assert "NA sekurang-kurangnya 650" in text and "batas lulus 700" not in text and "kurangnya 700" not in text
    assert "Kisah Yankee" in text and "660,00" in text
    assert "Kisah Victor" not in text and "Kisah Zulu" not in text

    # Lampiran 2: the grade in the header, the members' totals by the panel's weights, "Lulus" = Entry.passed.
    header = "Lulus (NA ≥ 650)"
    frame = recaps.lampiran2(tree.kmw["A"], PERIOD).sections[0].frame.set_index("Judul")
    assert header in frame.columns and "Lulus (NA ≥ 700)" not in frame.columns
    for title, e in decided.items():
        assert frame.loc[title, header] == ("Ya" if e.passed else "Tidak")
        assert frame.loc[title, "NA"] == e.na
        assert {frame.loc[title, f"Nilai {m.name}"] for m in pool} == {float(PROVINCE[title][1])}
    dm = _client(app, login, make_user(Role.DATA_MANAGER, tree.kmw["A"]))
    url = f"/laporan/lampiran2/{tree.kmw['A'].id}"
    assert header in dm.get(f"{url}?periode={PERIOD}").get_data(as_text=True)
    data = dm.get(f"{url}/unduh/csv?periode={PERIOD}").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    at = next(i for i, row in enumerate(rows) if row and row[0] == "No")
    body = [dict(zip(rows[at], row)) for row in rows[at + 1:at + 1 + len(PROVINCE)]]
    assert {row["Judul"]: row[header] for row in body} == {t: "Ya" if t in PASSED else "Tidak" for t in PROVINCE}
    assert rows[at + 1 + len(PROVINCE)][rows[at].index(header)] == "2"  # the "Jumlah" row
    data = dm.get(f"{url}/unduh/xlsx?periode={PERIOD}").data
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    at = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "No")
    xlsx = pd.read_excel(io.BytesIO(data), sheet_name=0, header=at - 1)
    assert header in xlsx.columns
    assert dict(zip(xlsx["Judul"][:-1], xlsx[header][:-1])) == \
        {t: "Ya" if t in PASSED else "Tidak" for t in PROVINCE}

    # The statistics count the same decisions, and the dashboards name the same grade.
    scope = Scope("national")
    assert stats.pass_rate([PERIOD], scope, Tier.PROVINCE)[-1][1] == 50.0
    assert stats.passing_grades([PERIOD], scope, Tier.PROVINCE) == [650]
    national = _client(app, login, make_user(Role.DATA_MANAGER, None))
    for page in (national.get(f"/laporan/?periode={PERIOD}&tingkat=province"),
                 national.get(f"/laporan/kemajuan/{tree.kmw['A'].id}?periode={PERIOD}")):
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Sebaran NA dengan batas lulus 650" in html and "Persentase tulisan lulus (NA ≥ 650) per bulan" in html
        assert "batas lulus 650</text>" in html  # the histogram's line
        assert "batas lulus 700" not in html and "NA ≥ 700" not in html

    # The e-learning page of a provincial best practice names the grade it passed by.
    html = national.get(f"/elearning/tulisan/{pieces['Kisah Yankee'].id}").get_data(as_text=True)
    assert "Lulus: NA ≥ 650 dari 1.000." in html and "NA ≥ 700" not in html


def test_lampiran2_and_the_statistics_report_the_recorded_decision(app, make_tree, make_user, make_piece):
    """A decided panel's "passed" is read, never compared again: Lampiran 2, the statistics, the letter and the
    public page all say what Entry.passed says, even where NA and the grade would say otherwise."""
    tree = make_tree()
    members = [make_user(Role.PANEL_MEMBER, tree.kmw["A"], name=n) for n in ("Ani", "Budi", "Citra")]
    panel = make_panel(Tier.PROVINCE, PERIOD, kmw=tree.kmw["A"], members=members, chair=members[0],
                       closed_at=utc(2026, 11, 24), letter_number="001/KMW-A/BP/XI/2026")
    panel.letter_date = utc(2026, 11, 24).date()
    db.session.commit()
    high = make_piece(tree.team["semarang-TF01"], title="NA tinggi, tidak lulus")
    low = make_piece(tree.team["semarang-TF02"], title="NA rendah, lulus")
    e_high = add_entry(panel, high, na=710.0, reviewers=3, passed=False, rank=1, selected=False)
    e_low = add_entry(panel, low, na=690.0, reviewers=3, passed=True, rank=2, selected=True)
    for entry, total in ((e_high, 710), (e_low, 690)):
        for m in members:
            add_sheet(entry, m, total)
    frame = recaps.lampiran2(tree.kmw["A"], PERIOD).sections[0].frame.set_index("Judul")
    assert frame.loc[high.title, "Lulus (NA ≥ 700)"] == "Tidak" and frame.loc[low.title, "Lulus (NA ≥ 700)"] == "Ya"
    assert stats.pass_rate([PERIOD], Scope("national"), Tier.PROVINCE)[-1][1] == 50.0
    text = _text(letters.letter_pdf(panel))
    declared = text.split("tingkat provinsi (NA sekurang-kurangnya 700):")[1].split("Tiga terbaik")[0]
    assert low.title in declared and high.title not in declared


def test_a_panel_keeps_its_rubric_when_another_is_activated(app, login, make_tree, make_user, make_piece):
    """October's panel decided under the default rubric (700); the 650 rubric is activated afterwards. October
    keeps 700 everywhere; a month without a panel, and a panel with no rubric recorded, show the active 650."""
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    members = [make_user(Role.PANEL_MEMBER, tree.kmw["A"], name=n) for n in ("Ani", "Budi", "Citra")]
    october = make_panel(Tier.PROVINCE, "2026-10", kmw=tree.kmw["A"], members=members, chair=members[0],
                         closed_at=utc(2026, 10, 24), letter_number="001/KMW-A/BP/X/2026")
    october.letter_date = utc(2026, 10, 24).date()
    db.session.commit()
    piece = make_piece(tree.team["semarang-TF01"], period="2026-10", title="Oktober")
    entry = add_entry(october, piece, na=680.0, reviewers=3, passed=False, rank=1, selected=False)
    for m in members:
        add_sheet(entry, m, 680)
    assert october.rubric.version == "pob-2010"
    activate_new_rubric(admin)
    db.session.expire_all()
    october = db.session.get(Panel, october.id)
    assert active_rubric().passing_grade == 650

    assert scoring_adapter.passing_grade(october) == 700
    assert scoring_adapter.passing_grade() == 650
    header = recaps.lampiran2(tree.kmw["A"], "2026-10").sections[0].frame.columns
    assert "Lulus (NA ≥ 700)" in header
    assert "Lulus (NA ≥ 650)" in recaps.lampiran2(tree.kmw["A"], "2026-09").sections[0].frame.columns  # no panel
    text = _text(letters.letter_pdf(october))
    assert "batas lulus 700" in text and "650" not in text
    # The sheet total of October's panel is by its own (default) weights, not the active rubric's.
    values = _scores(10, 6)
    assert scoring_adapter.sheet_total(october, values) == 720
    assert scoring_adapter.max_total(october) == 1000

    chair = _client(app, login, members[0])
    html = chair.get(f"/penilaian/panel/{october.id}/hasil").get_data(as_text=True)
    assert "NA ≥ 700" in html and "NA ≥ 650" not in html

    # Dashboards: October's chart keeps 700; the pass rate over October and November names both grades once
    # November has decided under 650; a month nobody decided shows the active grade.
    scope = Scope("national")
    assert stats.passing_grades(["2026-10"], scope, Tier.PROVINCE) == [700]
    assert stats.passing_grades(["2026-09"], scope, Tier.PROVINCE) == [650]
    november = make_panel(Tier.PROVINCE, PERIOD, kmw=tree.kmw["A"], members=members, chair=members[0],
                          closed_at=utc(2026, 11, 24))
    assert november.rubric.passing_grade == 650
    add_entry(november, make_piece(tree.team["semarang-TF02"], title="November"), na=660.0, reviewers=3,
              passed=True, rank=1, selected=True)
    assert stats.passing_grades(["2026-10", PERIOD], scope, Tier.PROVINCE) == [650, 700]
    board = dashboard.build(scope, PERIOD, Tier.PROVINCE)
    assert board.captions["na"] == "Sebaran NA dengan batas lulus 650"
    assert board.captions["pass_rate"] == "Persentase tulisan lulus (NA ≥ 650/700) per bulan"
    board = dashboard.build(scope, "2026-10", Tier.PROVINCE)
    assert board.captions["na"] == "Sebaran NA dengan batas lulus 700"
    assert "batas lulus 700</text>" in str(board.charts["na"])


def test_grades_of_many_panels_in_one_query_with_the_active_one_for_a_panel_without_rubric(app, make_tree,
                                                                                             make_user):
    from querycount import count_queries

    tree = make_tree()
    admin = make_user(Role.ADMIN)
    with_default = make_panel(Tier.PROVINCE, "2026-10", kmw=tree.kmw["A"])
    activate_new_rubric(admin)
    with_new = make_panel(Tier.PROVINCE, PERIOD, kmw=tree.kmw["A"])
    bare = Panel(tier=Tier.NATIONAL, period=PERIOD, scope_key="national", status=PanelStatus.OPEN)
    db.session.add(bare)
    db.session.commit()
    assert bare.rubric is None
    assert scoring_adapter.passing_grade(bare) == 650
    assert scoring_adapter.panel_rubric(bare).passing_grade == 650
    assert scoring_adapter.passing_grades([]) == {}
    ids = (with_default.id, with_new.id)
    with count_queries(db.engine) as statements:
        grades = scoring_adapter.passing_grades([ids[0], ids[1], ids[1], 99999])
    assert grades == {ids[0]: 700, ids[1]: 650}
    assert len(statements) == 1
    assert scoring_adapter.passing_grades([bare.id, with_default.id]) == {bare.id: 650, with_default.id: 700}


def _sheet_version(entry, user) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(ScoreSheet.version).where(ScoreSheet.entry_id == entry.id,
                                                                  ScoreSheet.user_id == user.id))


def test_the_score_sheet_shows_the_running_total_by_the_panels_weights(app, login, make_tree, make_user,
                                                                         make_piece):
    """A draft with two instruments filled, a submitted sheet, and a refused value: the total on the page is the
    engine's, by the panel's weights (instruments 1 and 2 weigh 20 in the new rubric)."""
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    activate_new_rubric(admin)
    make_piece(tree.team["demak-TF01"], title="Draf penilai")
    pool = make_pool(make_user, 3, tree.city["demak"])
    panel = city_panel(tree, "demak", pool, admin)
    check_all(panel, admin)
    entry = panel.entries[0]
    member = _client(app, login, pool[1])
    url = f"/penilaian/entri/{entry.id}/nilai"
    partial = {code: None for code in range(1, 9)} | {1: 9, 3: 5}
    r = member.post(url, data=form_scores(partial, save="1"))
    assert r.status_code == 302
    assert '<strong id="running-total" data-max="1000">230</strong>' in member.get(url).get_data(as_text=True)
    r = member.post(url, data=form_scores(_scores(9, 5), submit="1", version=_sheet_version(entry, pool[1])))
    assert r.status_code == 302
    assert '<strong id="running-total" data-max="1000">660</strong>' in member.get(url).get_data(as_text=True)
    # A value out of range is refused (422); the total counts only what is valid (the refused one counts nothing).
    r = member.post(url, data=form_scores(_scores(9, 5) | {2: 11}, submit="1",
                                          version=_sheet_version(entry, pool[1])))
    assert r.status_code == 422
    assert '<strong id="running-total" data-max="1000">480</strong>' in r.get_data(as_text=True)
    # A writer may not see a sheet at all.
    writer = _client(app, login, make_user(Role.WRITER, tree.team["demak-TF01"]))
    assert writer.get(url).status_code in (403, 404)


def test_only_an_administrator_changes_the_grade_and_a_bad_grade_changes_nothing(app, login, make_tree,
                                                                                  make_user):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    version = rubric_ops.create_version(new_rubric(), by_id=admin.id)
    for role, scope in ((Role.DATA_MANAGER, tree.kmw["A"]), (Role.PANEL_MEMBER, tree.kmw["A"]),
                        (Role.DATA_MANAGER, None)):
        c = _client(app, login, make_user(role, scope))
        assert c.post(f"/admin/rubrik/{version.id}/aktifkan").status_code == 403
    db.session.expire_all()
    assert active_rubric().passing_grade == 700
    c = _client(app, login, admin)
    data = {"version": "uji-buruk", "passing_grade": "enam ratus", "min_score": "1", "max_score": "10"}
    for i, w in enumerate(NEW_WEIGHTS):
        data |= {f"instruments-{i}-code": i + 1, f"instruments-{i}-name": f"Instrumen {i + 1}",
                 f"instruments-{i}-weight": w}
    assert c.post("/admin/rubrik/baru", data=data).status_code == 200  # the form shows the error
    assert c.post("/admin/rubrik/baru", data=data | {"passing_grade": "650", "instruments-0-weight": 30}) \
        .status_code == 200  # weights adding up to 110 are refused by the engine
    assert db.session.scalar(db.select(RubricVersion).where(RubricVersion.version == "uji-buruk")) is None
    assert c.post("/admin/rubrik/99999/aktifkan").status_code == 404
    db.session.expire_all()
    assert active_rubric().passing_grade == 700 and scoring_adapter.passing_grade() == 700
    board = dashboard.build(Scope("national"), PERIOD, Tier.PROVINCE)
    assert board.captions["pass_rate"] == "Persentase tulisan lulus (NA ≥ 700) per bulan"
    # Activated by the administrator, the grade shown where no panel decided follows at once.
    assert c.post(f"/admin/rubrik/{version.id}/aktifkan").status_code == 302
    db.session.expire_all()
    board = dashboard.build(Scope("national"), PERIOD, Tier.PROVINCE)
    assert board.captions["pass_rate"] == "Persentase tulisan lulus (NA ≥ 650) per bulan"
