"""Accounts: one by one and by CSV, roles, one-time links, disabling."""

from __future__ import annotations

import pytest

from portal.accounts.csvio import import_accounts_csv
from portal.accounts.operations import AccountError, add_role, create_account, reissue_link, remove_role
from portal.auth.operations import find_token, use_token
from portal.extensions import db
from portal.models.people import AuditLog, Role, User

HEADER = "email,nama,telepon,jabatan,peran,lingkup_kode\n"


def audit_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)))


def test_create_account_with_link_and_audit(app, make_tree):
    tree = make_tree()
    user, token = create_account(
        email=" Siti@Contoh.ID ",
        name="Siti",
        roles=[(Role.WRITER, tree.team["semarang-TF01"])],
        phone="0812",
        position="Faskel Teknik",
    )
    assert user.email == "siti@contoh.id" and user.password_hash is None
    assert [(a.role, a.team_id) for a in user.roles] == [(Role.WRITER, tree.team["semarang-TF01"].id)]
    assert find_token(token).user_id == user.id
    assert "account_created" in audit_actions()


def test_create_account_refusals(app, make_tree):
    tree = make_tree()
    create_account(email="a@contoh.id", name="A", roles=[(Role.READER, None)])
    with pytest.raises(AccountError, match="sudah terdaftar"):
        create_account(email="A@contoh.id", name="A2", roles=[(Role.READER, None)])
    with pytest.raises(AccountError):
        create_account(email="bukan-email", name="B", roles=[(Role.READER, None)])
    with pytest.raises(AccountError):  # a writer needs a team or a KMW, not a city
        create_account(email="c@contoh.id", name="C", roles=[(Role.WRITER, tree.city["demak"])])
    with pytest.raises(AccountError):  # a data manager is not scoped to a team
        create_account(email="d@contoh.id", name="D", roles=[(Role.DATA_MANAGER, tree.team["demak-TF01"])])
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_one_time_link_works_once(app, client, make_tree):
    _user, token = create_account(email="baru@contoh.id", name="Baru", roles=[(Role.READER, None)])
    assert client.get(f"/akun/atur-sandi/{token}").status_code == 200
    response = client.post(
        f"/akun/atur-sandi/{token}", data={"password": "gotong-royong-2026", "confirm": "gotong-royong-2026"}
    )
    assert response.status_code == 302
    assert client.get(f"/akun/atur-sandi/{token}").status_code == 410
    with pytest.raises(AccountError):
        use_token(token, "lain-lagi-sandi-77")
    login = client.post("/akun/masuk", data={"email": "baru@contoh.id", "password": "gotong-royong-2026"})
    assert login.status_code == 302


def test_reissued_link_replaces_the_old_one(app):
    user, first = create_account(email="x@contoh.id", name="X", roles=[(Role.READER, None)])
    second = reissue_link("X@contoh.id")
    assert find_token(first) is None and find_token(second).user_id == user.id
    with pytest.raises(AccountError):
        reissue_link("tidak-ada@contoh.id")


def test_add_and_remove_roles(app, make_tree, make_user):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    user, _ = create_account(email="y@contoh.id", name="Y", roles=[(Role.WRITER, tree.team["demak-TF01"])])
    add_role(user, Role.PANEL_MEMBER, tree.city["demak"], by=admin)
    with pytest.raises(AccountError):
        add_role(user, Role.PANEL_MEMBER, tree.city["demak"], by=admin)
    db.session.rollback()
    assert {a.role for a in user.roles} == {Role.WRITER, Role.PANEL_MEMBER}
    remove_role(user, user.roles[0], by=admin)
    assert len(user.roles) == 1
    with pytest.raises(AccountError):  # an admin cannot lock themselves out
        remove_role(admin, admin.roles[0], by=admin)
    assert {"role_added", "role_removed"} <= set(audit_actions())


def test_csv_import_creates_accounts_with_several_roles(app, make_tree):
    tree = make_tree()
    csv = (
        HEADER
        + "siti@contoh.id,Siti Rahmawati,0812,Faskel,writer,SEMARANG-TF01\n"
        + "siti@contoh.id,Siti Rahmawati,0812,Faskel,panel_member,DEMAK\n"
        + "budi@contoh.id,Budi,,Askot,pengelola_data,kota:SEMARANG\n"
        + "ta@contoh.id,TA,,TA Sosialisasi,data_manager,KMW-B\n"
        + "kmp@contoh.id,KMP,,Tim CB,panel_member,\n"
        + "baca@contoh.id,Pembaca,,,reader,\n"
    )
    result = import_accounts_csv(csv.encode())
    assert result.problems == []
    assert [e for e, _ in result.links] == [
        "siti@contoh.id",
        "budi@contoh.id",
        "ta@contoh.id",
        "kmp@contoh.id",
        "baca@contoh.id",
    ]
    siti = db.session.scalar(db.select(User).where(User.email == "siti@contoh.id"))
    assert {(a.role, a.level) for a in siti.roles} == {(Role.WRITER, "team"), (Role.PANEL_MEMBER, "city")}
    ta = db.session.scalar(db.select(User).where(User.email == "ta@contoh.id"))
    assert ta.roles[0].kmw_id == tree.kmw["B"].id
    assert all(find_token(t) is not None for _, t in result.links)
    assert "accounts_imported" in audit_actions()


def test_csv_bad_rows_reported_by_line_and_nothing_created(app, make_tree, make_user):
    make_tree()
    make_user(Role.READER, email="ada@contoh.id")
    csv = (
        HEADER
        + "ok@contoh.id,Oke,,,writer,SEMARANG-TF01\n"
        + "bukan-email,Salah,,,writer,SEMARANG-TF01\n"
        + "ada@contoh.id,Sudah Ada,,,reader,\n"
        + "p@contoh.id,P,,,juri,\n"
        + "q@contoh.id,Q,,,writer,TIDAK-ADA\n"
        + "r@contoh.id,,,,reader,\n"
        + "s@contoh.id,S,,,writer,\n"
    )
    result = import_accounts_csv(csv.encode("utf-8"))
    texts = [str(p) for p in result.problems]
    assert texts[0].startswith("Baris 3, kolom email")
    assert texts[1].startswith("Baris 4, kolom email") and "sudah terdaftar" in texts[1]
    assert texts[2].startswith("Baris 5, kolom peran")
    assert texts[3].startswith("Baris 6, kolom lingkup_kode")
    assert texts[4].startswith("Baris 7, kolom nama")
    assert texts[5].startswith("Baris 8, kolom lingkup_kode")
    assert result.links == []
    assert db.session.scalar(db.select(User.id).where(User.email == "ok@contoh.id")) is None


def test_csv_import_by_city_data_manager_is_limited_to_the_city(app, make_tree, make_user):
    tree = make_tree()
    manager = make_user(Role.DATA_MANAGER, tree.city["demak"])
    csv = (
        HEADER
        + "a@contoh.id,A,,,writer,DEMAK-TF01\n"
        + "b@contoh.id,B,,,writer,SEMARANG-TF01\n"
        + "c@contoh.id,C,,,admin,\n"
    )
    result = import_accounts_csv(csv.encode(), by=manager)
    assert [(p.line, p.column) for p in result.problems] == [(3, "peran"), (4, "peran")]
    ok = import_accounts_csv(
        (HEADER + "a@contoh.id,A,,,writer,DEMAK-TF01\n").replace(",", ";").encode("utf-8-sig"), by=manager
    )
    assert ok.problems == [] and len(ok.links) == 1


def test_ambiguous_scope_code_needs_a_prefix(app, make_tree):
    from portal.models.org import Kmw

    make_tree()
    db.session.add(Kmw(code="DEMAK", name="KMW bernama sama"))
    db.session.commit()
    result = import_accounts_csv((HEADER + "a@contoh.id,A,,,data_manager,DEMAK\n").encode())
    assert "kota:DEMAK" in str(result.problems[0])
    assert import_accounts_csv((HEADER + "a@contoh.id,A,,,data_manager,kmw:DEMAK\n").encode()).problems == []
