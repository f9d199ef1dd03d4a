"""Lampiran 3 and Lampiran 2: the right rows and totals; exports open back with the same data."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pandas as pd
import pytest
from builders_reports import add_entry, add_sheet, knowledge_product, make_panel, submit_at, utc
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import PanelMember, Role, Tier
from portal.reports import exports, recaps

PERIOD = "2026-11"


@pytest.fixture
def city_month(make_tree, make_piece, make_user):
    """Semarang (WIB) in November 2026: on time, late (by one second of local midnight), draft, returned,
    selected, and the Korkot piece sent up outside the quota; two KMW experts, one with a product."""
    tree = make_tree()
    t = tree.team
    on_time = make_piece(t["semarang-TF01"], title="Bank sampah RW 05")
    submit_at(on_time, utc(2026, 11, 15, 16, 59, 59))  # 23:59:59 WIB on the 15th
    late = make_piece(t["semarang-TF02"], title="Jalan lingkungan terlambat")
    submit_at(late, utc(2026, 11, 15, 17, 0, 0))  # 00:00 WIB on the 16th
    make_piece(t["semarang-TF03"], status="draft", title="Masih draf")
    returned = make_piece(t["semarang-TF04"], status="returned", title="Tanpa foto cukup")
    submit_at(returned, utc(2026, 11, 10))
    chosen = make_piece(t["semarang-TF05"], title="Posyandu mandiri")
    submit_at(chosen, utc(2026, 11, 12))
    korkot = make_piece(t["semarang-KK"], title="Kolaborasi BKM dan Pemda")
    submit_at(korkot, utc(2026, 11, 14))
    city_panel = make_panel(Tier.CITY, PERIOD, city=tree.city["semarang"], closed_at=utc(2026, 11, 19))
    add_entry(city_panel, on_time, selected=False)
    add_entry(city_panel, returned, status="returned")
    add_entry(city_panel, chosen, selected=True)
    add_entry(city_panel, korkot, outside_quota=True)
    kmw_panel = make_panel(Tier.PROVINCE, PERIOD, kmw=tree.kmw["A"])
    add_entry(kmw_panel, chosen)
    add_entry(kmw_panel, korkot)
    expert1 = make_user(Role.WRITER, tree.kmw["A"], name="Dewi Lestari", position="TA Sosialisasi")
    make_user(Role.WRITER, tree.kmw["A"], name="Eko Prasetyo", position="TA Infrastruktur")
    knowledge_product(expert1, tree.kmw["A"], submitted_at=utc(2026, 3, 1), title="Modul BKM")
    return tree


def test_lampiran3_rows_and_totals(city_month):
    recap = recaps.lampiran3(city_month.city["semarang"], PERIOD)
    frame = recap.sections[0].frame
    assert len(frame) == 10  # 9 TF teams and the Korkot team
    by_team = frame.set_index("Tim")
    assert by_team.loc["TF 01 Kota Semarang", "Dikirim s.d. tgl 15"] == "Ya"
    assert by_team.loc["TF 02 Kota Semarang", "Dikirim s.d. tgl 15"] == "Tidak"
    assert by_team.loc["TF 02 Kota Semarang", "Keterangan"].startswith("Terlambat")
    assert by_team.loc["TF 02 Kota Semarang", "Judul"] == "Jalan lingkungan terlambat"
    assert by_team.loc["TF 03 Kota Semarang", "Keterangan"] == "Belum mengirim"
    assert by_team.loc["TF 03 Kota Semarang", "Judul"] == ""
    assert by_team.loc["TF 04 Kota Semarang", "Lolos persyaratan"].startswith("Tidak")
    assert by_team.loc["TF 05 Kota Semarang", "Dikirim ke provinsi"] == "Ya"
    assert by_team.loc["TF 01 Kota Semarang", "Dikirim ke provinsi"] == "Tidak"
    assert frame.iloc[-1]["Jenis tim"] == "Korkot"
    assert frame.iloc[-1]["Dikirim ke provinsi"] == "Ya"
    assert recap.sections[0].totals == {"Tim": 10, "Dikirim s.d. tgl 15": 4, "Dikirim ke provinsi": 2}
    experts = recap.sections[1].frame
    assert list(experts["Nama TA"]) == ["Dewi Lestari", "Eko Prasetyo"]
    assert list(experts["Sudah dikirim"]) == ["Ya", "Tidak"]
    assert recap.sections[1].totals["Sudah dikirim"] == 1


def test_lampiran3_late_piece_moved_to_next_month_still_counts_for_its_month(make_tree, make_piece):
    tree = make_tree()
    moved = make_piece(tree.team["demak-TF01"], period="2026-12", moved_from_period=PERIOD, title="Dipindah")
    submit_at(moved, utc(2026, 11, 17))
    frame = recaps.lampiran3(tree.city["demak"], PERIOD).sections[0].frame.set_index("Tim")
    assert frame.loc["TF 01 Kabupaten Demak", "Judul"] == "Dipindah"
    assert frame.loc["TF 01 Kabupaten Demak", "Keterangan"].startswith("Terlambat")


@pytest.fixture
def kmw_month(city_month, make_user):
    tree = city_month
    members = [make_user(Role.PANEL_MEMBER, tree.kmw["A"], name=n) for n in ("Citra", "Ani", "Budi")]
    panel = make_panel(
        Tier.PROVINCE,
        "2026-10",
        kmw=tree.kmw["A"],
        members=members,
        chair=members[1],
        closed_at=utc(2026, 10, 24),
        letter_number="012/KMW-A/X/2026",
    )
    from portal.extensions import db
    from portal.models import Piece

    pieces = db.session.scalars(db.select(Piece).where(Piece.period == PERIOD).order_by(Piece.id)).all()
    first, second = pieces[0], pieces[1]
    e1 = add_entry(panel, first, na=760.0, reviewers=3, passed=True, rank=1, selected=True)
    e2 = add_entry(panel, second, na=690.0, reviewers=3, passed=False, rank=2, selected=False)
    for member, total in zip(members, (800, 740, 740)):
        add_sheet(e1, member, total)
    for member, total in zip(members, (700, 690, 680)):
        add_sheet(e2, member, total)
    return tree, panel, first, second


def test_lampiran2_member_totals_na_rank(kmw_month):
    tree, panel, first, second = kmw_month
    recap = recaps.lampiran2(tree.kmw["A"], "2026-10")
    frame = recap.sections[0].frame
    assert list(frame["Judul"]) == [first.title, second.title]
    assert [c for c in frame.columns if c.startswith("Nilai ")] == ["Nilai Ani", "Nilai Budi", "Nilai Citra"]
    assert list(frame["Nilai Citra"]) == [800.0, 700.0]
    assert list(frame["NA"]) == [760.0, 690.0]
    assert list(frame["Lulus (NA ≥ 700)"]) == ["Ya", "Tidak"]
    assert list(frame["Peringkat"]) == [1, 2]
    assert list(frame["Dikirim ke KMP"]) == ["Ya", "Tidak"]
    assert recap.sections[0].totals == {"Judul": 2, "Lulus (NA ≥ 700)": 1, "Dikirim ke KMP": 1}
    assert any("012/KMW-A/X/2026" in line for line in recap.lines)
    assert recap.file_stem == "Lampiran 2_Jawa Tengah_Oktober 2026"


def test_lampiran2_column_types_for_the_exports(kmw_month):
    frame = recaps.lampiran2(kmw_month[0].kmw["A"], "2026-10").sections[0].frame
    assert str(frame["No"].dtype) == "int64" and frame["Judul"].dtype == object
    assert str(frame["Nilai Ani"].dtype) == "float64" and str(frame["NA"].dtype) == "float64"
    assert str(frame["Jumlah penilai"].dtype) == "Int64" and str(frame["Peringkat"].dtype) == "Int64"
    assert list(frame["Jumlah penilai"]) == [3, 3]


def test_lampiran2_members_of_the_same_name_keep_their_own_totals(kmw_month, make_user):
    tree, panel, first, _second = kmw_month
    twin = make_user(Role.PANEL_MEMBER, tree.kmw["A"], name="Ani")
    panel.members.append(PanelMember(user_id=twin.id))
    db.session.commit()
    add_sheet(next(e for e in panel.entries if e.piece_id == first.id), twin, 500)
    frame = recaps.lampiran2(tree.kmw["A"], "2026-10").sections[0].frame
    columns = [c for c in frame.columns if c.startswith("Nilai ")]
    assert columns == ["Nilai Ani", "Nilai Ani", "Nilai Budi", "Nilai Citra"]
    assert sorted(frame.iloc[0, 4:6].tolist()) == [500.0, 740.0]  # each Ani her own total


def test_lampiran2_of_a_closed_month_is_kept_until_a_name_it_shows_changes(kmw_month):
    tree, _panel, first, _second = kmw_month
    recap = recaps.lampiran2(tree.kmw["A"], "2026-10")
    assert recaps.lampiran2(tree.kmw["A"], "2026-10") is recap  # built once per worker
    first.team.name = "TF 01 Semarang Tengah"
    db.session.commit()  # a public change: the content generation moves on
    renamed = recaps.lampiran2(tree.kmw["A"], "2026-10")
    assert renamed is not recap
    assert "TF 01 Semarang Tengah" in list(renamed.sections[0].frame["Tim penulis"])


def test_lampiran2_of_an_open_panel_is_built_every_time(city_month, make_user):
    tree = city_month
    members = [make_user(Role.PANEL_MEMBER, tree.kmw["A"], name=n) for n in ("Citra", "Ani")]
    panel = make_panel(Tier.PROVINCE, "2026-10", kmw=tree.kmw["A"], members=members, chair=members[0])
    from portal.models import Piece

    piece = db.session.scalars(db.select(Piece).where(Piece.period == PERIOD).order_by(Piece.id)).first()
    entry = add_entry(panel, piece)
    add_sheet(entry, members[0], 800)
    before = recaps.lampiran2(tree.kmw["A"], "2026-10").sections[0].frame
    add_sheet(entry, members[1], 640)  # a score: no public change, but the panel is still open
    after = recaps.lampiran2(tree.kmw["A"], "2026-10").sections[0].frame
    assert list(before["Nilai Citra"]) == [800.0] and pd.isna(before["Nilai Ani"][0])
    assert list(after["Nilai Ani"]) == [640.0]


def test_lampiran2_without_panel_is_empty_with_a_note(make_tree):
    tree = make_tree()
    recap = recaps.lampiran2(tree.kmw["B"], PERIOD)
    assert recap.sections[0].frame.empty
    assert "belum dibentuk" in recap.sections[0].note
    assert recap.file_stem == "Lampiran 2_KMW B_November 2026"  # two provinces: the KMW's own name


def _header_row(sheet) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "No")


def test_xlsx_round_trip_openpyxl_and_pandas(kmw_month):
    tree = kmw_month[0]
    data = exports.to_xlsx(recaps.lampiran3(tree.city["semarang"], PERIOD))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0].startswith("Produksi best practice")
    sheet = book.worksheets[0]
    assert sheet["A1"].value.startswith("Lampiran 3")
    assert sheet["A1"].font.bold
    header = _header_row(sheet)
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width  # titles wider than "No"
    assert sheet.cell(header + 1, 1).value == 1 and isinstance(sheet.cell(header + 1, 1).value, int)
    frame = pd.read_excel(io.BytesIO(data), sheet_name=0, header=header - 1)
    body, total = frame.iloc[:-1], frame.iloc[-1]
    assert len(body) == 10
    assert total["No"] == "Jumlah" and total["Tim"] == 10 and total["Dikirim s.d. tgl 15"] == 4
    assert (body["Dikirim s.d. tgl 15"] == "Ya").sum() == 4
    experts = pd.read_excel(io.BytesIO(data), sheet_name=1, header=_header_row(book.worksheets[1]) - 1)
    assert list(experts["Nama TA"][:-1]) == ["Dewi Lestari", "Eko Prasetyo"]

    data2 = exports.to_xlsx(recaps.lampiran2(tree.kmw["A"], "2026-10"))
    sheet2 = load_workbook(io.BytesIO(data2)).worksheets[0]
    header2 = _header_row(sheet2)
    frame2 = pd.read_excel(io.BytesIO(data2), sheet_name=0, header=header2 - 1)
    assert list(frame2["NA"][:-1]) == [760.0, 690.0]
    assert frame2["Nilai Ani"].dtype.kind == "f"  # numbers, not text
    assert frame2.iloc[-1]["Dikirim ke KMP"] == 1


def test_csv_is_utf8_bom_semicolons_decimal_comma(kmw_month):
    tree = kmw_month[0]
    data = exports.to_csv(recaps.lampiran2(tree.kmw["A"], "2026-10"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "No")
    header = rows[header_at]
    first = dict(zip(header, rows[header_at + 1]))
    assert first["NA"] == "760" and first["Nilai Citra"] == "800" and first["Dikirim ke KMP"] == "Ya"
    assert rows[header_at + 3][0] == "Jumlah"
    assert "Lulus (NA ≥ 700)" in header  # the ≥ survives: UTF-8
    assert exports.cell_text(712.5) == "712,5"


def test_pdf_opens_and_holds_the_titles(kmw_month):
    tree = kmw_month[0]
    data = exports.to_pdf(recaps.lampiran3(tree.city["semarang"], PERIOD))
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed: text check skipped")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    for expected in ("Lampiran 3", "Bank sampah RW 05", "Posyandu mandiri", "Dewi Lestari", "Jumlah"):
        assert expected in text


def test_recap_table_rows_are_the_cells_the_template_loop_made(app):
    """The recap page's rows come from a filter (``reports.routes.recap_rows``): the same markup the per-cell
    template loop made, for every kind of cell (text to escape, blanks, decimals with the comma, whole numbers,
    NumPy numbers, yes/no), and a section without rows keeps its "no data" row."""
    import numpy as np

    from portal.reports.routes import recap_rows

    frame = pd.DataFrame({
        "Kota": ["Kota <b>Semarang</b> & Demak", None, "=1+1"],
        "NA": [712.5, float("nan"), 700.0],
        "Anggota": pd.array([5, None, 3], dtype="Int64"),
        "Peringkat": [np.int64(1), np.int64(2), np.int64(3)],
        "Lulus": [True, False, True],
    })
    loop = app.jinja_env.from_string(
        "{% for row in frame.itertuples(index=False) %}<tr>{% for v in row %}{% if v is number %}"
        '<td class="num">{{ v|recap_number }}</td>{% else %}<td>{{ v|recap_number }}</td>{% endif %}'
        "{% endfor %}</tr>{% endfor %}")
    with app.test_request_context("/"):
        rows = str(recap_rows(frame))
        assert rows == loop.render(frame=frame)
        assert "Kota &lt;b&gt;Semarang&lt;/b&gt; &amp; Demak" in rows and '<td class="num">712,5</td>' in rows
        section = recaps.Section("Rekap", frame.iloc[0:0], totals={})
        html = app.jinja_env.from_string('{% from "reports/_macros.html" import section_table %}'
                                         "{{ section_table(section) }}").render(section=section)
        assert "Belum ada data." in html
