"""Account pages as an administrator: create one by one, import by CSV, roles, links."""

from __future__ import annotations

import io

from portal.extensions import db
from portal.models.people import Role, User


def test_admin_creates_an_account_and_the_link_works_once(app, client, login, make_user, make_tree):
    make_tree()
    login(make_user(Role.ADMIN))
    page = client.post(
        "/akun-pengguna/baru",
        data={
            "email": "Dewi@Contoh.id",
            "name": "Dewi Lestari",
            "phone": "0813",
            "position": "Askot CD",
            "role": "data_manager",
            "scope_code": "kota:DEMAK",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "dewi@contoh.id" in text
    token = text.split("/akun/atur-sandi/")[1].split('"')[0]
    other = app.test_client()
    assert (
        other.post(
            f"/akun/atur-sandi/{token}", data={"password": "sungai-musi-2026", "confirm": "sungai-musi-2026"}
        ).status_code
        == 302
    )
    assert other.get(f"/akun/atur-sandi/{token}").status_code == 410
    dewi = db.session.scalar(db.select(User).where(User.email == "dewi@contoh.id"))
    assert dewi.roles[0].city.code == "DEMAK" and dewi.position == "Askot CD"


def test_admin_creation_refusals_keep_the_form(client, login, make_user):
    login(make_user(Role.ADMIN, email="admin@contoh.id"))
    page = client.post(
        "/akun-pengguna/baru",
        data={"email": "admin@contoh.id", "name": "Nama Saya", "role": "reader", "scope_code": ""},
    )
    text = page.get_data(as_text=True)
    assert "sudah terdaftar" in text and "Nama Saya" in text
    page = client.post(
        "/akun-pengguna/baru", data={"email": "w@contoh.id", "name": "W", "role": "writer", "scope_code": ""}
    )
    assert "perlu kode lingkup" in page.get_data(as_text=True)


def test_account_import_page(client, login, make_user, make_tree):
    make_tree()
    login(make_user(Role.ADMIN))
    bad = b"email,nama,peran,lingkup_kode\nx@contoh.id,X,writer,DEMAK-TF01\nrusak,Y,writer,DEMAK-TF01\n"
    page = client.post(
        "/akun-pengguna/impor", data={"file": (io.BytesIO(bad), "a.csv")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Baris 3, kolom email" in page
    assert db.session.scalar(db.select(User.id).where(User.email == "x@contoh.id")) is None
    good = bad.replace(b"rusak", b"y@contoh.id")
    page = client.post(
        "/akun-pengguna/impor", data={"file": (io.BytesIO(good), "a.csv")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert page.count("/akun/atur-sandi/") == 2


def test_account_page_roles_and_pagination(client, login, make_user, make_tree):
    tree = make_tree()
    login(make_user(Role.ADMIN))
    for i in range(55):
        make_user(Role.WRITER, tree.team["demak-TF02"], name=f"Penulis {i:02d}")
    first = client.get("/akun-pengguna/").get_data(as_text=True)
    assert "Halaman 1 dari 2" in first
    assert "Halaman 2 dari 2" in client.get("/akun-pengguna/?hal=2").get_data(as_text=True)
    writer = db.session.scalar(db.select(User).where(User.name == "Penulis 00"))
    show = client.get(f"/akun-pengguna/{writer.id}").get_data(as_text=True)
    assert "TF 02 Kabupaten Demak" in show and "Nonaktifkan" in show
    client.post(f"/akun-pengguna/{writer.id}/peran", data={"role": "admin", "scope_code": ""})
    db.session.expire_all()
    assert {a.role for a in db.session.get(User, writer.id).roles} == {Role.WRITER, Role.ADMIN}


def _selects(client, url: str) -> int:
    from sqlalchemy import event

    seen = []

    def listener(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_list_pages_do_not_query_per_row(client, login, make_user, make_tree):
    tree = make_tree()
    login(make_user(Role.DATA_MANAGER, tree.kmw["A"]))
    for _ in range(3):
        make_user(Role.WRITER, tree.team["demak-TF01"])
    few = (_selects(client, "/akun-pengguna/"), _selects(client, "/admin/struktur/tim/"))
    for i in range(40):
        make_user(
            roles=[
                (Role.WRITER, tree.team[f"semarang-TF0{1 + i % 9}"]),
                (Role.PANEL_MEMBER, tree.city["demak"]),
            ]
        )
    many = (_selects(client, "/akun-pengguna/"), _selects(client, "/admin/struktur/tim/"))
    assert many == few
