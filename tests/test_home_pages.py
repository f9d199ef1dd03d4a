"""The signed-in home shows each role's month, and the header says who and where the person is.

The suite's calendar reads 23 November 2026: November's writing closed on the 15th (a writer now writes for
December), the city panels decided by the 20th, the KMW panels decide by the 25th.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from types import SimpleNamespace

import pytest
from flask import g

from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import PanelMode
from tests import builders_panels as bp


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    main = html.split('<main id="isi"', 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def header_of(response) -> str:
    html = response.get_data(as_text=True)
    head = html.split('<header class="top">', 1)[1].split("</header>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", head)).split())


@pytest.fixture
def world(make_tree, make_user):
    tree = make_tree()
    admin = make_user(Role.ADMIN, name="Admin Pusat")
    return tree, admin


# --- the header ------------------------------------------------------------------------------------------------

def test_header_names_the_writer_role_and_place_and_lists_the_writers_sections(world, make_user, login):
    tree, _admin = world
    writer = make_user(Role.WRITER, tree.team["semarang-TF01"], name="Siti Rahayu")
    client = login(writer)
    for url in ("/", "/tulisan/", "/elearning/", "/akun/kata-sandi"):
        header = header_of(client.get(url))
        assert "Siti Rahayu" in header
        assert "Penulis · TF 01 Kota Semarang, Kota Semarang, Jawa Tengah" in header
    header = header_of(client.get("/"))
    assert "Tulisan tim saya" in header and "Kata sandi" in header and "Keluar" in header
    for other in ("Kelola tim penilai", "Rekap dan laporan", "Lembar nilai saya", "Log audit", "Akun pengguna"):
        assert other not in header, other
    assert "<details class=\"who\">" in client.get("/").get_data(as_text=True)  # usable without script


def test_header_of_each_role_lists_that_roles_sections_only(world, make_user, login, app):
    tree, admin = world
    cases = [
        (make_user(Role.PANEL_MEMBER, tree.kmw["A"], name="Budi Penilai"),
         "Anggota tim penilai · KMW A", ["Lembar nilai saya"], ["Tulisan tim saya", "Rekap dan laporan"]),
        (make_user(Role.DATA_MANAGER, tree.city["semarang"], name="Dewi Data"),
         "Pengelola data · Kota Semarang, Jawa Tengah",
         ["Kelola tim penilai", "Rekap dan laporan", "Akun pengguna", "Struktur organisasi"],
         ["Tulisan tim saya", "Lembar nilai saya", "Log audit", "Rubrik penilaian"]),
        (make_user(Role.DATA_MANAGER, None, name="Tim CB"), "Pengelola data · Nasional (KMP)",
         ["Rekap dan laporan"], ["Log audit"]),
        (admin, "Administrator", ["Log audit", "Rubrik penilaian", "Surat keluar", "Struktur organisasi"], []),
        (make_user(Role.READER, None, name="Pembaca Setia"), "Pembaca", ["E-learning"],
         ["Rekap dan laporan", "Tulisan tim saya", "Lembar nilai saya"]),
        (make_user(Role.WRITER, tree.kmw["A"], name="Tenaga Ahli"), "Tenaga Ahli KMW · KMW A",
         ["Produk pengetahuan"], ["Tulisan tim saya"]),
    ]
    for user, role_place, shown, hidden in cases:
        client = login(user, c=app.test_client())
        header = header_of(client.get("/elearning/"))
        assert user.name in header and role_place in header, (role_place, header)
        for label in shown:
            assert label in header, (user.name, label)
        for label in hidden:
            assert label not in header, (user.name, label)


def test_header_of_a_person_with_several_roles_lists_each_role_and_place(world, make_user, login):
    tree, _admin = world
    person = make_user(roles=[(Role.WRITER, tree.team["makassar-TF01"]), (Role.PANEL_MEMBER, tree.city["semarang"])],
                       name="Rina Ganda")
    header = header_of(login(person).get("/"))
    assert "Penulis · TF 01 Kota Makassar, Kota Makassar, Sulawesi Selatan" in header
    assert "+1 peran" in header
    assert "Anggota tim penilai · Kota Semarang, Jawa Tengah" in header
    assert "Tulisan tim saya" in header and "Lembar nilai saya" in header


def test_anonymous_header_offers_sign_in_and_no_menu(client):
    html = client.get("/elearning/").get_data(as_text=True)
    assert 'class="who"' not in html and "Masuk" in html
    assert client.get("/").status_code == 302


def _logout_token(response) -> str:
    """The CSRF token of the header's logout form."""
    html = response.get_data(as_text=True)
    form = html.split('<div class="who-account">', 1)[1]
    return re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)


def test_kept_header_is_never_another_persons_and_carries_each_sessions_csrf_token(world, make_user, login, app):
    """The header's HTML is kept per worker (portal.header): two people alternating, and the same person in
    two sessions, each get their own name, place and logout token, and the token signs them out."""
    tree, _admin = world
    siti = make_user(Role.WRITER, tree.team["semarang-TF01"], name="Siti Rahayu")
    budi = make_user(Role.WRITER, tree.team["semarang-TF01"], name="Budi Santoso")  # same role and place
    clients = {"siti": login(siti, c=app.test_client()), "budi": login(budi, c=app.test_client()),
               "siti again": login(siti, c=app.test_client())}
    app.config["WTF_CSRF_ENABLED"] = True  # signed in above without it; the logout below is checked with it
    tokens = {}

    def get(client, url="/"):
        # the fixture's app context lasts the whole test, so its g (where flask_wtf keeps the request's token)
        # would be shared by the requests; a worker's request has its own
        g.pop("csrf_token", None)
        return client.get(url)

    for _round in range(2):
        for who, client in clients.items():
            response = get(client)
            header = header_of(response)
            mine, other = ("Siti Rahayu", "Budi Santoso") if who.startswith("siti") else ("Budi Santoso", "Siti Rahayu")
            assert mine in header and other not in header, (who, header)
            assert "Penulis · TF 01 Kota Semarang, Kota Semarang, Jawa Tengah" in header
            # The session's own token at every page: Flask-WTF signs the session's secret with a timestamp in
            # seconds, so the signed form changes when a second passes; the secret it carries must not.
            secret = _logout_token(response).split(".")[0]
            assert tokens.setdefault(who, secret) == secret
    assert len(set(tokens.values())) == 3
    for who in ("siti again", "budi"):  # (signing out ends every session of the account)
        client = clients[who]
        assert client.post("/akun/keluar", data={"csrf_token": _logout_token(get(client))}).status_code == 302
        assert client.get("/").status_code == 302  # signed out


def test_the_kept_header_is_rendered_from_its_key_alone(app):
    """``portal.header`` keeps a rendering per key: the template may read only what it is given (and the app's
    URL builder and messages), never the request's user, session or anything else that is not in the key."""
    from jinja2 import meta

    source = app.jinja_env.loader.get_source(app.jinja_env, "_header.html")[0]
    read = meta.find_undeclared_variables(app.jinja_env.parse(source))
    assert read <= {"signed_in", "name", "places", "sections", "unread", "csrf_slot", "url_for", "_"}, read


def test_the_kept_header_counts_unread_notifications_and_an_anonymous_one_sets_no_cookie(world, make_user, login,
                                                                                        app):
    from portal.models.mail import Notification

    tree, _admin = world
    person = make_user(Role.WRITER, tree.team["semarang-TF01"], name="Siti Rahayu")
    client = login(person)
    assert "belum dibaca" not in client.get("/").get_data(as_text=True)
    for n in (1, 2):
        db.session.add(Notification(user_id=person.id, title=f"Komentar baru {n}"))
        db.session.commit()
        html = client.get("/").get_data(as_text=True)
        assert f'aria-label="Notifikasi, {n} belum dibaca"' in html and f'<span class="count">{n}</span>' in html
    anonymous = app.test_client()
    for _ in range(2):  # rendered, then kept
        response = anonymous.get("/elearning/")
        assert "Set-Cookie" not in response.headers and "csrf_token" not in header_of(response)
        assert "Masuk Daftar" in header_of(response)


def test_kept_header_shows_a_role_change_a_rename_and_the_language_at_once(world, make_user, login):
    from portal.models.people import RoleAssignment

    tree, _admin = world
    person = make_user(Role.WRITER, tree.team["semarang-TF01"], name="Siti Rahayu")
    client = login(person)
    header = header_of(client.get("/"))
    assert "Rekap dan laporan" not in header and "+1 peran" not in header
    db.session.add(RoleAssignment(user_id=person.id, role=Role.DATA_MANAGER, city_id=tree.city["semarang"].id))
    db.session.commit()
    header = header_of(client.get("/"))
    assert "Pengelola data · Kota Semarang, Jawa Tengah" in header and "Rekap dan laporan" in header
    assert "+1 peran" in header
    tree.city["semarang"].name = "Kota Semarang Baru"
    db.session.commit()
    header = header_of(client.get("/"))
    assert "TF 01 Kota Semarang, Kota Semarang Baru, Jawa Tengah" in header
    assert "Pengelola data · Kota Semarang Baru, Jawa Tengah" in header
    db.session.delete(db.session.scalar(db.select(RoleAssignment).where(RoleAssignment.user_id == person.id,
                                                                        RoleAssignment.role == Role.DATA_MANAGER)))
    db.session.commit()
    header = header_of(client.get("/"))
    assert "Rekap dan laporan" not in header and "Pengelola data" not in header and "+1 peran" not in header
    person.name = "Siti Rahayu Putri"
    db.session.commit()
    assert "Siti Rahayu Putri" in header_of(client.get("/"))
    client.get("/akun/bahasa/en")
    header = header_of(client.get("/"))
    assert "My home" in header and "Sign out" in header and "Beranda saya" not in header
    client.get("/akun/bahasa/id")
    assert "Beranda saya" in header_of(client.get("/"))


# --- the favicon and the wordmark ------------------------------------------------------------------------------

def test_favicon_is_served_with_caching(client):
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"  # an ICO directory
    assert "max-age=604800" in ico.headers["Cache-Control"] and "public" in ico.headers["Cache-Control"]
    svg = client.get("/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert "max-age=604800" in svg.headers["Cache-Control"]
    page = client.get("/akun/masuk").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.svg" type="image/svg+xml"' in page and 'href="/favicon.ico"' in page
    assert 'class="brand-mark"' in page  # the wordmark's mark


# --- the writer's month ----------------------------------------------------------------------------------------

def test_writer_home_counts_down_to_the_15th_in_the_provinces_time_and_offers_to_start(world, make_user, login,
                                                                                      app):
    tree, _admin = world
    java = make_user(Role.WRITER, tree.team["semarang-TF01"])
    papua = make_user(Role.WRITER, tree.team["jayapura-TF01"])
    page = main_of(login(java).get("/"))
    assert "Tulisan Desember 2026" in page and "Belum dimulai" in page
    assert re.search(r"\d+ hari \d+ jam \d+ menit lagi sampai batas kirim: 15 Desember 2026, pukul 24.00 WIB", page)
    assert "Mulai menulis" in page and "Tim Anda belum mulai menulis bulan ini." in page
    page = main_of(login(papua, c=app.test_client()).get("/"))
    assert "15 Desember 2026, pukul 24.00 WIT" in page


def test_writer_home_shows_the_drafts_missing_requirements(world, make_user, make_piece, login):
    tree, _admin = world
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    make_piece(team, period="2026-12", status="draft", photos=1, words=120, title="Bank sampah RW 04",
               institution_phone="")
    page = main_of(login(writer).get("/"))
    assert "Draf" in page and "Bank sampah RW 04" in page
    assert "Yang masih kurang sebelum dapat dikirim" in page
    assert "Baru ada 1 foto; unggah minimal 2 foto kegiatan." in page
    assert "Nomor kontak lembaga atau tokoh yang diangkat belum diisi." in page
    assert re.search(r"Tulisan baru \d+ kata; minimal 500 kata", page)
    assert "Lanjutkan menulis" in page


def test_writer_home_moves_a_late_draft_to_the_month_being_written_and_shows_what_it_lacks(world, make_user,
                                                                                           make_piece, login):
    """November's writing closed on the 15th: the home (which reads the team's pieces as rows) moves the late
    draft to December as the writer's page does, and shows it at once as December's piece with its gaps."""
    from portal.models.pieces import Piece

    tree, _admin = world
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    draft = make_piece(team, period="2026-11", status="draft", photos=1, title="Kebun gizi RT 03")
    page = main_of(login(writer).get("/"))
    moved = db.session.get(Piece, draft.id)
    db.session.refresh(moved)
    assert (moved.period, moved.moved_from_period) == ("2026-12", "2026-11")
    assert "Kebun gizi RT 03" in page and "Yang masih kurang sebelum dapat dikirim" in page
    assert "Baru ada 1 foto; unggah minimal 2 foto kegiatan." in page
    assert "Tulisan November 2026" not in page  # no longer an earlier month's piece


def test_writer_home_says_a_complete_draft_is_ready(world, make_user, make_piece, login):
    tree, _admin = world
    team = tree.team["semarang-TF02"]
    writer = make_user(Role.WRITER, team)
    make_piece(team, period="2026-12", status="draft")
    page = main_of(login(writer).get("/"))
    assert "Semua persyaratan sudah terpenuhi: tulisan siap dikirim." in page
    assert "Yang masih kurang" not in page


def test_writer_home_shows_a_submitted_piece_and_where_last_months_piece_went(world, make_user, make_piece, login):
    tree, admin = world
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    make_piece(team, period="2026-12", title="Posyandu lansia")
    make_piece(team, period="2026-11", title="Jalan paving swadaya")
    page = main_of(login(writer).get("/"))
    assert "Terkirim" in page and "Posyandu lansia" in page
    assert "Anda masih dapat menariknya kembali sebelum batas waktu." in page
    assert "Lihat tulisan terkirim" in page
    assert "Tulisan November 2026" in page and "Jalan paving swadaya" in page and "Dikirim" in page


def test_writer_home_shows_a_returned_piece_with_its_reasons(world, make_user, make_piece, login):
    tree, _admin = world
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    make_piece(team, period="2026-12", status="returned", return_reasons="Foto kedua buram; ganti fotonya.")
    page = main_of(login(writer).get("/"))
    assert "Dikembalikan tim penilai Korkot" in page and "Foto kedua buram; ganti fotonya." in page


def test_writer_home_shows_only_the_writers_own_team(world, make_user, make_piece, login):
    tree, _admin = world
    writer = make_user(Role.WRITER, tree.team["semarang-TF01"])
    make_piece(tree.team["semarang-TF02"], period="2026-12", title="Rahasia tim lain")
    make_piece(tree.team["demak-TF01"], period="2026-11", title="Tulisan kota lain")
    page = main_of(login(writer).get("/"))
    assert "Rahasia tim lain" not in page and "Tulisan kota lain" not in page
    assert "Penilaian" not in page and "di wilayah Anda" not in page  # no panel nor data manager card


def test_expert_home_shows_the_years_knowledge_product(world, make_user, login):
    tree, _admin = world
    expert = make_user(Role.WRITER, tree.kmw["A"])
    page = main_of(login(expert).get("/"))
    assert "Produk pengetahuan 2026" in page and "Belum dimulai" in page and "Buka produk pengetahuan" in page


# --- the panel member's month ----------------------------------------------------------------------------------

@pytest.fixture
def kmw_panel_open(world, make_user, make_piece):
    """KMW A's November panel, open, with three entries to score (the city panels sent them up)."""
    tree, admin = world
    pool = bp.make_pool(make_user, 3, tree.kmw["A"])
    pieces = [make_piece(tree.team[key], title=f"Tulisan {key}") for key in ("semarang-KK", "demak-KK")]
    panel = bp.kmw_panel(tree, "A", pool, admin)
    return tree, admin, pool, panel, pieces


def test_panel_member_home_shows_sheets_left_and_the_panels_deadline(kmw_panel_open, login, app):
    from portal.panels import operations as ops

    tree, admin, pool, panel, pieces = kmw_panel_open
    entries = sorted(panel.entries, key=lambda e: e.id)
    assert len(entries) == 2
    ops.save_sheet(entries[0].id, pool[1], bp.scores_for(8), version=None, submit=True)
    page = main_of(login(pool[1]).get("/"))
    assert "Tim Penilai KMW A" in page and "November 2026" in page
    assert "1 lembar nilai lagi" in page and "(1 dari 2 terkirim)" in page
    assert "Batas: 25 November 2026 24.00 WIB" in page or "Batas: 26 November 2026 00.00 WIB" in page
    assert re.search(r"\d+ hari \d+ jam \d+ menit", page)
    page = main_of(login(pool[2], c=app.test_client()).get("/"))
    assert "2 lembar nilai lagi" in page
    # No scores nor other members' names on the home.
    assert pool[1].name not in page and "NA" not in page.split()


def test_panel_member_of_a_consensus_panel_who_is_not_chair_has_no_sheets(world, make_user, make_piece, login, app):
    tree, admin = world
    pool = bp.make_pool(make_user, 3, tree.kmw["A"])
    make_piece(tree.team["semarang-KK"])
    bp.kmw_panel(tree, "A", pool, admin, mode=PanelMode.CONSENSUS)
    assert "Mode konsensus" in main_of(login(pool[1]).get("/"))
    assert "1 lembar nilai lagi" in main_of(login(pool[0], c=app.test_client()).get("/"))  # the chair


def test_panel_member_without_open_panels_and_of_another_kmw_sees_nothing_of_it(kmw_panel_open, make_user, login):
    tree, _admin, _pool, _panel, _pieces = kmw_panel_open
    outsider = make_user(Role.PANEL_MEMBER, tree.kmw["B"])
    page = main_of(login(outsider).get("/"))
    assert "Tidak ada panel terbuka yang Anda ikuti saat ini." in page
    assert "Tim Penilai KMW A" not in page


# --- the data manager's month ----------------------------------------------------------------------------------

def test_city_data_manager_home_lists_teams_that_have_and_have_not_submitted(world, make_user, make_piece, login):
    tree, admin = world
    dm = make_user(Role.DATA_MANAGER, tree.city["demak"])
    on_time = make_piece(tree.team["demak-TF01"], title="Sudah")
    on_time.submitted_at = datetime(2026, 11, 14, 9, tzinfo=UTC)
    db.session.commit()
    make_piece(tree.team["demak-TF02"], title="Terlambat")  # submitted now, the 23rd
    make_piece(tree.team["semarang-TF01"], title="Kota lain")
    page = main_of(login(dm).get("/"))
    assert "Bulan November 2026 di wilayah Anda" in page
    assert "1 dari 4 tim sudah mengirim" in page
    assert "Sudah mengirim (1) TF 01 Kabupaten Demak Terlambat" in page
    assert "Terlambat (1) TF 02 Kabupaten Demak" in page and "1 terlambat" in page
    assert "Belum mengirim (2)" in page and "TF 03 Kabupaten Demak" in page
    assert "Semarang" not in page  # another city's teams are not this manager's
    assert "Panel belum dibuka: Kabupaten Demak" in page
    assert "Lampiran 3: Kabupaten Demak" in page and "batas 20 November 2026" in page and "Belum dikirim" in page


def test_city_data_manager_home_shows_the_city_panels_progress(world, make_user, make_piece, login):
    tree, admin = world
    dm = make_user(Role.DATA_MANAGER, tree.city["demak"])
    make_piece(tree.team["demak-TF01"])
    make_piece(tree.team["demak-TF02"])
    pool = bp.make_pool(make_user, 3, tree.city["demak"])
    panel = bp.city_panel(tree, "demak", pool, admin)
    bp.check_all(panel, admin)
    page = main_of(login(dm).get("/"))
    assert "Tim Penilai Korkot Kabupaten Demak" in page
    assert "3 anggota · 2 tulisan dinilai · lembar nilai 0 dari 6" in page
    assert "Panel belum dibuka" not in page


def test_kmw_and_national_data_managers_see_cities_and_kmws_that_sent_up(world, make_user, make_piece, login, app):
    tree, admin = world
    kmw_dm = make_user(Role.DATA_MANAGER, tree.kmw["A"])
    national = make_user(Role.DATA_MANAGER, None)
    page = main_of(login(kmw_dm, c=app.test_client()).get("/"))
    assert "0 dari 2 kota sudah mengirim ke provinsi (batas tanggal 20)" in page
    assert "Lampiran 2: KMW A" in page and "batas 25 November 2026" in page
    assert "Makassar" not in page
    page = main_of(login(national, c=app.test_client()).get("/"))
    assert "0 dari 2 KMW sudah mengirim ke KMP (batas tanggal 25)" in page
    assert "Panel belum dibuka: KMP" in page
    assert "0 dari 20 tim sudah mengirim" in page
    assert "Tim Korkot Kabupaten Demak (Kabupaten Demak)" in page  # several cities: each team says its city
    assert "dan 8 lainnya" in page  # 12 names, the rest on the follow-up page


def test_reader_home_has_no_month_cards(world, make_user, login):
    reader = make_user(Role.READER, None)
    page = main_of(login(reader).get("/"))
    assert "Bagian Anda" in page and "E-learning: best practice terpilih" in page
    for card in ("lagi sampai batas kirim", "Penilaian", "di wilayah Anda"):
        assert card not in page


def test_the_header_sends_no_statement_of_its_own(world, make_user, login, app):
    """Name, role, place and menu come from the account the login loaded: a page shows them without asking the
    database again (the change-password page sends only the account's statement, which also counts the header's
    unread notifications, a scalar subquery on their index)."""
    from portal.extensions import db as _db
    from tests.querycount import count_queries

    tree, admin = world
    people = [make_user(Role.WRITER, tree.team["jayapura-TF01"]), make_user(Role.PANEL_MEMBER, tree.city["demak"]),
              make_user(Role.DATA_MANAGER, tree.kmw["B"]), make_user(Role.WRITER, tree.kmw["A"]), admin,
              make_user(Role.DATA_MANAGER, None)]
    for email, name in [(p.email, p.name) for p in people]:
        client = login(SimpleNamespace(email=email), c=app.test_client())
        client.get("/akun/kata-sandi")
        _db.session.remove()
        with count_queries(_db.engine) as statements:
            page = client.get("/akun/kata-sandi")
        assert name in header_of(page)
        assert len(statements) == 1, statements.summary()
        assert "count(notification.id)" in statements[0].lower(), statements.summary()


# --- the way back from admin and report pages ------------------------------------------------------------------

def test_every_admin_and_report_page_has_a_way_back(world, make_user, make_piece, login, app):
    tree, admin = world
    make_piece(tree.team["semarang-TF01"])
    pool = bp.make_pool(make_user, 3, tree.city["semarang"])
    panel = bp.city_panel(tree, "semarang", pool, admin)
    semarang, team, kmw = tree.city["semarang"], tree.team["semarang-TF01"], tree.kmw["A"]
    expected = {
        "/akun-pengguna/": "Beranda saya", "/akun-pengguna/baru": "Akun pengguna",
        "/akun-pengguna/impor": "Akun pengguna", f"/akun-pengguna/{pool[0].id}": "Akun pengguna",
        "/admin/audit/": "Beranda saya", "/admin/surat-keluar/": "Beranda saya",
        "/admin/struktur/": "Beranda saya", "/admin/struktur/kota/": "Struktur organisasi",
        f"/admin/struktur/kota/{semarang.id}": "Struktur organisasi", "/admin/struktur/impor": "Struktur organisasi",
        f"/admin/struktur/tim/{team.id}/ubah": team.name, f"/admin/struktur/tim/baru?induk={semarang.id}": "Tim",
        "/admin/rubrik/": "Beranda saya", "/admin/rubrik/baru": "Rubrik penilaian",
        "/laporan/": "Beranda saya", "/laporan/kepatuhan": "Rekap dan laporan",
        f"/laporan/lampiran3/{semarang.id}": "Rekap dan laporan", f"/laporan/lampiran2/{kmw.id}": "Rekap dan laporan",
        "/laporan/kemajuan": "Beranda saya", f"/laporan/kemajuan/{kmw.id}": "Semua KMW",
        f"/laporan/panel/{panel.id}/kalibrasi": "Tim Penilai Korkot Kota Semarang",
        "/tulisan/perpanjangan": "Beranda saya", "/penilaian/kelola": "Beranda saya",
    }
    client = login(admin)
    for url, label in expected.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.get_data(as_text=True).split('<main id="isi"', 1)[1]
        backs = [unescape(t).strip() for t in re.findall(r"<a [^>]*>←\s*([^<]+)</a>", html)]
        assert backs and backs[0].startswith(label), (url, backs)
    anonymous = app.test_client().get("/laporan/kemajuan").get_data(as_text=True)
    assert '<a href="/elearning/">← E-learning</a>' in anonymous  # a visitor has no home of their own
