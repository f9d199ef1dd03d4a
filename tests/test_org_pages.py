"""Tree pages as an administrator: browse, create, edit, move, delete, web import and export; CSRF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models.org import City, Kelurahan, Kmw, Province, Team, TeamKind
from portal.models.people import AuditLog, Role

DATA = Path(__file__).parent / "data"


@pytest.fixture
def admin_client(client, login, make_user):
    login(make_user(Role.ADMIN))
    return client


def one(model, code):
    db.session.expire_all()
    return db.session.scalar(db.select(model).where(model.code == code))


def test_browse_levels_with_counts(admin_client, make_tree):
    tree = make_tree()
    index = admin_client.get("/admin/struktur/").get_data(as_text=True)
    assert "Kota/kabupaten" in index and ">4<" in index  # four cities
    cities = admin_client.get("/admin/struktur/kota/?q=semarang").get_data(as_text=True)
    assert "Kota Semarang" in cities and "Kabupaten Demak" not in cities
    assert ">10<" in cities  # 9 TF teams + the Korkot team
    city = admin_client.get(f"/admin/struktur/kota/{tree.city['semarang'].id}").get_data(as_text=True)
    assert "SEMARANG-KK" in city and "Jawa Tengah" in city
    assert admin_client.get("/admin/struktur/desa/").status_code == 404
    assert admin_client.get("/admin/struktur/tim/999999").status_code == 404


def test_create_the_chain_down_to_a_kelurahan(admin_client):
    steps = [
        ("wilayah", {"code": "W1", "name": "Wilayah I"}),
        ("kmw", {"code": "KMW-07", "name": "KMW 7", "parent_code": "W1"}),
        (
            "provinsi",
            {
                "code": "63",
                "name": "Kalimantan Selatan",
                "parent_code": "KMW-07",
                "timezone": "Asia/Makassar",
            },
        ),
        ("kota", {"code": "6371", "name": "Kota Banjarmasin", "parent_code": "63"}),
        ("tim", {"code": "6371-TF01", "name": "TF 01 Banjarmasin", "parent_code": "6371", "kind": "tf"}),
        ("kelurahan", {"code": "6371010001", "name": "Kelayan", "parent_code": "6371-TF01"}),
    ]
    for level, data in steps:
        response = admin_client.post(f"/admin/struktur/{level}/baru", data=data)
        assert response.status_code == 302, (level, response.get_data(as_text=True)[:2000])
    city = one(City, "6371")
    assert [(t.code, t.kind) for t in city.teams] == [
        ("6371-KK", TeamKind.KORKOT),
        ("6371-TF01", TeamKind.TF),
    ]
    assert one(Province, "63").timezone == "Asia/Makassar"
    assert one(Kelurahan, "6371010001").team.code == "6371-TF01"
    assert (
        db.session.scalar(db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "org_node_created"))
        == 6
    )


def test_create_refusals_keep_what_was_typed(admin_client, make_tree):
    make_tree()
    taken = admin_client.post(
        "/admin/struktur/tim/baru",
        data={"code": "DEMAK-TF01", "name": "Ketikan Saya", "parent_code": "DEMAK", "kind": "tf"},
    )
    page = taken.get_data(as_text=True)
    assert taken.status_code == 200 and "sudah dipakai" in page and "Ketikan Saya" in page
    missing = admin_client.post(
        "/admin/struktur/tim/baru",
        data={"code": "X-TF01", "name": "X", "parent_code": "TIDAK-ADA", "kind": "tf"},
    )
    assert "tidak ditemukan" in missing.get_data(as_text=True)
    second_korkot = admin_client.post(
        "/admin/struktur/tim/baru",
        data={"code": "DEMAK-K2", "name": "K2", "parent_code": "DEMAK", "kind": "korkot"},
    )
    assert "sudah punya tim Korkot" in second_korkot.get_data(as_text=True)
    long_code = admin_client.post(
        "/admin/struktur/kota/baru", data={"code": "K" * 25, "name": "Kota", "parent_code": "JATENG"}
    )
    assert "paling panjang 20" in long_code.get_data(as_text=True)
    assert one(Team, "DEMAK-K2") is None and one(Team, "X-TF01") is None


def test_edit_and_move(admin_client, make_tree):
    tree = make_tree()
    team = tree.team["demak-TF01"]
    db.session.add(Kelurahan(code="K1", name="Kel 1", team=team))
    db.session.commit()
    response = admin_client.post(
        f"/admin/struktur/tim/{team.id}/ubah",
        data={"code": "DEMAK-TF01", "name": "TF Satu", "parent_code": "SEMARANG", "kind": "tf"},
    )
    assert response.status_code == 302
    moved = one(Team, "DEMAK-TF01")
    assert moved.name == "TF Satu" and moved.city.code == "SEMARANG" and moved.kelurahan[0].code == "K1"
    province = tree.province["papua"]
    admin_client.post(
        f"/admin/struktur/provinsi/{province.id}/ubah",
        data={"code": "PAPUA", "name": "Papua", "parent_code": "KMW-A", "timezone": "Asia/Jayapura"},
    )
    assert one(Province, "PAPUA").kmw.code == "KMW-A"
    assert db.session.scalar(db.select(AuditLog.id).where(AuditLog.action == "org_node_moved")) is not None
    kmw = tree.kmw["B"]
    admin_client.post(
        f"/admin/struktur/kmw/{kmw.id}/ubah", data={"code": "KMW-B", "name": "KMW B", "parent_code": ""}
    )
    assert one(Kmw, "KMW-B").region_id is None


def test_delete_only_when_nothing_hangs_below(admin_client, make_tree, make_piece, make_user):
    tree = make_tree()
    city = tree.city["jayapura"]
    refused = admin_client.post(f"/admin/struktur/kota/{city.id}/hapus", follow_redirects=True)
    assert "masih ada 2 Tim" in refused.get_data(as_text=True)
    make_piece(tree.team["jayapura-TF01"])
    refused = admin_client.post(
        f"/admin/struktur/tim/{tree.team['jayapura-TF01'].id}/hapus", follow_redirects=True
    )
    assert "tulisan" in refused.get_data(as_text=True)
    make_user(Role.WRITER, tree.team["jayapura-TF02"])
    refused = admin_client.post(
        f"/admin/struktur/tim/{tree.team['jayapura-TF02'].id}/hapus", follow_redirects=True
    )
    assert "peran akun" in refused.get_data(as_text=True)
    assert one(Team, "JAYAPURA-TF02") is not None
    admin_client.post(
        "/admin/struktur/kota/baru", data={"code": "KOSONG", "name": "Kota Kosong", "parent_code": "PAPUA"}
    )
    empty = one(City, "KOSONG")
    assert admin_client.post(f"/admin/struktur/kota/{empty.id}/hapus").status_code == 302
    assert (
        one(City, "KOSONG") is None and one(Team, "KOSONG-KK") is None
    )  # its own empty Korkot team went too


def test_web_import_lists_every_problem_or_summary(admin_client):
    bad = admin_client.post(
        "/admin/struktur/impor",
        data={"file": (io.BytesIO((DATA / "tree_bad_row.csv").read_bytes()), "bad.csv")},
        content_type="multipart/form-data",
    )
    page = bad.get_data(as_text=True)
    assert "2 masalah" in page and "Baris 3, kolom zona_waktu" in page and "Baris 4, kolom tim_kode" in page
    assert db.session.scalar(db.select(db.func.count(City.id))) == 0
    good = admin_client.post(
        "/admin/struktur/impor",
        data={"file": (io.BytesIO((DATA / "tree_good.csv").read_bytes()), "good.csv")},
        content_type="multipart/form-data",
    )
    assert "5 baru" in good.get_data(as_text=True)
    export = admin_client.get("/admin/struktur/ekspor")
    assert export.mimetype == "text/csv" and "Sukaluyu" in export.get_data(as_text=True)
    assert "attachment" in export.headers["Content-Disposition"]


def test_csrf_is_required_on_tree_and_account_forms(app, client, login, make_user, make_tree):
    tree = make_tree()
    login(make_user(Role.ADMIN))
    writer = make_user(Role.WRITER, tree.team["demak-TF01"])
    app.config["WTF_CSRF_ENABLED"] = True
    team = tree.team["demak-TF01"]
    posts = [
        ("/admin/struktur/tim/baru", {"code": "N1", "name": "N", "parent_code": "DEMAK", "kind": "tf"}),
        (
            f"/admin/struktur/tim/{team.id}/ubah",
            {"code": "DEMAK-TF01", "name": "Ganti", "parent_code": "DEMAK", "kind": "tf"},
        ),
        (f"/admin/struktur/tim/{tree.team['demak-TF03'].id}/hapus", {}),
        ("/admin/struktur/impor", {"file": (io.BytesIO(b"x"), "x.csv")}),
        ("/akun-pengguna/baru", {"email": "n@contoh.id", "name": "N", "role": "reader"}),
        (f"/akun-pengguna/{writer.id}/peran", {"role": "reader"}),
        (f"/akun-pengguna/{writer.id}/peran/{writer.roles[0].id}/hapus", {}),
        (f"/akun-pengguna/{writer.id}/nonaktifkan", {}),
        (f"/akun-pengguna/{writer.id}/tautan", {}),
        ("/akun-pengguna/impor", {"file": (io.BytesIO(b"x"), "x.csv")}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 400, url
    db.session.expire_all()
    assert one(Team, "N1") is None and one(Team, "DEMAK-TF03") is not None
    assert one(Team, "DEMAK-TF01").name == "TF 01 Kabupaten Demak"
    assert writer.active and len(writer.roles) == 1
