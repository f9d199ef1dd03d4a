"""No text a user typed runs as a formula in any csv or xlsx the portal (or the scoring CLI) writes.

Hostile text (``=HYPERLINK(...)``, ``+cmd``, ``-1+1``, ``@SUM``, tab and CR prefixes) goes into every
user-controlled field that reaches an export; then every export is generated (each download route of
the reports pages in each format, every member of every bundle, the tree export on the page and on the
command line, the scoring CLI's results) and every cell is parsed: no xlsx cell is a formula, no csv
cell starts with a formula character unless it is a number, the hostile text is there (neutralised,
not dropped) and numbers are still numbers.

The list of exports is discovered, not trusted: every download route of the app, every ``export``
command and every module that writes csv or xlsx must be in the tables below, so a new export that is
not covered here fails.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from builders_reports import add_entry, add_sheet, extension, knowledge_product, make_panel, submit_at, utc
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Kelurahan, Role, Tier
from portal.models.org import City, Kmw, Province, Region, Team
from portal.org.csvio import export_tree_csv, import_tree_csv
from portal.reports import bundles, exports, routes
from portal.reports.recaps import Recap, Section
from scoring.spreadsheet import quote_text, unquote_text
from tests.builders_jobs import consumer_thread, wait_for_state

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2026-11"
HYPERLINK = '=HYPERLINK("http://evil.example/","klik")'
CMD = "+cmd|' /C calc'!A0"
MINUS = "-1+1"
AT = "@SUM(1+1)"
TAB = "\t=1+1"
CR = "\r=2+2"
HOSTILE = [HYPERLINK, CMD, MINUS, AT, TAB, CR]
QUOTED = "'=sudah dikutip"  # the user's own apostrophe in front of a formula character
PHONE = "+62 812-3456-7890"
# OWASP's list, written out here independently of the code, and the line feed an xlsx turns a CR into.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")
NUMBER = re.compile(r"-?\d+([.,]\d+)?")

# Every route that answers with a file. A spreadsheet export (or a zip holding one) is generated below;
# the others are listed with the reason they hold no spreadsheet the portal writes.
SPREADSHEET_ROUTES = {"reports.lampiran3", "reports.lampiran2", "reports.obligations",
                      "reports.bundle_download", "org.export_tree", "rewards.participants"}
NOT_SPREADSHEETS = {
    "panels.letter": "the decision letter, a PDF",
    "submissions.knowledge_document": "the expert's own uploaded document, served as uploaded",
    "elearning.knowledge_document": "the same uploaded document on the public pages",
    "rewards.certificate_download": "a certificate, a PDF",
    "rewards.invitation_letter": "the workshop invitation letter, a PDF",
}
DOWNLOAD_WORDS = ("unduh", "ekspor", "export", "download", "dokumen", ".csv", ".xlsx", ".pdf", ".zip", ".ods")
CLI_EXPORTS = {"export-tree"}
# Modules allowed to write csv or xlsx, each through the rule (scoring/spreadsheet.py).
WRITERS = {
    "portal/spreadsheet_safety.py": "the portal's csv and xlsx writer",
    "portal/reports/exports.py": "builds the recap workbook, saved through spreadsheet_safety.xlsx_bytes",
    "scoring/spreadsheet.py": "the rule",
    "scoring/cli.py": "the results, through quote_frame and protect_workbook",
    "portal/rewards/invitations.py": "builds the workshop participant list, saved through spreadsheet_safety.xlsx_bytes",
}
WRITING = ("csv.writer", "DictWriter", "to_csv(", "to_excel(", "ExcelWriter", "Workbook", "openpyxl",
           "xlsxwriter", "odfpy")
RECAP_ROUTES = {
    "reports.lampiran3": lambda w: f"/laporan/lampiran3/{w['city'].id}/unduh/{{fmt}}?periode={PERIOD}",
    "reports.lampiran2": lambda w: f"/laporan/lampiran2/{w['kmw'].id}/unduh/{{fmt}}?periode={PERIOD}",
    "reports.obligations": lambda w: f"/laporan/kepatuhan/unduh/{{fmt}}?periode={PERIOD}",
}
# What each export must show (neutralised): proof that the hostile text reached it.
EXPECTED = {
    "reports.lampiran3": HOSTILE,
    "reports.lampiran2": [HYPERLINK, CMD, AT, TAB],
    "reports.obligations": HOSTILE + [QUOTED, PHONE],
    "org.export_tree": HOSTILE + [QUOTED],
}


# --- checking a file --------------------------------------------------------------------------------


def xlsx_cells(data: bytes, label: str) -> tuple[list[str], int]:
    """Check every cell of an xlsx; returns its texts and how many numeric cells it has."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", archive.read(name)), f"{label}: formula in {name}"
    texts, numbers = [], 0
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{label}: {sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(DANGEROUS):
                        assert cell.data_type == "s" and cell.quotePrefix, f"{label}: {cell.coordinate}"
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert cell.data_type == "n"
                    numbers += 1
    return texts, numbers


def csv_cells(data: bytes, label: str, delimiter: str = ";") -> list[str]:
    """Check every cell of a csv; returns them."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        if cell.startswith(DANGEROUS):
            assert NUMBER.fullmatch(cell), f"{label}: unquoted formula-like cell {cell!r}"
    return cells


def check_file(name: str, data: bytes, label: str, expected=()) -> None:
    if name.endswith(".xlsx"):
        texts, numbers = xlsx_cells(data, label)
        assert numbers, f"{label}: numbers must stay numbers"
        shown = {t.replace("\n", "\r") if t.startswith("\n") else t for t in texts}  # XML reads CR as LF
        missing = [e for e in expected if e not in shown]
    elif name.endswith(".csv"):
        cells = set(csv_cells(data, label))
        missing = [e for e in expected if quoted(e) not in cells]
    else:
        raise AssertionError(f"{label}: {name} is not a spreadsheet")
    assert not missing, f"{label}: hostile text missing, so not checked: {missing!r}"


def quoted(text: str) -> str:
    """How a csv cell holding ``text`` must read (written out here, not taken from the code)."""
    return "'" + text if text.lstrip("'").startswith(DANGEROUS) else text


# --- the hostile month ------------------------------------------------------------------------------


def hostile_tree(make_tree):
    tree = make_tree()
    t = tree.team
    db.session.scalar(db.select(Region)).name = AT
    tree.kmw["A"].name, tree.kmw["B"].name = CMD, HYPERLINK
    tree.province["jateng"].name, tree.province["sulsel"].name, tree.province["papua"].name = MINUS, TAB, CR
    for key, name in (("semarang", HYPERLINK), ("demak", AT), ("makassar", QUOTED), ("jayapura", MINUS)):
        tree.city[key].name = name
    for key, name in (("semarang-TF01", CMD), ("semarang-TF02", TAB), ("semarang-TF03", CR),
                      ("semarang-KK", HYPERLINK), ("demak-TF01", "'Ain tetap")):
        t[key].name = name
    t["demak-TF03"].code = "-DEMAK-TF03"
    db.session.add_all([Kelurahan(code="=K1", name=HYPERLINK, team=t["semarang-TF01"]),
                        Kelurahan(code="@K2", name=QUOTED, team=t["demak-TF03"])])
    db.session.commit()
    return tree


@pytest.fixture
def hostile(make_tree, make_piece, make_user):
    tree = hostile_tree(make_tree)
    t = tree.team
    pieces = {}
    for key, title in (("semarang-TF01", HYPERLINK), ("semarang-TF02", CMD), ("semarang-TF03", MINUS),
                       ("semarang-KK", AT), ("demak-TF01", TAB), ("makassar-TF01", CR)):
        piece = make_piece(t[key], title=title, theme=CMD, author_name=MINUS, author_phone=PHONE,
                           institution_name=AT, facts=TAB, photos=2)
        piece.photos[0].caption = HYPERLINK
        submit_at(piece, utc(2026, 11, 10))
        pieces[key] = piece
    city_panel = make_panel(Tier.CITY, PERIOD, city=tree.city["semarang"], closed_at=utc(2026, 11, 19))
    for key in ("semarang-TF01", "semarang-TF02"):
        add_entry(city_panel, pieces[key], selected=True)
    members = [make_user(Role.PANEL_MEMBER, tree.kmw["A"], name=n) for n in (HYPERLINK, MINUS, "Budi")]
    kmw_panel = make_panel(Tier.PROVINCE, PERIOD, kmw=tree.kmw["A"], members=members, chair=members[2],
                           closed_at=utc(2026, 11, 24), letter_number=CMD)
    for rank, key in enumerate(("semarang-TF01", "semarang-KK", "demak-TF01"), 1):
        entry = add_entry(kmw_panel, pieces[key], na=800.0 - 50 * rank, reviewers=3, passed=rank < 3,
                          rank=rank, selected=rank < 3)
        for member, total in zip(members, (800, 760, 740)):
            add_sheet(entry, member, total)
    national = make_panel(Tier.NATIONAL, PERIOD, closed_at=utc(2026, 11, 28))
    add_entry(national, pieces["semarang-TF01"], na=780.0, reviewers=5, passed=True, rank=1, selected=True)
    expert = make_user(Role.WRITER, tree.kmw["A"], name=CMD, position=MINUS, phone=PHONE)
    knowledge_product(expert, tree.kmw["A"], submitted_at=utc(2026, 3, 1), title=HYPERLINK)
    make_user(Role.WRITER, tree.kmw["A"], name=AT, position=CR, phone=PHONE)  # no product: followed up
    for key, name in (("semarang-TF04", TAB), ("semarang-TF05", QUOTED), ("demak-TF02", CR)):
        make_user(Role.WRITER, t[key], name=name, phone=PHONE)  # teams without a piece: followed up
    extension(PERIOD, "writing", utc(2026, 11, 18), team=t["semarang-TF03"]).reason = HYPERLINK
    db.session.commit()
    return {
        "tree": tree,
        "city": tree.city["semarang"],
        "kmw": tree.kmw["A"],
        "dm": make_user(Role.DATA_MANAGER, None, name=HYPERLINK, phone=PHONE),
        "admin": make_user(Role.ADMIN, None),
    }


# --- the list of exports is complete ----------------------------------------------------------------


def test_every_download_route_is_covered_or_not_a_spreadsheet(app):
    downloads = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "fmt" in rule.arguments or any(word in rule.rule.lower() for word in DOWNLOAD_WORDS)
    }
    assert downloads == SPREADSHEET_ROUTES | set(NOT_SPREADSHEETS)
    assert set(RECAP_ROUTES) | {"reports.bundle_download", "org.export_tree", "rewards.participants"} == \
        SPREADSHEET_ROUTES
    assert set(routes.FORMATS) == {"xlsx", "csv", "pdf"}  # a new format must be checked here


def test_every_export_command_is_covered(app):
    names = {name for name in app.cli.commands if "export" in name or "ekspor" in name}
    assert names == CLI_EXPORTS


def test_every_module_writing_spreadsheets_goes_through_the_rule():
    for path in sorted([*(ROOT / "portal").rglob("*.py"), *(ROOT / "scoring").rglob("*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if "/migrations/" in relative or not any(token in text for token in WRITING):
            continue
        assert relative in WRITERS, f"{relative} writes csv or xlsx: route it through the rule and test it"
        if relative.startswith("portal/") and relative != "portal/spreadsheet_safety.py":
            assert "spreadsheet_safety" in text, relative
            assert ".save(" not in text and "csv.writer" not in text, relative
        if relative == "scoring/cli.py":
            assert "quote_frame(" in text and "protect_workbook(" in text


# --- every export, generated --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", routes.FORMATS)
@pytest.mark.parametrize("endpoint", sorted(RECAP_ROUTES))
def test_recap_downloads_are_neutralised(hostile, client, login, endpoint, fmt):
    login(hostile["dm"])
    response = client.get(RECAP_ROUTES[endpoint](hostile).format(fmt=fmt))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if fmt == "pdf":
        assert response.data.startswith(b"%PDF")  # not a spreadsheet: no formulas to run
        return
    check_file(f"x.{fmt}", response.data, f"{endpoint} {fmt}", EXPECTED[endpoint])


def test_obligations_of_one_province_are_neutralised(hostile, client, login):
    """The province filter puts the province's name in the title block and the file name."""
    login(hostile["dm"])
    province = hostile["tree"].province["jateng"]
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/laporan/kepatuhan/unduh/{fmt}?periode={PERIOD}&provinsi={province.id}")
        assert response.status_code == 200
        check_file(f"x.{fmt}", response.data, f"obligations {fmt}", [HYPERLINK, CMD, TAB])


@pytest.mark.parametrize("selection", bundles.SELECTIONS)
@pytest.mark.parametrize("scope", bundles.SCOPES)
def test_every_bundle_member_is_neutralised(hostile, app, client, login, scope, selection):
    login(hostile["dm"])
    node = {"city": hostile["city"], "kmw": hostile["kmw"]}.get(scope)
    data = {"cakupan": scope, "simpul": node.id if node else "", "periode": PERIOD, "isi": selection}
    response = client.post("/laporan/paket", data=data)
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    with consumer_thread(app, workers=1):  # a real consumer of the test's queue builds it
        wait_for_state(job_id, "done", "failed", timeout=120)
    download = client.get(f"/laporan/paket/{job_id}/unduh")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
        sheets = [n for n in names if n.lower().endswith((".xlsx", ".csv"))]
        assert sheets, names
        for name in names:
            assert name.rsplit(".", 1)[-1].lower() in {"xlsx", "csv", "html", "pdf", "jpg", "txt"}, name
        for name in sheets:
            expected = [HYPERLINK] if scope != "national" else [AT, TAB]
            check_file(name, archive.read(name), f"bundle {scope}/{selection}: {name}", expected)
    download.close()


def test_tree_export_page_and_command_are_neutralised(hostile, client, login, runner, tmp_path):
    login(hostile["admin"])
    response = client.get("/admin/struktur/ekspor")
    assert response.status_code == 200
    check_file("tree.csv", response.data, "org.export_tree", EXPECTED["org.export_tree"])
    out = tmp_path / "tree.csv"
    result = runner.invoke(args=["export-tree", str(out)])
    assert result.exit_code == 0, result.output
    check_file("tree.csv", out.read_bytes(), "export-tree", EXPECTED["org.export_tree"])
    assert out.read_bytes() == response.data


def test_scoring_cli_results_are_neutralised(tmp_path):
    rows = [
        {"entry": entry, "reviewer": reviewer, "instrument": code, "score": 7, "kota": city, "judul": title,
         "=kolom": AT}
        for entry, city, title in zip(HOSTILE + [QUOTED], HOSTILE[::-1] + [MINUS], [CMD] * 7)
        for reviewer in ("R1", "=R2")
        for code in range(1, 9)
    ]
    scores = tmp_path / "nilai.csv"
    pd.DataFrame(rows).to_csv(scores, index=False, lineterminator="\r\n")  # quotes the cells holding CR
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"hasil.{suffix}"
        done = subprocess.run([sys.executable, "-m", "scoring", "rank", str(scores), "--group-by", "kota",
                               "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        if suffix == "csv":
            cells = csv_cells(out.read_bytes(), "scoring csv", delimiter=",")
            assert {quoted(t) for t in HOSTILE + [QUOTED, "=kolom"]} <= set(cells)
            assert "700.00" in cells  # NA: a number, unquoted
        else:
            check_file(out.name, out.read_bytes(), "scoring xlsx", [HYPERLINK, CMD, MINUS, AT, "=kolom"])


# --- numbers stay numbers; the apostrophe reads back ------------------------------------------------


def test_only_text_is_neutralised_numbers_stay_numbers(app):
    frame = pd.DataFrame({"No": [1, 2], "Nama": ["-3", HYPERLINK], "Nilai": [-3, 7], "NA": [-1.5, 712.5]})
    recap = Recap("Rekap", [MINUS], [Section(CMD, frame, {"Nilai": -3})], "rekap")
    rows = list(csv.reader(io.StringIO(exports.to_csv(recap).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'" + MINUS] and rows[3] == ["'" + CMD]
    assert rows[5] == ["1", "'-3", "-3", "-1,5"] and rows[6] == ["2", "'" + HYPERLINK, "7", "712,5"]
    assert rows[7] == ["Jumlah", "", "-3", ""]
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(recap))).active
    values = {c.coordinate: (c.value, c.data_type) for row in sheet.iter_rows() for c in row}
    assert values["B6"] == ("-3", "s") and values["C6"] == (-3, "n") and values["D6"] == (-1.5, "n")
    assert values["B7"] == (HYPERLINK, "s") and sheet["B7"].quotePrefix and not sheet["C6"].quotePrefix


@given(st.text(max_size=40))
def test_the_rule_is_its_own_inverse(text):
    written = quote_text(text)
    assert not written.startswith(DANGEROUS)
    assert unquote_text(written) == text
    assert written == quoted(text)


def test_tree_round_trip_keeps_names_starting_with_formula_characters(app, make_tree):
    hostile_tree(make_tree)

    def snapshot():
        return sorted((m.__name__, o.code, o.name) for m in (Region, Kmw, Province, City, Team, Kelurahan)
                      for o in db.session.scalars(db.select(m)))

    before, data = snapshot(), export_tree_csv()
    again = import_tree_csv(data)
    assert again.problems == [] and not again.changed  # the same database: nothing changes
    for model in (Kelurahan, Team, City, Province, Kmw, Region):
        db.session.execute(db.delete(model))
    db.session.commit()
    fresh = import_tree_csv(data)
    assert fresh.problems == []
    assert snapshot() == before  # an empty database: every name and code as it was
    assert export_tree_csv() == data


def test_tree_import_refuses_bare_formulas_and_reads_the_apostrophe(app):
    header = ("kmw_kode;kmw_nama;provinsi_kode;provinsi_nama;zona_waktu;kota_kode;kota_nama;tim_kode;"
              "tim_nama;kelurahan_kode;kelurahan_nama\n")
    bare = import_tree_csv((header + "K1;=HYPERLINK(1);;;;;;;;;\nK2;KMW 2;P2;-Prov;WIB;;;;;;\n").encode())
    assert [(p.line, p.column) for p in bare.problems] == [(2, "kmw_nama"), (3, "provinsi_nama")]
    assert "'-Nama" in str(bare.problems[0])
    good = import_tree_csv((header + "'-K1;'=HYPERLINK(1);P1;''-Prov;WIB;C1;'Ain;T1;'@Tim;;\n").encode())
    assert good.problems == []
    assert db.session.scalar(db.select(Kmw)).code == "-K1"
    assert db.session.scalar(db.select(Kmw)).name == "=HYPERLINK(1)"
    assert db.session.scalar(db.select(Province)).name == "'-Prov"
    assert db.session.scalar(db.select(City)).name == "'Ain"  # no formula character after it: kept
    assert db.session.scalar(db.select(Team).where(Team.code == "T1")).name == "@Tim"


def test_account_import_reads_the_apostrophe_and_refuses_bare_formulas(app, make_tree):
    from portal.accounts.csvio import import_accounts_csv
    from portal.models.people import User

    make_tree()
    header = "email;nama;telepon;jabatan;peran;lingkup_kode\n"
    bare = import_accounts_csv((header + "a@contoh.id;=HYPERLINK(1);;@Ketua;reader;\n").encode())
    assert [(p.line, p.column) for p in bare.problems] == [(2, "nama"), (2, "jabatan")]
    good = import_accounts_csv(
        (header + "a@contoh.id;'-Ani;'+62 812;'=Ketua;reader;\nb@contoh.id;Budi;+62 813;;reader;\n").encode()
    )
    assert good.problems == []
    ani = db.session.scalar(db.select(User).where(User.email == "a@contoh.id"))
    assert (ani.name, ani.phone, ani.position) == ("-Ani", "+62 812", "=Ketua")
    assert db.session.scalar(db.select(User.phone).where(User.email == "b@contoh.id")) == "+62 813"


def test_workshop_participant_list_is_neutralised(client, login, make_tree, make_user):
    """The participant list of a nomination round: hostile names, positions, phones, provinces and reasons."""
    from datetime import date

    from portal.models.rewards import Nomination
    from portal.rewards import operations as reward_ops

    tree = hostile_tree(make_tree)
    national_dm = make_user(Role.DATA_MANAGER, None, name=HYPERLINK)
    nomination_round = reward_ops.open_round(national_dm, year=2026, semester=2, quota=3, workshop_name=CMD,
                                             workshop_date=date(2027, 1, 20), workshop_place=AT)
    writers = [make_user(Role.WRITER, tree.team["semarang-TF01"], name=name, position=MINUS, phone=PHONE)
               for name in (HYPERLINK, TAB, QUOTED)]
    for position, (writer, province, reason) in enumerate(zip(
            writers, ("jateng", "sulsel", "papua"), (CR, AT, ""), strict=True), 1):
        db.session.add(Nomination(round_id=nomination_round.id, province_id=tree.province[province].id,
                                  user_id=writer.id, position=position, proposed=not reason, best_practices=2,
                                  mean_na=812.5, reason=reason, confirmed_by_id=national_dm.id))
    db.session.commit()
    login(national_dm)
    response = client.get(f"/nominasi/{nomination_round.id}/peserta.xlsx")
    assert response.status_code == 200
    check_file("peserta.xlsx", response.data, "rewards.participants",
               [HYPERLINK, TAB, QUOTED, MINUS, PHONE, CR, AT])
