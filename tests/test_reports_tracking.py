"""Obligation tracking on a constructed month: deadline edges in WIB, WITA and WIT, extensions, percentages,
and the follow-up list with contacts (which the public page never shows)."""

from __future__ import annotations

import pytest
from builders_reports import extension, knowledge_product, make_panel, submit_at, utc

from portal.models import Role, Tier
from portal.reports.tracking import Scope, obligations, percentages

PERIOD = "2026-11"


@pytest.fixture
def month(make_tree, make_piece, make_user):
    tree = make_tree()
    t = tree.team
    # Writing deadline: end of the 15th local = 17:00 UTC (WIB), 16:00 UTC (WITA), 15:00 UTC (WIT).
    submit_at(make_piece(t["semarang-TF01"]), utc(2026, 11, 15, 15, 30))  # 22:30 WIB: on time
    submit_at(make_piece(t["semarang-TF02"]), utc(2026, 11, 15, 17, 0))  # 00:00 WIB on the 16th: late
    submit_at(make_piece(t["makassar-TF01"]), utc(2026, 11, 15, 15, 59, 59))  # 23:59:59 WITA: on time
    submit_at(make_piece(t["jayapura-TF01"]), utc(2026, 11, 15, 15, 30))  # 00:30 WIT on the 16th: late
    submit_at(make_piece(t["jayapura-TF02"]), utc(2026, 11, 16, 10, 0))  # late, but the team has an extension
    extension(PERIOD, "writing", utc(2026, 11, 17, 15, 0), team=t["jayapura-TF02"])
    make_piece(t["demak-TF01"], status="draft")
    # City deadline: end of the 20th local.
    make_panel(
        Tier.CITY, PERIOD, city=tree.city["semarang"], closed_at=utc(2026, 11, 20, 16, 59)
    )  # 23:59 WIB
    make_panel(
        Tier.CITY, PERIOD, city=tree.city["makassar"], closed_at=utc(2026, 11, 20, 16, 30)
    )  # 00:30 WITA
    make_panel(Tier.CITY, PERIOD, city=tree.city["jayapura"], closed_at=utc(2026, 11, 21, 3, 0))
    extension(PERIOD, "city", utc(2026, 11, 22, 15, 0), city=tree.city["jayapura"])
    make_panel(Tier.CITY, PERIOD, city=tree.city["demak"])  # still open
    # Province deadline: end of the 25th; KMW B's clock is its first province (Papua, WIT).
    make_panel(Tier.PROVINCE, PERIOD, kmw=tree.kmw["A"], closed_at=utc(2026, 11, 25, 16, 0))  # 23:00 WIB
    make_panel(Tier.PROVINCE, PERIOD, kmw=tree.kmw["B"], closed_at=utc(2026, 11, 25, 15, 30))  # 00:30 WIT
    writer = make_user(Role.WRITER, t["semarang-TF02"], name="Sri Wahyuni", phone="0812-3456-7890")
    make_user(Role.DATA_MANAGER, tree.city["demak"], name="Pak Demak", phone="0291-555")
    expert = make_user(Role.WRITER, tree.kmw["B"], name="TA Sulsel", phone="0411-1")
    make_user(Role.WRITER, tree.kmw["B"], name="TA Papua", phone="0967-2")
    knowledge_product(expert, tree.kmw["B"], submitted_at=utc(2026, 2, 1))
    return tree, writer


def test_team_deadlines_in_three_time_zones_and_an_extension(month):
    tree, _ = month
    teams = obligations(PERIOD, Scope()).teams.set_index("team_id")
    t = tree.team
    assert teams.loc[t["semarang-TF01"].id, "submitted"]
    assert not teams.loc[t["semarang-TF02"].id, "submitted"] and teams.loc[t["semarang-TF02"].id, "late"]
    assert teams.loc[t["makassar-TF01"].id, "submitted"]
    assert not teams.loc[t["jayapura-TF01"].id, "submitted"] and teams.loc[t["jayapura-TF01"].id, "late"]
    assert teams.loc[t["jayapura-TF02"].id, "submitted"]
    assert not teams.loc[t["demak-TF01"].id, "submitted"] and not teams.loc[t["demak-TF01"].id, "late"]


def test_percentages_per_city_kmw_and_region(month):
    found = obligations(PERIOD, Scope())
    per_city = percentages(found.teams, "submitted", "city", "city_id").set_index("city")
    assert per_city.loc["Kota Semarang", "total"] == 10 and per_city.loc["Kota Semarang", "done"] == 1
    assert per_city.loc["Kota Semarang", "percent"] == 10.0
    assert per_city.loc["Kabupaten Demak", "percent"] == 0.0
    assert per_city.loc["Kota Makassar", "percent"] == 33.3
    assert per_city.loc["Kota Jayapura", "percent"] == 33.3
    per_kmw = percentages(found.teams, "submitted", "kmw", "kmw_id").set_index("kmw")
    assert per_kmw.loc["KMW A", "percent"] == 7.1 and per_kmw.loc["KMW B", "percent"] == 33.3
    per_region = percentages(found.teams, "submitted", "region").set_index("region")
    assert per_region.loc["Wilayah I", "total"] == 20 and per_region.loc["Wilayah I", "percent"] == 15.0


def test_cities_and_kmws_sent_up_on_time(month):
    tree, _ = month
    found = obligations(PERIOD, Scope())
    cities = found.cities.set_index("city")["sent"].to_dict()
    assert cities == {
        "Kota Semarang": True,
        "Kabupaten Demak": False,
        "Kota Makassar": False,
        "Kota Jayapura": True,
    }
    kmws = found.kmws.set_index("kmw")["sent"].to_dict()
    assert kmws == {"KMW A": True, "KMW B": False}
    experts = found.experts.set_index("name")["sent"].to_dict()
    assert experts == {"TA Papua": False, "TA Sulsel": True}


def test_kmw_extension_makes_the_kmw_on_time(month):
    tree, _ = month
    extension(PERIOD, "province", utc(2026, 11, 26, 15, 0), kmw=tree.kmw["B"])
    assert obligations(PERIOD, Scope()).kmws.set_index("kmw").loc["KMW B", "sent"]


def test_scope_limits_rows(month):
    tree, _ = month
    city_only = obligations(PERIOD, Scope("city", frozenset({tree.city["demak"].id})))
    assert set(city_only.teams["city"]) == {"Kabupaten Demak"}
    kmw_b = obligations(PERIOD, Scope("kmw", frozenset({tree.kmw["B"].id})))
    assert set(kmw_b.teams["province"]) == {"Sulawesi Selatan", "Papua"}
    one_province = obligations(PERIOD, Scope().narrowed(tree.province["papua"].id))
    assert set(one_province.teams["city"]) == {"Kota Jayapura"}


def test_missing_list_has_contacts(month):
    tree, writer = month
    found = obligations(PERIOD, Scope())
    missing = found.missing_teams().set_index("team_id")
    assert tree.team["semarang-TF02"].id in missing.index
    assert found.who("team", tree.team["semarang-TF02"].id) == [("Sri Wahyuni", "0812-3456-7890")]
    assert found.who("city", tree.city["demak"].id) == [("Pak Demak", "0291-555")]


def test_obligations_page_lists_missing_with_phone_and_public_page_does_not(month, make_user, login, client):
    tree, _ = month
    login(make_user(Role.DATA_MANAGER, None))
    page = client.get(f"/laporan/kepatuhan?periode={PERIOD}").get_data(as_text=True)
    assert "Sri Wahyuni" in page and "0812-3456-7890" in page and "TA Papua" in page
    client.post("/akun/keluar")
    public = client.get(f"/laporan/kemajuan/{tree.kmw['A'].id}?periode={PERIOD}")
    assert public.status_code == 200
    text = public.get_data(as_text=True)
    assert "Kota Semarang" in text and "<svg" in text
    assert "Sri Wahyuni" not in text and "0812-3456-7890" not in text


def test_empty_tree_gives_empty_tables(app):
    found = obligations(PERIOD, Scope())
    assert found.teams.empty and found.cities.empty and found.kmws.empty and found.experts.empty
    assert percentages(found.teams, "submitted", "city", "city_id").empty


def test_followup_export_holds_percentages_and_contacts(month, make_user, login, client):
    import io

    import pandas as pd
    from openpyxl import load_workbook

    tree, _ = month
    login(make_user(Role.DATA_MANAGER, tree.kmw["A"]))
    response = client.get(f"/laporan/kepatuhan/unduh/xlsx?periode={PERIOD}")
    assert response.status_code == 200
    assert "Rekap kepatuhan_KMW A_November 2026.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.worksheets) == 4

    def sheet(i):
        ws = book.worksheets[i]
        header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "No")
        return pd.read_excel(io.BytesIO(response.data), sheet_name=i, header=header - 1)

    per_city = sheet(0).set_index("Kota/Kabupaten")
    assert set(per_city.index[:-1]) == {"Kota Semarang", "Kabupaten Demak"}  # the last row is "Jumlah"
    assert per_city.loc["Kota Semarang", "Persen"] == 10.0 and per_city.loc["Kota Semarang", "Tim"] == 10
    assert per_city.loc["Kabupaten Demak", "Kirim ke provinsi s.d. tgl 20"] == "Tidak"
    missing = sheet(2)
    row = missing[missing["Tim"] == "TF 02 Kota Semarang"].iloc[0]
    assert (
        row["Keadaan"] == "Terlambat"
        and row["Penulis"] == "Sri Wahyuni"
        and row["Telepon"] == "0812-3456-7890"
    )
    assert "Kota Makassar" not in set(missing["Kota/Kabupaten"])  # another KMW's teams are not in this scope
    pdf = client.get(f"/laporan/kepatuhan/unduh/pdf?periode={PERIOD}")
    assert pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("role", [Role.WRITER, Role.PANEL_MEMBER, Role.READER])
def test_followup_export_is_for_data_managers(month, make_user, login, client, role):
    tree, _ = month
    scope = {Role.WRITER: tree.team["semarang-TF01"], Role.PANEL_MEMBER: tree.kmw["A"], Role.READER: None}[
        role
    ]
    login(make_user(role, scope))
    assert client.get(f"/laporan/kepatuhan/unduh/xlsx?periode={PERIOD}").status_code == 403
