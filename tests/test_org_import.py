"""Tree CSV import and export: good files, bad rows, separators, idempotence, round trip."""

from __future__ import annotations

from pathlib import Path

from portal.extensions import db
from portal.models.org import City, Kelurahan, Kmw, Province, Region, Team, TeamKind
from portal.models.people import AuditLog
from portal.org.csvio import export_tree_csv, import_tree_csv

DATA = Path(__file__).parent / "data"
HEADER = (
    "wilayah_kode,wilayah_nama,kmw_kode,kmw_nama,provinsi_kode,provinsi_nama,zona_waktu,kota_kode,kota_nama,"
    "tim_kode,tim_nama,tim_jenis,kelurahan_kode,kelurahan_nama\n"
)


def counts() -> dict:
    return {
        m.__name__: db.session.scalar(db.select(db.func.count(m.id)))
        for m in (Region, Kmw, Province, City, Team, Kelurahan)
    }


def snapshot() -> list:
    rows = []
    for model in (Region, Kmw, Province, City, Team, Kelurahan):
        for obj in db.session.scalars(db.select(model).order_by(model.code)):
            rows.append((model.__name__, obj.id, obj.code, obj.name))
    return rows


def test_good_file_builds_the_tree(app):
    result = import_tree_csv((DATA / "tree_good.csv").read_bytes())
    assert result.problems == []
    assert counts() == {"Region": 2, "Kmw": 2, "Province": 3, "City": 4, "Team": 9, "Kelurahan": 5}
    bandung = db.session.scalar(db.select(City).where(City.code == "3273"))
    assert bandung.province.kmw.region.code == "W1"
    korkot = [t for t in bandung.teams if t.kind == TeamKind.KORKOT]
    assert [t.code for t in korkot] == ["3273-KK"]  # created with the city
    assert db.session.scalar(db.select(Province).where(Province.code == "91")).timezone == "Asia/Jayapura"
    assert result.created["kelurahan"] == 5 and result.created["tim"] == 9
    assert "5 baru" in result.summary()
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "tree_imported")) is not None


def test_bad_rows_import_nothing_and_name_line_and_column(app):
    result = import_tree_csv((DATA / "tree_bad_row.csv").read_bytes())
    messages = [str(p) for p in result.problems]
    assert len(messages) == 2, messages
    assert messages[0].startswith("Baris 3, kolom zona_waktu")
    assert messages[1].startswith("Baris 4, kolom tim_kode") and "baris 2" in messages[1]
    assert counts() == dict.fromkeys(("Region", "Kmw", "Province", "City", "Team", "Kelurahan"), 0)


def test_semicolon_and_bom_file(app):
    result = import_tree_csv((DATA / "tree_semicolon_bom.csv").read_bytes())
    assert result.problems == []
    team = db.session.scalar(db.select(Team).where(Team.code == "6171-TF01"))
    assert team.name == "TF 01 Pontianak; Barat"  # a quoted separator stays in the name
    assert team.city.province.timezone == "Asia/Pontianak"
    assert len(team.kelurahan) == 2


def test_reimport_changes_nothing_and_renames_update(app):
    data = (DATA / "tree_good.csv").read_bytes()
    import_tree_csv(data)
    before = snapshot()
    again = import_tree_csv(data)
    assert again.problems == [] and not again.changed
    assert snapshot() == before
    renamed = import_tree_csv(data.replace(b"Sukaluyu", b"Sukaluyu Baru"))
    assert renamed.updated["kelurahan"] == 1 and sum(renamed.created.values()) == 0
    assert (
        db.session.scalar(db.select(Kelurahan.name).where(Kelurahan.code == "3273010001")) == "Sukaluyu Baru"
    )


def test_export_then_reimport_round_trips(app, make_tree):
    make_tree()
    import_tree_csv((DATA / "tree_good.csv").read_bytes())
    before = snapshot()
    exported = export_tree_csv()
    assert exported.startswith(b"\xef\xbb\xbf")
    assert b"MAKASSAR-KK" in exported and b"korkot" in exported
    result = import_tree_csv(exported)
    assert result.problems == [] and not result.changed
    assert snapshot() == before


def test_export_imports_into_an_empty_database(app, make_tree, tmp_path):
    make_tree()
    import_tree_csv((DATA / "tree_good.csv").read_bytes())
    before = [(m, c, n) for m, _, c, n in snapshot()]
    exported = export_tree_csv()
    for model in (Kelurahan, Team, City, Province, Kmw, Region):
        db.session.execute(db.delete(model))
    db.session.commit()
    assert import_tree_csv(exported).problems == []
    assert [(m, c, n) for m, _, c, n in snapshot()] == before


def test_conflict_with_database_parent_is_an_error(app, make_tree):
    make_tree()
    csv = (
        HEADER
        + "W1,Wilayah I,KMW-A,KMW A,JATENG,Jawa Tengah,Asia/Jakarta,"
        + "DEMAK,Kabupaten Demak,SEMARANG-TF01,TF,tf,,\n"
    )
    result = import_tree_csv(csv.encode())
    assert len(result.problems) == 1
    assert str(result.problems[0]).startswith("Baris 2, kolom tim_kode")
    assert "SEMARANG" in str(result.problems[0])


def test_header_and_cell_problems(app):
    missing = import_tree_csv(b"kmw_kode,kmw_nama,kolom_aneh\nK1,KMW 1,x\n")
    texts = [str(p) for p in missing.problems]
    assert any(t.startswith("Baris 1, kolom provinsi_kode") for t in texts)
    assert any(t.startswith("Baris 1, kolom kolom_aneh") for t in texts)
    rows = (
        HEADER
        + ",,K1,KMW 1,P1,,WIB,,,,,,,\n"  # province without name
        + ",,K1,KMW 1,,,,C1,Kota,,,,,\n"  # city without province
        + ",,K1,KMW 1,P2,Prov,WIB,C2,Kota 2,T2,Tim,lain,,\n"  # bad team kind
        + ",,K1,=HYPERLINK(1),,,,,,,,,,\n"  # formula
        + ",,K1,KMW satu,,,,,,,,,,\n"
    )  # same code, other name
    result = import_tree_csv(rows.encode())
    texts = [str(p) for p in result.problems]
    assert texts[0].startswith("Baris 2, kolom provinsi_nama")
    assert texts[1].startswith("Baris 3, kolom provinsi_kode")
    assert texts[2].startswith("Baris 4, kolom tim_jenis")
    assert texts[3].startswith("Baris 5, kolom kmw_nama")
    assert texts[4].startswith("Baris 6, kolom kmw_nama") and "baris 2" in texts[4]
    assert counts()["Kmw"] == 0


def test_not_utf8_and_empty(app):
    assert "UTF-8" in str(import_tree_csv(HEADER.encode() + "x,Wilayah Ñ\n".encode("latin-1")).problems[0])
    assert str(import_tree_csv(b"").problems[0]).startswith("Baris 1")


def test_two_korkot_teams_for_one_city_refused(app, make_tree):
    make_tree()
    csv = (
        HEADER
        + "W1,Wilayah I,KMW-A,KMW A,JATENG,Jawa Tengah,Asia/Jakarta,"
        + "DEMAK,Kabupaten Demak,DEMAK-K2,K2,korkot,,\n"
    )
    result = import_tree_csv(csv.encode())
    assert [p.column for p in result.problems] == ["tim_jenis"]


def test_large_file_is_checked_in_bulk(app):
    """11,000 kelurahan rows import with a fixed number of queries, not one per row."""
    from sqlalchemy import event

    lines = [HEADER]
    for i in range(11000):
        city, team = i // 396, i // 9
        lines.append(
            f"W1,Wilayah I,K{city // 10},KMW {city // 10},P{city // 5},Prov {city // 5},WIB,"
            f"C{city},Kota {city},T{team},Tim {team},tf,KEL{i:05d},Kelurahan {i}\n"
        )
    data = "".join(lines).encode()
    selects = []
    listener = lambda *args: (
        selects.append(args[2]) if args[2].lstrip().upper().startswith("SELECT") else None
    )
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = import_tree_csv(data)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert result.problems == []
    assert result.created["kelurahan"] == 11000
    assert len(selects) < 20
    assert not import_tree_csv(data).changed
