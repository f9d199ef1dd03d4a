"""Who may open the account and tree pages: every role, and data managers of another city (by id)."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models.org import Team
from portal.models.people import AuditLog, Role, User


@pytest.fixture
def world(make_tree, make_user):
    tree = make_tree()
    people = {
        "admin": make_user(Role.ADMIN),
        "dm_demak": make_user(Role.DATA_MANAGER, tree.city["demak"]),
        "dm_kmw_a": make_user(Role.DATA_MANAGER, tree.kmw["A"]),
        "dm_national": make_user(Role.DATA_MANAGER, None),
        "writer": make_user(Role.WRITER, tree.team["demak-TF01"]),
        "panel": make_user(Role.PANEL_MEMBER, tree.city["demak"]),
        "reader": make_user(Role.READER),
        "writer_semarang": make_user(Role.WRITER, tree.team["semarang-TF01"]),
        "writer_makassar": make_user(Role.WRITER, tree.team["makassar-TF01"]),
    }
    return tree, people


def admin_pages(tree, people) -> list[str]:
    target = people["writer"].id
    return [
        "/akun-pengguna/",
        "/akun-pengguna/baru",
        "/akun-pengguna/impor",
        f"/akun-pengguna/{target}",
        "/admin/struktur/",
        "/admin/struktur/tim/",
        f"/admin/struktur/tim/{tree.team['demak-TF01'].id}",
        "/admin/struktur/tim/baru",
        "/admin/struktur/impor",
        "/admin/struktur/ekspor",
    ]


def test_anonymous_is_sent_to_login(client, world):
    tree, people = world
    for url in admin_pages(tree, people):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"], url
    assert client.post(f"/akun-pengguna/{people['writer'].id}/nonaktifkan").status_code == 302


@pytest.mark.parametrize("who", ["writer", "panel", "reader"])
def test_writer_panel_member_and_reader_get_403(client, login, world, who):
    tree, people = world
    login(people[who])
    for url in admin_pages(tree, people):
        assert client.get(url).status_code == 403, url
    target = people["writer_semarang"].id
    for url in (
        f"/akun-pengguna/{target}/nonaktifkan",
        f"/akun-pengguna/{target}/tautan",
        f"/akun-pengguna/{target}/peran",
        f"/admin/struktur/tim/{tree.team['demak-TF01'].id}/hapus",
    ):
        assert client.post(url).status_code == 403, url
    assert db.session.get(User, target).active


def test_admin_opens_everything(client, login, world):
    tree, people = world
    login(people["admin"])
    for url in admin_pages(tree, people):
        assert client.get(url).status_code == 200, url


def test_city_data_manager_sees_only_own_city_accounts(client, login, world):
    _tree, people = world
    login(people["dm_demak"])
    page = client.get("/akun-pengguna/").get_data(as_text=True)
    assert people["writer"].email in page and people["panel"].email in page
    for other in ("writer_semarang", "writer_makassar", "admin", "dm_kmw_a"):
        assert people[other].email not in page
    assert client.get(f"/akun-pengguna/{people['writer'].id}").status_code == 200
    assert client.get(f"/akun-pengguna/?q={people['writer'].email}").get_data(as_text=True).count("<tr>") == 2


def test_city_data_manager_cannot_touch_another_city_account_by_id(client, login, world):
    _tree, people = world
    login(people["dm_demak"])
    target = people["writer_semarang"]
    assert client.get(f"/akun-pengguna/{target.id}").status_code == 404
    for url in (f"/akun-pengguna/{target.id}/nonaktifkan", f"/akun-pengguna/{target.id}/tautan"):
        assert client.post(url).status_code == 404
    response = client.post(f"/akun-pengguna/{target.id}/peran", data={"role": "reader", "scope_code": ""})
    assert response.status_code == 404
    assignment = target.roles[0].id
    assert client.post(f"/akun-pengguna/{target.id}/peran/{assignment}/hapus").status_code == 404
    assert client.get(f"/akun-pengguna/{people['admin'].id}").status_code == 404
    db.session.expire_all()
    target = db.session.get(User, target.id)
    assert target.active and len(target.roles) == 1


def test_city_data_manager_cannot_create_accounts_elsewhere_or_grant_admin(client, login, world):
    _tree, people = world
    login(people["dm_demak"])
    form = client.get("/akun-pengguna/baru").get_data(as_text=True)
    assert 'value="admin"' not in form
    for role, scope in (
        ("writer", "SEMARANG-TF01"),
        ("admin", ""),
        ("data_manager", "KMW-A"),
        ("panel_member", ""),
    ):
        response = client.post(
            "/akun-pengguna/baru",
            data={"email": f"{role}@contoh.id", "name": "Orang Baru", "role": role, "scope_code": scope},
        )
        assert response.status_code == 200
        assert db.session.scalar(db.select(User.id).where(User.email == f"{role}@contoh.id")) is None, role
    ok = client.post(
        "/akun-pengguna/baru",
        data={"email": "tf@contoh.id", "name": "Faskel", "role": "writer", "scope_code": "DEMAK-TF02"},
    )
    assert ok.status_code == 200 and "/akun/atur-sandi/" in ok.get_data(as_text=True)
    assert db.session.scalar(db.select(User.id).where(User.email == "tf@contoh.id")) is not None


def test_city_data_manager_cannot_grant_outside_scope_on_own_account(client, login, world):
    _tree, people = world
    login(people["dm_demak"])
    writer = people["writer"]
    response = client.post(
        f"/akun-pengguna/{writer.id}/peran", data={"role": "writer", "scope_code": "SEMARANG-TF02"}
    )
    assert response.status_code == 422
    response = client.post(f"/akun-pengguna/{writer.id}/peran", data={"role": "admin", "scope_code": ""})
    assert response.status_code == 422
    ok = client.post(
        f"/akun-pengguna/{writer.id}/peran", data={"role": "panel_member", "scope_code": "DEMAK"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert {a.role for a in db.session.get(User, writer.id).roles} == {Role.WRITER, Role.PANEL_MEMBER}


def test_kmw_data_manager_manages_its_provinces_cities(client, login, world):
    tree, people = world
    login(people["dm_kmw_a"])
    page = client.get("/akun-pengguna/").get_data(as_text=True)
    assert people["writer"].email in page and people["writer_semarang"].email in page
    assert people["writer_makassar"].email not in page
    assert client.get(f"/akun-pengguna/{people['writer_makassar'].id}").status_code == 404
    assert client.get(f"/admin/struktur/tim/{tree.team['makassar-TF01'].id}").status_code == 404
    assert client.get(f"/admin/struktur/tim/{tree.team['semarang-TF01'].id}").status_code == 200


def test_national_data_manager_sees_all_but_admins(client, login, world):
    _tree, people = world
    login(people["dm_national"])
    page = client.get("/akun-pengguna/").get_data(as_text=True)
    assert people["writer_makassar"].email in page and people["admin"].email not in page
    assert client.get(f"/akun-pengguna/{people['admin'].id}").status_code == 404


def test_disable_ends_sessions_and_enable_restores(app, client, login, world):
    _tree, people = world
    writer_client = app.test_client()
    login(people["writer"], c=writer_client)
    assert writer_client.get("/akun/kata-sandi").status_code == 200
    login(people["dm_demak"])
    assert client.post(f"/akun-pengguna/{people['writer'].id}/nonaktifkan").status_code == 302
    assert writer_client.get("/akun/kata-sandi").status_code == 302  # the old session no longer works
    disabled = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "account_disabled"))
    assert disabled.target == f"user:{people['writer'].id}" and disabled.user_id == people["dm_demak"].id
    refused = client.post(f"/akun-pengguna/{people['dm_demak'].id}/nonaktifkan", follow_redirects=True)
    assert "tidak dapat menonaktifkan akun Anda sendiri" in refused.get_data(as_text=True)
    assert client.post(f"/akun-pengguna/{people['writer'].id}/aktifkan").status_code == 302
    db.session.expire_all()
    assert (
        db.session.get(User, people["writer"].id).active
        and db.session.get(User, people["dm_demak"].id).active
    )


def test_reissue_link_shows_a_working_link(client, login, world):
    _tree, people = world
    login(people["dm_demak"])
    page = client.post(f"/akun-pengguna/{people['writer'].id}/tautan").get_data(as_text=True)
    token = page.split("/akun/atur-sandi/")[1].split('"')[0]
    assert client.get(f"/akun/atur-sandi/{token}").status_code == 200


def test_city_data_manager_cannot_manage_another_city_teams_by_id(client, login, world):
    tree, people = world
    login(people["dm_demak"])
    other = tree.team["semarang-TF01"]
    assert client.get(f"/admin/struktur/tim/{other.id}").status_code == 404
    assert client.get(f"/admin/struktur/tim/{other.id}/ubah").status_code == 404
    assert (
        client.post(
            f"/admin/struktur/tim/{other.id}/ubah",
            data={"code": "X", "name": "Diambil", "parent_code": "DEMAK", "kind": "tf"},
        ).status_code
        == 404
    )
    assert client.post(f"/admin/struktur/tim/{other.id}/hapus").status_code == 404
    assert client.get(f"/admin/struktur/tim/baru?induk={tree.city['semarang'].id}").status_code == 404
    assert client.get(f"/admin/struktur/kota/{tree.city['semarang'].id}").status_code == 404
    created = client.post(
        "/admin/struktur/tim/baru",
        data={"code": "SEMARANG-TF99", "name": "Tim Liar", "parent_code": "SEMARANG", "kind": "tf"},
    )
    assert created.status_code == 200
    assert db.session.scalar(db.select(Team.id).where(Team.code == "SEMARANG-TF99")) is None
    db.session.expire_all()
    assert db.session.get(Team, other.id).name == "TF 01 Kota Semarang"


def test_city_data_manager_manages_own_teams_but_not_the_city(client, login, world):
    tree, people = world
    login(people["dm_demak"])
    demak = tree.city["demak"]
    assert client.get(f"/admin/struktur/kota/{demak.id}").status_code == 200
    assert client.get(f"/admin/struktur/kota/{demak.id}/ubah").status_code == 403
    assert client.post(f"/admin/struktur/kota/{demak.id}/hapus").status_code == 403
    assert client.get("/admin/struktur/kota/baru").status_code == 403
    response = client.post(
        f"/admin/struktur/tim/baru?induk={demak.id}",
        data={"code": "DEMAK-TF04", "name": "TF 04 Demak", "parent_code": "DEMAK", "kind": "tf"},
    )
    assert response.status_code == 302
    team = db.session.scalar(db.select(Team).where(Team.code == "DEMAK-TF04"))
    moved = client.post(
        f"/admin/struktur/tim/{team.id}/ubah",
        data={"code": "DEMAK-TF04", "name": "TF 04", "parent_code": "SEMARANG", "kind": "tf"},
    )
    assert moved.status_code == 200 and "tidak berwenang" in moved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Team, team.id).city_id == demak.id
    listing = client.get("/admin/struktur/tim/").get_data(as_text=True)
    assert "DEMAK-TF01" in listing and "SEMARANG-TF01" not in listing


def test_manager_of_a_kmw_and_a_city_elsewhere_lists_both(client, login, world, make_user):
    tree, people = world
    both = make_user(roles=[(Role.DATA_MANAGER, tree.kmw["A"]), (Role.DATA_MANAGER, tree.city["makassar"])])
    login(both)
    page = client.get("/akun-pengguna/").get_data(as_text=True)
    assert people["writer_makassar"].email in page and people["writer_semarang"].email in page
    teams = client.get("/admin/struktur/tim/?q=TF01").get_data(as_text=True)
    assert "MAKASSAR-TF01" in teams and "DEMAK-TF01" in teams and "JAYAPURA-TF01" not in teams
