"""Certificates of national winners and awards: signed numbers, the public verification page, the PDF (read back
with pdftotext, its QR code decoded with zbarimg), and the national data manager's corrections and revocations."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import segno
from builders_elearning import make_published

from portal.extensions import db
from portal.models.elearning import Award
from portal.models.people import AuditLog, Role
from portal.rewards import certificates
from portal.rewards.certificate_pdf import qr_png

PIECE_TITLE = "Bank sampah warga Semarang"


@pytest.fixture
def winner(app, make_tree, make_piece, make_user):
    """A published national winner of Semarang TF01 with one award, its team's writer and the data managers."""
    from portal.elearning import operations as el_ops

    tree = make_tree()
    piece = make_published(make_piece, tree.team["semarang-TF01"], "national", period="2026-10", title=PIECE_TITLE,
                           author_name="Siti Rahayu Ningsih")
    national_dm = make_user(Role.DATA_MANAGER, None, name="DM Nasional")
    award = el_ops.record_award(piece, national_dm, "Undangan lokakarya penulisan nasional", "Peringkat 1")
    return {"tree": tree, "piece": piece, "award": award, "national_dm": national_dm,
            "writer": make_user(Role.WRITER, tree.team["semarang-TF01"], name="Penulis TF01"),
            "other_writer": make_user(Role.WRITER, tree.team["semarang-TF02"], name="Penulis TF02"),
            "kmw_dm": make_user(Role.DATA_MANAGER, tree.kmw["A"], name="DM KMW A")}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _changed(number: str) -> list[str]:
    """Numbers one edit away from a genuine one: the signature, the id, the revision, the kind."""
    kind, object_id, revision, signature = number.split("-")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [f"{kind}-{object_id}-{revision}-{flipped}", f"{kind}-{int(object_id) + 1}-{revision}-{signature}",
            f"{kind}-{object_id}-{int(revision) + 1}-{signature}",
            f"{'BPA' if kind == 'BPN' else 'BPN'}-{object_id}-{revision}-{signature}"]


def test_numbers_are_signed_with_the_secret_key(app, winner):
    number = certificates.award_number(winner["award"])
    assert re.fullmatch(r"BPA-\d+-1-[A-Z2-7]{12}", number)
    assert certificates.parse_number(number) == ("BPA", winner["award"].id, 1)
    assert certificates.parse_number(number.lower()) == ("BPA", winner["award"].id, 1)  # typed in lower case
    for changed in _changed(number):
        assert certificates.parse_number(changed) is None, changed
    app.config["SECRET_KEY"] = "another-secret"
    assert certificates.parse_number(number) is None  # not guessable without the key


def test_a_genuine_link_verifies_and_a_changed_number_does_not(client, winner):
    for number in (certificates.award_number(winner["award"]), certificates.national_number(winner["piece"])):
        r = client.get(f"/sertifikat/{number}")
        body = _text(r)
        assert r.status_code == 200 and "Piagam asli dan berlaku." in body
        assert "Siti Rahayu Ningsih" in body and PIECE_TITLE in body and "Oktober 2026" in body
        for changed in _changed(number):
            r = client.get(f"/sertifikat/{changed}")
            assert r.status_code == 404 and "piagam ini tidak asli" in _text(r), changed
            assert "Siti Rahayu Ningsih" not in _text(r)
    assert client.get("/sertifikat/bukan-nomor").status_code == 404
    typed = client.get(f"/sertifikat/?nomor={certificates.award_number(winner['award']).lower()}")
    assert typed.status_code == 302 and typed.headers["Location"].endswith(certificates.award_number(winner["award"]))
    assert "Nomor piagam" in _text(client.get("/sertifikat/"))


def test_a_revoked_award_says_so_everywhere(client, login, winner):
    award, number = winner["award"], certificates.award_number(winner["award"])
    login(winner["national_dm"])
    refused = client.post(f"/penghargaan/{award.id}/cabut", data={"revoke_reason": "  "})
    assert refused.status_code == 400 and "Tuliskan alasan pencabutan." in _text(refused)
    db.session.refresh(award)
    assert award.revoked_at is None
    r = client.post(f"/penghargaan/{award.id}/cabut", data={"revoke_reason": "Tulisan terbukti plagiat"})
    assert r.status_code == 302
    page = _text(client.get(f"/penghargaan/{award.id}"))
    assert "Dicabut" in page and "Tulisan terbukti plagiat" in page and "Koreksi penghargaan" not in page
    client.post("/akun/keluar")
    verify = client.get(f"/sertifikat/{number}")
    body = _text(verify)
    assert verify.status_code == 200 and "sudah dicabut dan tidak berlaku lagi" in body
    assert "Tulisan terbukti plagiat" in body and "Piagam asli dan berlaku." not in body
    # gone from the public pages (whose cached copies the revocation emptied)
    assert "Undangan lokakarya penulisan nasional" not in _text(client.get("/elearning/penghargaan"))
    assert "Undangan lokakarya penulisan nasional" not in _text(client.get(f"/elearning/tulisan/{winner['piece'].id}"))
    # and no longer downloadable
    login(winner["writer"])
    assert client.get(f"/sertifikat/{number}/unduh").status_code == 404
    actions = db.session.scalars(db.select(AuditLog.action).where(AuditLog.target == f"award:{award.id}")
                                 .order_by(AuditLog.id)).all()
    assert actions == ["award_recorded", "award_revoked"]


def test_a_corrected_award_shows_the_correction(client, login, winner):
    award = winner["award"]
    old_number = certificates.award_number(award)
    anonymous = client.get(f"/sertifikat/{old_number}")  # the page is now in the public cache
    assert "Piagam asli dan berlaku." in _text(anonymous)
    login(winner["national_dm"])
    form = {"title": "Undangan lokakarya penulisan nasional", "recipient_name": "Siti Rahayu Ningsih, S.Sos.",
            "description": "Peringkat 1", "reason": ""}
    refused = client.post(f"/penghargaan/{award.id}/koreksi", data=form)
    assert refused.status_code == 400 and "Tuliskan alasan koreksi." in _text(refused)
    assert "Siti Rahayu Ningsih, S.Sos." in _text(refused)  # what was typed is kept
    unchanged = client.post(f"/penghargaan/{award.id}/koreksi",
                            data={**form, "recipient_name": "", "reason": "Cek"})
    assert unchanged.status_code == 400 and "Tidak ada yang berubah" in _text(unchanged)
    r = client.post(f"/penghargaan/{award.id}/koreksi", data={**form, "reason": "Gelar penulis tertinggal"})
    assert r.status_code == 302
    db.session.refresh(award)
    new_number = certificates.award_number(award)
    assert award.revision == 2 and new_number != old_number
    history = _text(client.get(f"/penghargaan/{award.id}"))
    assert "Gelar penulis tertinggal" in history and "Dikoreksi" in history and "Dicatat" in history
    client.post("/akun/keluar")
    old = _text(client.get(f"/sertifikat/{old_number}"))
    assert "Piagam asli, tetapi sudah dikoreksi." in old and "Data yang benar" in old
    assert "Siti Rahayu Ningsih, S.Sos." in old and new_number in old
    new = _text(client.get(f"/sertifikat/{new_number}"))
    assert "Piagam asli dan berlaku." in new and "Siti Rahayu Ningsih, S.Sos." in new


def test_only_the_national_data_manager_edits_or_revokes(client, login, winner, make_user):
    award = winner["award"]
    data = {"title": "Diubah", "recipient_name": "", "description": "", "reason": "coba", "revoke_reason": "coba"}
    for user in (winner["writer"], winner["kmw_dm"], make_user(Role.DATA_MANAGER, winner["tree"].city["semarang"]),
                 make_user(Role.READER)):
        login(user)
        assert client.get(f"/penghargaan/{award.id}").status_code == 403
        assert client.post(f"/penghargaan/{award.id}/koreksi", data=data).status_code == 403
        assert client.post(f"/penghargaan/{award.id}/cabut", data=data).status_code == 403
        client.post("/akun/keluar")
    assert client.get(f"/penghargaan/{award.id}").status_code == 302  # to the sign-in page
    db.session.refresh(award)
    assert award.title == "Undangan lokakarya penulisan nasional" and award.revoked_at is None
    login(winner["national_dm"])
    assert client.get("/penghargaan/99999").status_code == 404


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "piagam.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_team_downloads_the_certificate_pdf(client, login, winner, tmp_path):
    piece, award = winner["piece"], winner["award"]
    login(winner["writer"])
    page = _text(client.get(f"/elearning/tulisan/{piece.id}"))
    assert "Piagam penghargaan" in page
    numbers = [certificates.national_number(piece), certificates.award_number(award)]
    for number in numbers:
        assert f"/sertifikat/{number}/unduh" in page
    assert f"/sertifikat/{numbers[1]}/unduh" in _text(client.get(f"/tulisan/{piece.id}/lihat"))
    r = client.get(f"/sertifikat/{numbers[1]}/unduh")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Cache-Control"] == "private, no-store"
    text = " ".join(_pdf_text(r.data, tmp_path).split())
    for expected in ("PIAGAM PENGHARGAAN", f"Nomor: {numbers[1]}", "Siti Rahayu Ningsih", PIECE_TITLE,
                     "Periode Oktober 2026", "Tingkat Nasional", "Undangan lokakarya penulisan nasional",
                     "KMP memberi penghargaan kepada pelaku yang berhasil menjadi penulis best practice tingkat",
                     f"http://localhost/sertifikat/{numbers[1]}", "Konsultan Manajemen Pusat"):
        assert expected in text, expected
    national = _pdf_text(client.get(f"/sertifikat/{numbers[0]}/unduh").data, tmp_path)
    assert "Penulis Best Practice Tingkat Nasional" in " ".join(national.split())
    # another team of the same city, and a reader, do not
    client.post("/akun/keluar")
    login(winner["other_writer"])
    assert client.get(f"/sertifikat/{numbers[1]}/unduh").status_code == 403
    assert "Piagam penghargaan" not in _text(client.get(f"/elearning/tulisan/{piece.id}"))
    client.post("/akun/keluar")
    assert client.get(f"/sertifikat/{numbers[1]}/unduh").status_code == 302
    login(winner["national_dm"])
    assert client.get(f"/sertifikat/{numbers[1]}/unduh").status_code == 200


def test_the_qr_code_holds_the_verification_link(client, login, winner, tmp_path):
    number = certificates.award_number(winner["award"])
    link = f"http://localhost/sertifikat/{number}"
    login(winner["writer"])
    pdf = client.get(f"/sertifikat/{number}/unduh").data
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        (tmp_path / "p.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "p.pdf"), str(tmp_path / "page")],
                       check=True)
        page = sorted(tmp_path.glob("page*.png"))[0]
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True)
        assert decoded.stdout.strip() == link
    else:  # no decoder here: the PNG put in the PDF is, module by module, segno's encoding of the link
        from io import BytesIO

        from PIL import Image

        image = Image.open(BytesIO(qr_png(link))).convert("L")
        matrix = segno.make(link, error="m").matrix
        read = [[image.getpixel(((4 + x) * 8 + 4, (4 + y) * 8 + 4)) < 128 for x in range(len(matrix))]
                for y in range(len(matrix))]
        assert read == [[bool(v) for v in row] for row in matrix]


def test_a_piece_that_is_no_longer_a_national_winner_revokes_its_certificate(client, winner):
    piece = winner["piece"]
    number = certificates.national_number(piece)
    piece.published_at = None
    db.session.commit()
    body = _text(client.get(f"/sertifikat/{number}"))
    assert "sudah dicabut" in body and "tidak lagi tercatat sebagai best practice nasional" in body


def test_award_operations_keep_the_history(app, winner):
    award = db.session.get(Award, winner["award"].id)
    entries = db.session.scalars(db.select(AuditLog).where(AuditLog.target == f"award:{award.id}")).all()
    assert [e.action for e in entries] == ["award_recorded"]
    assert f"piece:{winner['piece'].id}" in entries[0].detail


def test_the_piece_pages_row_answers_as_the_mapped_piece(app, winner, make_user):
    """A published piece's page reads the piece as a row (``elearning.queries.shown_piece``): the moderation rule,
    the certificates each person may download and what the article shows are those of the mapped piece, for the
    team's writer, another team's, the national, KMW and another KMW's data managers and a reader; an unpublished
    or unknown piece is not shown."""
    from portal.elearning import queries, rules

    piece = winner["piece"]
    shown = queries.shown_piece(piece.id)
    for name in ("id", "title", "theme", "body_md", "facts", "institution_name", "author_name", "team_id", "period",
                 "published_at", "best_practice"):
        assert getattr(shown, name) == getattr(piece, name), name
    assert (shown.team.name, shown.team.city.name, shown.team.city.province.name) == (
        piece.team.name, piece.team.city.name, piece.team.city.province.name)
    people = [winner[k] for k in ("writer", "other_writer", "national_dm", "kmw_dm")]
    people += [make_user(Role.DATA_MANAGER, winner["tree"].kmw["B"]), make_user(Role.READER)]
    moderates, downloads = set(), set()
    for person in people:
        assert rules.can_moderate(person, shown) == rules.can_moderate(person, piece), person.name
        mine = [(c.number, c.heading, c.recipient, c.state) for c in certificates.downloadable(person, shown)]
        assert mine == [(c.number, c.heading, c.recipient, c.state)
                        for c in certificates.downloadable(person, piece)], person.name
        moderates.add(rules.can_moderate(person, shown))
        downloads.add(bool(mine))
    assert moderates == downloads == {True, False}
    piece.published_at = None
    db.session.commit()
    assert queries.shown_piece(piece.id) is None and queries.shown_piece(10**9) is None
