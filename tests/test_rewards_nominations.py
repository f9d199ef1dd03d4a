"""Workshop nominations: the proposal (most best practices at province or national tier in the six months before
the round, ties by mean NA), the round form, each province's confirmation within its quota, the invitation letter
(PDF read back with pdftotext) and the participant list (xlsx, safe cells)."""
from __future__ import annotations

import io
import subprocess

import pytest
from builders_elearning import publish
from openpyxl import load_workbook

from portal.extensions import db
from portal.models.people import Role
from portal.models.rewards import Nomination, NominationRound
from portal.rewards import operations

HOSTILE_NAME = '=HYPERLINK("http://evil.example/","klik")'


@pytest.fixture
def nominees(app, make_tree, make_piece, make_user):
    """Writers of Jawa Tengah (KMW A) and Sulawesi Selatan (KMW B) with best practices in May-October 2026."""
    tree = make_tree()
    t = tree.team
    w = {
        "w1": make_user(Role.WRITER, t["semarang-TF01"], name="Ani (2 BP, rerata 775)"),
        "w2": make_user(Role.WRITER, t["semarang-TF02"], name="Budi (2 BP, rerata 800)"),
        "w3": make_user(Role.WRITER, t["demak-TF01"], name=HOSTILE_NAME, position="+62 812"),
        "w4": make_user(Role.WRITER, t["semarang-TF03"], name="Dewi (di luar periode)"),
        "w5": make_user(Role.WRITER, t["makassar-TF01"], name="Eko Makassar"),
    }

    def bp(writer, team, period, level, na):
        piece = make_piece(t[team], period=period, created_by_id=w[writer].id)
        return publish(piece, level, na_province=na, na_national=na)

    bp("w1", "semarang-TF01", "2026-06", "province", 750.0)
    bp("w1", "semarang-TF01", "2026-08", "national", 800.0)
    bp("w2", "semarang-TF02", "2026-05", "province", 810.0)
    bp("w2", "semarang-TF02", "2026-10", "province", 790.0)
    bp("w3", "demak-TF01", "2026-07", "province", 950.0)
    bp("w4", "semarang-TF03", "2026-04", "province", 990.0)  # before the six months
    bp("w4", "semarang-TF03", "2026-11", "province", 990.0)  # the month the round opens
    make_piece(t["semarang-TF04"], period="2026-09", created_by_id=w["w4"].id)  # submitted, never a best practice
    bp("w5", "makassar-TF01", "2026-09", "province", 720.0)
    users = {
        "national_dm": make_user(Role.DATA_MANAGER, None, name="DM Nasional"),
        "kmw_a": make_user(Role.DATA_MANAGER, tree.kmw["A"], name="DM KMW A"),
        "kmw_b": make_user(Role.DATA_MANAGER, tree.kmw["B"], name="DM KMW B"),
        "city_dm": make_user(Role.DATA_MANAGER, tree.city["semarang"], name="DM Semarang"),
    }
    return {"tree": tree, "writers": w, **users}


def _round(nominees, quota=2) -> NominationRound:
    from datetime import date

    return operations.open_round(nominees["national_dm"], year=2026, semester=2, quota=quota,
                                 workshop_name="Lokakarya Penulisan BP Nasional", workshop_date=date(2027, 1, 20),
                                 workshop_place="Hotel Menteng, Jakarta")


def test_the_proposal_ranks_by_best_practices_then_mean_na(nominees):
    nomination_round = _round(nominees)
    assert (nomination_round.first_period, nomination_round.last_period) == ("2026-05", "2026-10")
    jateng, sulsel = nominees["tree"].province["jateng"], nominees["tree"].province["sulsel"]
    ranked = operations.proposal(nomination_round)
    w = nominees["writers"]
    in_jateng = ranked[ranked.province == jateng.id]
    assert in_jateng.writer.tolist() == [w["w2"].id, w["w1"].id, w["w3"].id]  # w4's pieces are outside the months
    assert in_jateng.best_practices.tolist() == [2, 2, 1]
    assert in_jateng.mean_NA.tolist() == [800.0, 775.0, 950.0]  # national piece: the KMP panel's NA
    assert in_jateng.proposed.tolist() == [True, True, False]
    assert ranked[ranked.province == sulsel.id].writer.tolist() == [w["w5"].id]


def test_the_national_data_manager_opens_a_round_and_bad_input_is_explained(client, login, nominees):
    login(nominees["national_dm"])
    page = client.get("/nominasi/")
    assert page.status_code == 200 and "Buka putaran nominasi" in page.get_data(as_text=True)
    bad = client.post("/nominasi/", data={"year": "2026", "semester": "2", "quota": "0",
                                          "workshop_name": "Lokakarya Ketik", "workshop_date": "20-13-2027",
                                          "workshop_place": "Jakarta"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Kuota per provinsi harus antara 1 dan 20." in body
    assert "Tanggal tidak dikenali: tulis seperti 2027-03-15." in body
    assert 'value="Lokakarya Ketik"' in body  # what was typed is kept
    good = {"year": "2026", "semester": "2", "quota": "2", "workshop_name": "Lokakarya Ketik",
            "workshop_date": "2027-01-20", "workshop_place": "Jakarta"}
    r = client.post("/nominasi/", data=good)
    assert r.status_code == 302
    again = client.post("/nominasi/", data=good)
    assert again.status_code == 400 and "Putaran nominasi semester 2 tahun 2026 sudah dibuka." in \
        again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(NominationRound.id))) == 1


def test_only_data_managers_of_kmw_or_national_follow_rounds(client, login, nominees, make_user):
    nomination_round = _round(nominees)
    form = {"year": "2027", "semester": "1", "quota": "2", "workshop_name": "X", "workshop_date": "2027-06-01",
            "workshop_place": "Jakarta"}
    login(nominees["kmw_a"])
    assert client.get("/nominasi/").status_code == 200
    assert client.post("/nominasi/", data=form).status_code == 403  # only the national data manager opens
    client.post("/akun/keluar")
    for user in (nominees["city_dm"], nominees["writers"]["w1"], make_user(Role.READER)):
        login(user)
        assert client.get("/nominasi/").status_code == 403
        assert client.get(f"/nominasi/{nomination_round.id}").status_code == 403
        assert client.get(f"/nominasi/{nomination_round.id}/peserta.xlsx").status_code == 403
        client.post("/akun/keluar")


def _confirm(client, nomination_round, province, writers, reason=""):
    return client.post(f"/nominasi/{nomination_round.id}/provinsi/{province.id}",
                       data={"writers": [str(u.id) for u in writers], "reason": reason})


def test_the_provincial_data_manager_confirms_or_replaces_within_the_quota(client, login, nominees):
    nomination_round = _round(nominees)
    jateng, sulsel = nominees["tree"].province["jateng"], nominees["tree"].province["sulsel"]
    w = nominees["writers"]
    login(nominees["kmw_a"])
    page = client.get(f"/nominasi/{nomination_round.id}").get_data(as_text=True)
    assert "Jawa Tengah" in page and "Sulawesi Selatan" not in page  # only the KMW's provinces
    assert "Budi (2 BP, rerata 800)" in page and "Dewi (di luar periode)" not in page
    # too many
    over = _confirm(client, nomination_round, jateng, [w["w1"], w["w2"], w["w3"]], "semua bagus")
    assert over.status_code == 400
    assert "Kuota provinsi ini 2 orang; Anda memilih 3. Kurangi pilihan Anda." in over.get_data(as_text=True)
    # a replacement without a reason
    swap = _confirm(client, nomination_round, jateng, [w["w2"], w["w3"]])
    assert swap.status_code == 400
    assert "tuliskan alasan penggantiannya" in swap.get_data(as_text=True)
    # a writer who is not on the province's list
    stranger = _confirm(client, nomination_round, jateng, [w["w4"]], "potensial")
    assert stranger.status_code == 400 and "Hanya penulis best practice provinsi ini" in stranger.get_data(as_text=True)
    nothing = _confirm(client, nomination_round, jateng, [])
    assert nothing.status_code == 400 and "Pilih sekurang-kurangnya satu penulis." in nothing.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0
    # the proposal as it is: no reason needed
    assert _confirm(client, nomination_round, jateng, [w["w1"], w["w2"]]).status_code == 302
    # then a replacement with its reason replaces the confirmation
    r = _confirm(client, nomination_round, jateng, [w["w3"], w["w2"]], "Ani sedang cuti melahirkan")
    assert r.status_code == 302
    rows = db.session.scalars(db.select(Nomination).order_by(Nomination.position)).all()
    assert [(n.user_id, n.proposed, n.reason) for n in rows] == [
        (w["w2"].id, True, ""), (w["w3"].id, False, "Ani sedang cuti melahirkan")]
    assert rows[1].best_practices == 1 and rows[1].mean_na == 950.0
    # another KMW's province is refused
    assert _confirm(client, nomination_round, sulsel, [w["w5"]]).status_code == 403
    client.post("/akun/keluar")
    login(nominees["kmw_b"])
    assert _confirm(client, nomination_round, jateng, [w["w1"]], "x").status_code == 403
    assert _confirm(client, nomination_round, sulsel, [w["w5"]]).status_code == 302


def test_the_invitation_letter_and_the_participant_list(client, login, nominees, tmp_path):
    nomination_round = _round(nominees)
    jateng = nominees["tree"].province["jateng"]
    w = nominees["writers"]
    operations.confirm_province(nomination_round, jateng, nominees["kmw_a"], [w["w2"].id, w["w3"].id], "Ani cuti")
    operations.confirm_province(nomination_round, nominees["tree"].province["sulsel"], nominees["kmw_b"],
                                [w["w5"].id], "")
    login(nominees["national_dm"])
    r = client.get(f"/nominasi/{nomination_round.id}/undangan.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    (tmp_path / "u.pdf").write_bytes(r.data)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "u.pdf"), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    for expected in ("SURAT UNDANGAN LOKAKARYA PENULISAN BEST PRACTICE", nomination_round.letter_number,
                     "Lokakarya Penulisan BP Nasional", "20 Januari 2027", "Hotel Menteng, Jakarta",
                     "Budi (2 BP, rerata 800)", "Eko Makassar", "Mei 2026 sampai Oktober 2026"):
        assert expected in text, expected
    xlsx = client.get(f"/nominasi/{nomination_round.id}/peserta.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    names = [row[2] for row in rows[2:]]
    assert names == ["Budi (2 BP, rerata 800)", HOSTILE_NAME, "Eko Makassar"]
    hostile = sheet.cell(row=4, column=3)
    assert hostile.data_type == "s" and hostile.quotePrefix  # text, never a formula
    assert sheet.cell(row=4, column=7).value == 1 and sheet.cell(row=3, column=8).value == 800.0  # numbers stay
    # a KMW data manager gets the letter of their province only
    client.post("/akun/keluar")
    login(nominees["kmw_a"])
    one = client.get(f"/nominasi/{nomination_round.id}/undangan.pdf?provinsi={jateng.id}")
    (tmp_path / "j.pdf").write_bytes(one.data)
    jtext = subprocess.run(["pdftotext", str(tmp_path / "j.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Jawa Tengah" in jtext and "Eko Makassar" not in jtext
    other = nominees["tree"].province["sulsel"].id
    assert client.get(f"/nominasi/{nomination_round.id}/undangan.pdf?provinsi={other}").status_code == 404
    kmw_list = load_workbook(io.BytesIO(client.get(f"/nominasi/{nomination_round.id}/peserta.xlsx").data)).active
    assert "Eko Makassar" not in [c.value for c in kmw_list["C"]]
