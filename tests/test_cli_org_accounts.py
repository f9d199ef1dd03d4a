"""Command line: import-tree, export-tree, create-admin, import-accounts, set-password-link."""

from __future__ import annotations

from pathlib import Path

from portal.auth.operations import find_token
from portal.extensions import db
from portal.models.org import City, Kelurahan
from portal.models.people import Role, User

DATA = Path(__file__).parent / "data"


def token_of(line: str) -> str:
    return line.strip().rsplit("/akun/atur-sandi/", 1)[1]


def test_import_tree_and_export_tree(app, runner, tmp_path):
    result = runner.invoke(args=["import-tree", str(DATA / "tree_good.csv")])
    assert result.exit_code == 0, result.output
    assert "Kelurahan: 5 baru" in result.output
    out = tmp_path / "tree.csv"
    exported = runner.invoke(args=["export-tree", str(out)])
    assert exported.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")
    again = runner.invoke(args=["import-tree", str(out)])
    assert again.exit_code == 0 and "Kelurahan: 0 baru, 0 diperbarui" in again.output


def test_import_tree_with_errors_exits_2_and_imports_nothing(app, runner):
    result = runner.invoke(args=["import-tree", str(DATA / "tree_bad_row.csv")])
    assert result.exit_code == 2
    assert "Baris 3, kolom zona_waktu" in result.output and "Baris 4, kolom tim_kode" in result.output
    assert db.session.scalar(db.select(db.func.count(City.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Kelurahan.id))) == 0


def test_create_admin_prints_a_working_link(app, runner):
    result = runner.invoke(args=["create-admin", "--email", "Admin@Contoh.ID", "--name", "Admin Pusat"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "admin@contoh.id"))
    assert [a.role for a in user.roles] == [Role.ADMIN]
    link_line = next(line for line in result.output.splitlines() if "/akun/atur-sandi/" in line)
    assert find_token(token_of(link_line)).user_id == user.id
    fresh = runner.invoke(args=["set-password-link", "admin@contoh.id"])
    assert fresh.exit_code == 0 and find_token(token_of(fresh.output)).user_id == user.id
    assert find_token(token_of(link_line)) is None


def test_import_accounts_prints_links_or_problems(app, runner, make_tree, tmp_path):
    make_tree()
    good = tmp_path / "akun.csv"
    good.write_text(
        "email;nama;telepon;jabatan;peran;lingkup_kode\n"
        "a@contoh.id;Ani;0812;Faskel;writer;DEMAK-TF01\n"
        "b@contoh.id;Budi;;Askot;data_manager;DEMAK\n",
        encoding="utf-8-sig",
    )
    result = runner.invoke(args=["import-accounts", str(good)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["a@contoh.id", "b@contoh.id"]
    assert all(find_token(token_of(line)) is not None for line in lines)
    bad = tmp_path / "salah.csv"
    bad.write_text("email,nama,peran,lingkup_kode\nc@contoh.id,Citra,writer,TIDAK-ADA\n", encoding="utf-8")
    refused = runner.invoke(args=["import-accounts", str(bad)])
    assert refused.exit_code == 2 and "Baris 2, kolom lingkup_kode" in refused.output
    assert db.session.scalar(db.select(User.id).where(User.email == "c@contoh.id")) is None
