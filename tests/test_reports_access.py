"""Every export checks the same permission as its page: by id/URL manipulation, wrong users get 403/404."""

from __future__ import annotations

import pytest
from builders_reports import add_entry, add_sheet, make_panel, utc

from portal.models import Role, Tier

PERIOD = "2026-11"
FORMATS = ["", "/unduh/xlsx", "/unduh/csv", "/unduh/pdf"]


@pytest.fixture
def world(make_tree, make_user, make_piece):
    tree = make_tree()
    piece = make_piece(tree.team["semarang-TF01"], title="Tulisan rahasia Semarang")
    members = [make_user(Role.PANEL_MEMBER, tree.kmw["A"], name=f"Penilai {i}") for i in range(3)]
    panel = make_panel(
        Tier.PROVINCE,
        PERIOD,
        kmw=tree.kmw["A"],
        members=members,
        chair=members[0],
        closed_at=utc(2026, 11, 24),
    )
    entry = add_entry(panel, piece, na=700.0, reviewers=3, passed=True, rank=1, selected=True)
    for m, total in zip(members, (700, 690, 710)):
        add_sheet(entry, m, total)
    users = {
        "dm_semarang": make_user(Role.DATA_MANAGER, tree.city["semarang"]),
        "dm_demak": make_user(Role.DATA_MANAGER, tree.city["demak"]),
        "dm_kmw_a": make_user(Role.DATA_MANAGER, tree.kmw["A"]),
        "dm_kmw_b": make_user(Role.DATA_MANAGER, tree.kmw["B"]),
        "dm_national": make_user(Role.DATA_MANAGER, None),
        "writer": make_user(Role.WRITER, tree.team["semarang-TF01"]),
        "panel_member": members[1],
        "chair": members[0],
        "reader": make_user(Role.READER, None),
    }
    return tree, panel, users


def _get(client, login, user, url):
    if user is not None:
        login(user)
    return client.get(url)


LAMPIRAN3 = {
    "dm_semarang": 200,
    "dm_kmw_a": 200,
    "dm_national": 200,
    "dm_demak": 403,
    "dm_kmw_b": 403,
    "writer": 403,
    "panel_member": 403,
    "reader": 403,
}
LAMPIRAN2 = {
    "dm_kmw_a": 200,
    "dm_national": 200,
    "dm_kmw_b": 403,
    "dm_semarang": 403,
    "dm_demak": 403,
    "writer": 403,
    "panel_member": 403,
    "chair": 403,
    "reader": 403,
}


@pytest.mark.parametrize("who,expected", LAMPIRAN3.items())
@pytest.mark.parametrize("suffix", FORMATS)
def test_lampiran3_page_and_exports(world, client, login, who, expected, suffix):
    tree, _, users = world
    response = _get(
        client, login, users[who], f"/laporan/lampiran3/{tree.city['semarang'].id}{suffix}?periode={PERIOD}"
    )
    assert response.status_code == expected
    if expected == 200 and suffix.endswith("xlsx"):
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert "Lampiran 3_Kota Semarang_November 2026.xlsx" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("who,expected", LAMPIRAN2.items())
@pytest.mark.parametrize("suffix", FORMATS)
def test_lampiran2_page_and_exports(world, client, login, who, expected, suffix):
    tree, _, users = world
    response = _get(
        client, login, users[who], f"/laporan/lampiran2/{tree.kmw['A'].id}{suffix}?periode={PERIOD}"
    )
    assert response.status_code == expected
    if expected == 200 and suffix == "":
        assert "Tulisan rahasia Semarang" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/laporan/",
        "/laporan/kepatuhan",
        "/laporan/lampiran3/{city}/unduh/xlsx",
        "/laporan/lampiran2/{kmw}/unduh/pdf",
        "/laporan/panel/{panel}/kalibrasi",
    ],
)
def test_anonymous_is_sent_to_login(world, client, url):
    tree, panel, _ = world
    response = client.get(url.format(city=tree.city["semarang"].id, kmw=tree.kmw["A"].id, panel=panel.id))
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]


def test_unknown_ids_formats_and_periods(world, client, login):
    tree, _, users = world
    login(users["dm_national"])
    assert client.get("/laporan/lampiran3/99999").status_code == 404
    assert client.get("/laporan/lampiran2/99999/unduh/xlsx").status_code == 404
    assert client.get(f"/laporan/lampiran3/{tree.city['semarang'].id}/unduh/docx").status_code == 404
    bad = client.get(f"/laporan/lampiran3/{tree.city['semarang'].id}/unduh/xlsx?periode=2026-13")
    assert bad.status_code == 400 and "TTTT-BB" in bad.get_data(as_text=True)
    page = client.get("/laporan/?periode=November&provinsi=abc&tingkat=planet")
    assert page.status_code == 200 and "TTTT-BB" in page.get_data(as_text=True)


@pytest.mark.parametrize("who", ["writer", "panel_member", "reader"])
def test_dashboard_is_for_data_managers(world, client, login, who):
    assert _get(client, login, world[2][who], "/laporan/").status_code == 403
    assert client.get("/laporan/kepatuhan").status_code == 403


def test_city_dashboard_is_scoped(world, client, login):
    tree, _, users = world
    page = _get(client, login, users["dm_demak"], f"/laporan/?periode={PERIOD}").get_data(as_text=True)
    assert "Kabupaten Demak" in page and "Kota Semarang" not in page
    other_province = client.get(f"/laporan/?periode={PERIOD}&provinsi={tree.province['papua'].id}")
    assert "Kota Jayapura" not in other_province.get_data(as_text=True)  # not a valid choice for this user


def test_kmw_dashboard_filters_by_province(world, client, login):
    tree, _, users = world
    page = _get(
        client,
        login,
        users["dm_kmw_b"],
        f"/laporan/?periode={PERIOD}&provinsi={tree.province['papua'].id}&tingkat=city",
    ).get_data(as_text=True)
    assert "Kota Jayapura" in page and "Kota Makassar" not in page and "Kota Semarang" not in page


@pytest.mark.parametrize(
    "who,scope,node,expected",
    [
        ("dm_demak", "city", "semarang", 403),
        ("dm_kmw_b", "kmw", "A", 403),
        ("dm_semarang", "kmw", "A", 403),
        ("dm_kmw_a", "national", None, 403),
        ("writer", "city", "semarang", 403),
        ("reader", "city", "semarang", 403),
        ("panel_member", "kmw", "A", 403),
        ("dm_national", "city", 99999, 404),
    ],
)
def test_bundle_requests_check_the_node(world, client, login, who, scope, node, expected):
    tree, _, users = world
    node_id = {"semarang": tree.city["semarang"].id, "A": tree.kmw["A"].id}.get(node, node)
    login(users[who])
    data = {"cakupan": scope, "periode": PERIOD, "isi": "sent"}
    if node_id is not None:
        data["simpul"] = node_id
    assert client.post("/laporan/paket", data=data).status_code == expected


def test_bundle_request_needs_csrf(world, client, login, app):
    tree, _, users = world
    login(users["dm_semarang"])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/laporan/paket", data={"cakupan": "city", "simpul": tree.city["semarang"].id, "periode": PERIOD}
    )
    assert response.status_code in (302, 400)
    assert "/laporan/paket/" not in response.headers.get("Location", "")


def test_bad_bundle_request_says_what_to_fix(world, client, login):
    tree, _, users = world
    login(users["dm_semarang"])
    response = client.post(
        "/laporan/paket",
        data={"cakupan": "city", "simpul": tree.city["semarang"].id, "periode": "bulan lalu"},
        follow_redirects=True,
    )
    assert "TTTT-BB" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "who,expected",
    [
        ("chair", 200),
        ("dm_kmw_a", 200),
        ("dm_national", 200),
        ("panel_member", 403),
        ("dm_kmw_b", 404),
        ("writer", 404),
        ("reader", 404),
    ],
)
def test_calibration_for_the_chair(world, client, login, who, expected):
    _, panel, users = world
    response = _get(client, login, users[who], f"/laporan/panel/{panel.id}/kalibrasi")
    assert response.status_code == expected
    if expected == 200:
        text = response.get_data(as_text=True)
        assert "Penilai 2" in text and "+10,00" in text  # 710 against the panel mean 700


def test_public_progress_needs_no_login_and_404_for_unknown(world, client):
    tree, _, _ = world
    assert client.get("/laporan/kemajuan").status_code == 200
    assert client.get(f"/laporan/kemajuan/{tree.kmw['B'].id}").status_code == 200
    assert client.get("/laporan/kemajuan/99999").status_code == 404
    bad = client.get(f"/laporan/kemajuan/{tree.kmw['B'].id}?periode=xx")
    assert bad.status_code == 200 and "TTTT-BB" in bad.get_data(as_text=True)
