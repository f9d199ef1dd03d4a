"""A whole month (December 2026) in the browser, against the portal served by gunicorn.

Set-up uses the CLI only where an operator would (migrations, the demo tree and accounts). Everything else
happens through the pages, as users do: writers draft and submit with photos (one is first refused for a
missing photo), the data managers set up the panels, the city panel checks and scores, the KMW panel scores
with a tie at the cut-off that its chair decides, the KMP panel decides, the winner appears on the public
pages, a reader comments, and the data managers download Lampiran 2 and 3.

The server and the CLI start on the suite's calendar (``tests.support.SUITE_TODAY``: 23 November 2026 whatever
day it really runs): the demo then holds pieces and decided panels for October and November 2026, a piece
written now belongs to December, which only has the demo's TF-02 draft, so the month here does not collide.
The month then passes as the procedure has it: the server is restarted with its clock moved past each deadline
before the tier that decides after it (a panel may only decide once its inputs were due, in local time).

KMW scores are planned so that two pieces tie exactly at rank 3 (every member gives the same values):
TF-01 900, TF-02 850, TF-03 800, Korkot 800. The chair sends the Korkot piece up. KMP: TF-01 900,
Korkot 800 (both winners), TF-02 600 (below the passing grade, not a winner).
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from tests.browser_support import (
    ROOT,
    chromium,
    demo_database,
    require_browser,
    running_server,
    screenshot,
    server_env,
)

pytestmark = pytest.mark.browser

PASSWORD = "demo-portal-2026"
MONTH = "2026-12"
MONTH_LABEL = "Desember 2026"
WIB = ZoneInfo("Asia/Jakarta")
# When each tier sits: the morning after the deadline of what it receives (writers: the 15th, Korkot: the 20th,
# KMW: the 25th; the demo's KMW Jawa Tengah is in WIB, and every other KMW's 25th ends earlier in WITA and WIT).
CITY_SITS = datetime(2026, 12, 16, 9, 0, tzinfo=WIB)
KMW_SITS = datetime(2026, 12, 21, 9, 0, tzinfo=WIB)
KMP_SITS = datetime(2026, 12, 26, 9, 0, tzinfo=WIB)
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

EMAIL = {
    "tf1": "tf01.semarang@demo.bp.id", "tf2": "tf02.semarang@demo.bp.id", "korkot": "korkot.semarang@demo.bp.id",
    "dm_city": "data.semarang@demo.bp.id", "dm_kmw": "data.jateng@demo.bp.id", "dm_kmp": "data.kmp@demo.bp.id",
    "reader": "pembaca@demo.bp.id",
}
CITY_PANEL = ["penilai1.semarang@demo.bp.id", "penilai2.semarang@demo.bp.id", "penilai3.semarang@demo.bp.id"]
KMW_PANEL = ["penilai1.jateng@demo.bp.id", "penilai2.jateng@demo.bp.id", "penilai3.jateng@demo.bp.id"]
KMP_PANEL = [f"penilai{i}.kmp@demo.bp.id" for i in range(1, 6)]
# The demo's person names of those accounts (portal/demo.py NAMES, by account order); the first is the chair.
CITY_NAMES = ["Sri Mulyani", "Fajar Nugroho", "Maria Kambu"]
KMW_NAMES = ["Rudi Hartono", "Lina Marlina", "Ahmad Fauzi"]
KMP_NAMES = ["Yusuf Latif", "Ratna Sari", "Teguh Wibowo", "Wayan Sudarma", "Fitri Handayani"]

NEW_WRITER = {"email": "tf03.baru@semarang.bp.id", "name": "Nadia Kusuma", "password": "Kampung-Tangguh-77"}

TITLE = {
    "tf1": "Saluran air bersih dari rembug warga Bandarharjo",
    "tf2": "Kampung hijau tanpa genangan di Tanjung Mas",
    "tf3": "Bank sampah RW 05 yang menghidupi kader",
    "korkot": "Korkot belajar dari sepuluh kelurahan",
}
ALL_NINE = [9] * 8
NINE_ON_LIGHT = [9, 8, 9, 9, 9, 8, 9, 8]  # weights 10,20,10,10,10,20,10,10 -> 850
ALL_EIGHT = [8] * 8
ALL_SEVEN = [7] * 8
ALL_SIX = [6] * 8
CITY_SCORES = {"tf1": ALL_NINE, "tf2": ALL_EIGHT, "tf3": ALL_SEVEN}
KMW_SCORES = {"tf1": ALL_NINE, "tf2": NINE_ON_LIGHT, "tf3": ALL_EIGHT, "korkot": ALL_EIGHT}
KMP_SCORES = {"tf1": ALL_NINE, "tf2": ALL_SIX, "korkot": ALL_EIGHT}

SENTENCES = [
    "Warga {k} berkumpul di balai RW setiap Kamis malam untuk membahas saluran yang tersumbat.",
    "Fasilitator mendampingi relawan memetakan rumah yang belum mendapat air bersih dan mencatat kebutuhannya.",
    "Badan Keswadayaan Masyarakat mengumumkan penggunaan dana di papan informasi dekat masjid.",
    "Ibu-ibu kader mengajak tetangga ikut kerja bakti dan menyiapkan konsumsi secara bergiliran.",
    "Setelah tiga bulan genangan berkurang, anak-anak kembali bermain di gang tanpa takut sakit.",
    "Kelurahan lalu menganggarkan pemeliharaan dari dana kelurahan untuk tahun berikutnya.",
    "Dua kelurahan tetangga datang belajar langsung dan meniru cara warga mengelola iuran.",
    "Pengurus KSM kini menyusun laporan bulanan sendiri setelah pelatihan pembukuan sederhana.",
]


def body_text(kelurahan: str, paragraphs: int = 7) -> str:
    """About 590 words of plain Markdown about the kelurahan."""
    parts = [f"## Cerita dari {kelurahan}"]
    for p in range(paragraphs):
        parts.append(" ".join(SENTENCES[(p + i) % len(SENTENCES)].format(k=kelurahan) for i in range(6)))
    return "\n\n".join(parts)


def make_photos(tmp: Path, key: str, count: int) -> list[str]:
    from PIL import Image, ImageDraw

    paths = []
    for i in range(count):
        image = Image.new("RGB", (1280, 960), (40 + 50 * i, 120, 160 - 30 * i))
        draw = ImageDraw.Draw(image)
        draw.rectangle((100 + 60 * i, 300, 700, 800), fill=(240, 200, 60))
        draw.ellipse((900, 80, 1100, 280), fill=(255, 255, 255))
        path = tmp / f"{key}-foto-{i + 1}.jpg"
        image.save(path, "JPEG", quality=85)
        paths.append(str(path))
    return paths


# --- browser helpers ----------------------------------------------------------------------------------

def fits(page, name: str) -> None:
    """Nothing overflows sideways (checked at phone width), and a screenshot for people."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{name}: overflows at {width}px"
    screenshot(page, name)


SESSIONS: dict[tuple[str, int], object] = {}


def login(browser, base: str, email: str, password: str = PASSWORD, viewport=DESKTOP, *, keep: bool = False):
    """A signed-in page of its own context. ``keep``: people who come back later keep their session."""
    if (email, viewport["width"]) in SESSIONS:
        return SESSIONS[(email, viewport["width"])]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(60_000)  # generous: CI runs this beside another test worker on 2 cores
    page = context.new_page()
    page.goto(base + "/akun/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "/akun/masuk" not in page.url, f"login failed for {email}: {page.locator('main').inner_text()[:300]}"
    if keep:
        SESSIONS[(email, viewport["width"])] = page
    return page


def close(page) -> None:
    for key in [k for k, v in SESSIONS.items() if v is page]:
        del SESSIONS[key]
    page.context.close()


def flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


# --- writers --------------------------------------------------------------------------------------------

def open_form(page, base: str) -> None:
    page.goto(base + "/tulisan/")
    start = page.get_by_role("button", name="Mulai menulis")
    if start.count():
        start.click()
    else:
        page.get_by_role("link", name="Lanjutkan menulis").click()
    page.wait_for_url(re.compile(r"/tulisan/\d+$"))
    assert MONTH_LABEL in page.locator("h1").inner_text()


def fill_fields(page, key: str, kelurahan: str, text: str) -> None:
    page.select_option("select[name=form]", "artikel")
    page.fill("input[name=title]", TITLE[key])
    page.fill("input[name=theme]", "Air bersih dan sanitasi")
    page.fill("textarea[name=body_md]", text)
    page.fill("textarea[name=facts]", "86 KK terlibat; swadaya Rp 12.400.000; saluran 420 meter.")
    page.fill("input[name=institution_name]", f"BKM {kelurahan} Sejahtera")
    page.fill("input[name=institution_address]", f"Jl. Kakap No. 7, Kelurahan {kelurahan}, Kota Semarang")
    page.fill("input[name=institution_phone]", "024-3551234")
    page.fill("input[name=author_name]", f"Faskel {kelurahan}")
    page.fill("input[name=author_position]", "Fasilitator Kelurahan")
    page.fill("input[name=author_place]", "Kota Semarang")
    page.fill("input[name=author_phone]", "0812-3456-7788")


def upload(page, paths: list[str], caption: str) -> None:
    """Through the page's JavaScript uploader: one by one, each with its progress bar, then captions."""
    before = page.locator("#photo-list figure").count()
    queued = page.locator("#upload-queue li").count()
    page.set_input_files("#js-photo-input", paths)
    rows = page.locator("#upload-queue li")
    rows.nth(queued).locator("progress").wait_for(state="attached")
    for n in range(queued, queued + len(paths)):
        row = rows.nth(n)
        row.filter(has_text="selesai").wait_for()
        assert row.locator("progress").evaluate("p => p.value") == 100
    figures = page.locator("#photo-list figure")
    assert figures.count() == before + len(paths)
    for n in range(before, before + len(paths)):
        figures.nth(n).locator("input[data-caption-id]").fill(f"{caption} ({n + 1})")


def submit(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim ke Korkot").click()


def write_and_submit(browser, base, tmp, key, email, kelurahan, photos=2, *, password=PASSWORD, viewport=DESKTOP,
                     shot=None):
    page = login(browser, base, email, password, viewport)
    open_form(page, base)
    fill_fields(page, key, kelurahan, body_text(kelurahan))
    upload(page, make_photos(tmp, key, photos), f"Kerja bakti warga {kelurahan}")
    if shot:
        fits(page, shot)
    submit(page)
    assert "Tulisan terkirim" in flash(page), page.locator("main").inner_text()[:800]
    close(page)


def writer_refused_then_submits(browser, base, tmp) -> None:
    """TF-01 tries with one photo: the Indonesian list of what is missing, the text kept; then two more photos."""
    page = login(browser, base, EMAIL["tf1"])
    open_form(page, base)
    text = body_text("Bandarharjo")
    fill_fields(page, "tf1", "Bandarharjo", text)
    photos = make_photos(tmp, "tf1", 3)
    upload(page, photos[:1], "Rembug warga Bandarharjo")
    submit(page)
    alert = page.get_by_role("alert").filter(has_text="Tulisan belum dapat dikirim")
    assert alert.is_visible()
    assert "Baru ada 1 foto; unggah minimal 2 foto kegiatan." in alert.inner_text()
    assert page.input_value("textarea[name=body_md]").strip() == text.strip()
    assert page.input_value("input[name=title]") == TITLE["tf1"]
    screenshot(page, "month-writer-refused")
    upload(page, photos[1:], "Saluran baru Bandarharjo")
    submit(page)
    assert "Tulisan terkirim" in flash(page)
    close(page)


def create_writer_account(browser, base) -> None:
    """The city data manager creates a TF-03 writer; the writer sets a password through the one-time link."""
    page = login(browser, base, EMAIL["dm_city"], keep=True)
    page.goto(base + "/akun-pengguna/baru")
    page.fill("input[name=email]", NEW_WRITER["email"])
    page.fill("input[name=name]", NEW_WRITER["name"])
    page.fill("input[name=phone]", "0813-2222-3333")
    page.fill("input[name=position]", "Faskel Teknik")
    page.select_option("select[name=role]", "writer")
    page.fill("input[name=scope_code]", "3374-TF03")
    with page.expect_navigation():
        page.get_by_role("button", name="Buat akun dan tautan kata sandi").click()
    link = page.locator("input[readonly]").first.input_value()
    assert "/akun/" in link, page.locator("main").inner_text()[:500]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(link)
    page.fill("input[name=password]", NEW_WRITER["password"])
    page.fill("input[name=confirm]", NEW_WRITER["password"])
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan kata sandi").click()
    assert "Kata sandi tersimpan" in flash(page)
    context.close()


# --- panels ---------------------------------------------------------------------------------------------

def scheduled_collection_runs(server, period: str) -> None:
    """A consumer (``flask --app portal worker``) on the server's settings and clock runs the steps due now, as
    the production consumer does each minute: at the end of the 15th it collects every city's pieces into its
    panel. Stopped once every city's collection of ``period`` is recorded done."""
    engine = create_engine(server.database_url)
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker", "-w", "1"], env=server.env,
                            cwd=ROOT, stdout=server.log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            with engine.connect() as conn:
                cities = conn.execute(text("SELECT count(*) FROM city")).scalar()
                done = conn.execute(text("SELECT count(*) FROM scheduled_run WHERE step = 'collect_entries' "
                                         "AND period = :p AND state = 'done'"), {"p": period}).scalar()
            if done == cities:
                return
            assert proc.poll() is None, "the consumer stopped"
            assert time.monotonic() < deadline, "the scheduled collection did not run"
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        engine.dispose()


def manage_panel(browser, base, dm_email: str, node_label: str, names: list[str], *, open_it: bool) -> str:
    """The data manager opens (or finds) the month's panel and sets members and chair; returns its address."""
    page = login(browser, base, dm_email, keep=True)
    page.goto(f"{base}/penilaian/kelola?bulan={MONTH}")
    if open_it:
        page.select_option("select[name=node]", label=node_label)
        page.fill("input[name=period]", MONTH)
        page.get_by_role("button", name="Buka panel").click()
        page.wait_for_url(re.compile(r"/penilaian/panel/\d+/anggota$"))
    else:
        page.locator("tr", has_text=node_label).get_by_role("link").click()
        page.get_by_role("link", name="Atur anggota").click()
        page.wait_for_url(re.compile(r"/penilaian/panel/\d+/anggota$"))
    assert MONTH_LABEL in page.locator("h1").inner_text()
    for name in names:
        page.get_by_label(name).check()
    page.select_option("select[name=chair]", label=names[0])
    page.get_by_role("button", name="Simpan susunan panel").click()
    page.wait_for_url(re.compile(r"/penilaian/panel/\d+$"))
    assert "Susunan panel tersimpan" in flash(page)
    return page.url


def member_page(browser, base, email: str, panel_url: str, viewport=DESKTOP, *, keep: bool = False):
    """A member finds the panel in "Panel saya"."""
    page = login(browser, base, email, viewport=viewport, keep=keep)
    page.goto(base + "/penilaian/")
    card = page.locator("li.card").filter(has_text=MONTH_LABEL).filter(
        has=page.locator(f"a[href='{panel_url.removeprefix(base)}']"))
    card.get_by_role("link").first.click()
    page.wait_for_url(panel_url)
    return page


def sheet_links(page) -> dict[str, str]:
    """Title -> address of the member's score sheet, from the panel's list of pieces."""
    links = {}
    for card in page.locator("li.card").filter(has=page.get_by_role("link", name="Lembar nilai")).all():
        links[card.locator("strong").first.inner_text().strip()] = card.get_by_role("link", name="Lembar nilai") \
            .get_attribute("href")
    return links


def score(page, base: str, href: str, values: list[int], shot: str | None = None) -> None:
    page.goto(base + href, wait_until="domcontentloaded")
    for code, value in enumerate(values, start=1):
        page.fill(f"input[name=score_{code}]", str(value))
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Kirim nilai").click()
    assert "Nilai terkirim" in flash(page), page.locator("main").inner_text()[:500]
    if shot:
        page.wait_for_load_state()
        fits(page, shot)


def score_all(browser, base, emails, panel_url, scores: dict[str, list[int]], *, phone_shot: str | None = None):
    """Each member opens the panel, then each piece's sheet in turn (the chair's session is kept)."""
    for n, email in enumerate(emails):
        on_phone = phone_shot is not None and n == 0
        page = member_page(browser, base, email, panel_url, viewport=PHONE if on_phone else DESKTOP, keep=n == 0)
        links = sheet_links(page)
        assert sorted(links) == sorted(TITLE[key] for key in scores)
        for m, (key, values) in enumerate(scores.items()):
            score(page, base, links[TITLE[key]], values, shot=phone_shot if on_phone and m == 0 else None)
        if n:
            close(page)


def results_of(page, panel_url: str) -> None:
    page.goto(panel_url)
    page.get_by_role("link", name="Hasil dan keputusan").click()
    page.wait_for_url(re.compile(r"/hasil$"))


def result_card(page, key: str):
    return page.locator("li.result", has_text=TITLE[key])


def close_panel(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Tutup panel dan tetapkan").click()
    assert "Panel diputuskan" in flash(page), page.locator("main").inner_text()[:800]


# --- the month --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def month_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("month")
    instance = tmp / "instance"
    instance.mkdir()
    # The operator's instance config: every user of this test signs in from 127.0.0.1 within a few minutes.
    (instance / "config.py").write_text('LOGIN_RATE_LIMIT = "200 per minute"\n')
    with demo_database(tmp, instance) as url:
        env = server_env(url, instance)
        with running_server(env) as server:
            server.database_url = url
            yield server, tmp


def test_a_whole_month_in_the_browser(month_server):
    server, tmp = month_server
    base = server.base
    SESSIONS.clear()
    t0 = time.monotonic()

    def lap(what):  # progress, shown with -s
        print(f"{time.monotonic() - t0:6.1f}s {what}", flush=True)
    with chromium() as browser:
        # 1-2. Writers of three teams and the Korkot team draft and submit with photos.
        writer_refused_then_submits(browser, base, tmp)
        write_and_submit(browser, base, tmp, "tf2", EMAIL["tf2"], "Tanjung Mas", photos=2)
        write_and_submit(browser, base, tmp, "korkot", EMAIL["korkot"], "Kota Semarang", photos=3)
        lap("three writers")
        create_writer_account(browser, base)
        write_and_submit(browser, base, tmp, "tf3", NEW_WRITER["email"], "Kemijen", photos=2,
                         password=NEW_WRITER["password"], viewport=PHONE, shot="month-writer-form-360")

        lap("3. The cit")
        # 3. The city panel: members and chair, the check, scores, the chair closes and forwards.
        server.move_clock_to(CITY_SITS)
        scheduled_collection_runs(server, MONTH)  # the end of the 15th has passed: the pieces are in the panel
        city_url = manage_panel(browser, base, EMAIL["dm_city"], "Kota Semarang", CITY_NAMES, open_it=True)
        chair = member_page(browser, base, CITY_PANEL[0], city_url, keep=True)
        for key in ("tf1", "tf2", "tf3"):
            chair.locator("li.card", has_text=TITLE[key]).get_by_role("link", name="Periksa kelengkapan").click()
            chair.wait_for_url(re.compile(r"/periksa$"))
            assert "Semua persyaratan formal terpenuhi." in chair.locator("main").inner_text()
            boxes = chair.locator("input[name^=point_]")
            assert boxes.count() == 8
            for i in range(8):
                boxes.nth(i).check()
            chair.get_by_role("button", name="Simpan hasil pemeriksaan").click()
            chair.wait_for_url(city_url)
            assert "Tulisan lengkap dan masuk penilaian" in flash(chair)
        assert TITLE["korkot"] not in chair.locator("main").inner_text()  # straight to the province
        lap("city checked")
        score_all(browser, base, CITY_PANEL, city_url, CITY_SCORES)
        lap("city scored")
        chair = member_page(browser, base, CITY_PANEL[0], city_url)
        results_of(chair, city_url)
        assert "Kuota naik: 3" in chair.locator("main").inner_text()
        close_panel(chair)
        for key in ("tf1", "tf2", "tf3"):
            assert "Naik" in result_card(chair, key).inner_text()
        screenshot(chair, "month-city-results")
        close(chair)

        lap("4. The KMW")
        # 4. The KMW panel: a tie at rank 3 decided by the chair with a reason; the letter PDF.
        server.move_clock_to(KMW_SITS)
        kmw_url = manage_panel(browser, base, EMAIL["dm_kmw"], "KMW Jawa Tengah", KMW_NAMES, open_it=False)
        score_all(browser, base, KMW_PANEL, kmw_url, KMW_SCORES, phone_shot="month-score-sheet-360")
        chair = member_page(browser, base, KMW_PANEL[0], kmw_url, viewport=PHONE)
        results_of(chair, kmw_url)
        for key in ("tf1", "tf2"):
            assert "Naik" in result_card(chair, key).inner_text()
        for key in ("tf3", "korkot"):
            assert "Seri di batas kuota: keputusan ketua" in result_card(chair, key).inner_text()
            assert "800" in result_card(chair, key).inner_text()
        fits(chair, "month-kmw-results-tie-360")
        for key, decision, reason in (
                ("korkot", "yes", "Pembelajaran lintas kelurahan lebih mudah ditiru daerah lain."),
                ("tf3", "no", "Kegiatan serupa sudah terwakili oleh tulisan TF-01.")):
            card = result_card(chair, key)
            card.locator(f"input[name=decision][value={decision}]").check()
            card.locator("textarea[name=reason]").fill(reason)
            with chair.expect_navigation():
                card.get_by_role("button", name="Catat keputusan").click()
            assert "Keputusan nilai seri dicatat" in flash(chair)
            assert reason in result_card(chair, key).inner_text()
        close_panel(chair)
        fits(chair, "month-kmw-results-closed-360")
        with chair.expect_download() as download:
            chair.get_by_role("link", name="Unduh surat (PDF)").first.click()
        assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
        close(chair)

        lap("5. KMP")
        # 5. KMP: five members score, the chair closes.
        server.move_clock_to(KMP_SITS)
        kmp_url = manage_panel(browser, base, EMAIL["dm_kmp"], "KMP (nasional)", KMP_NAMES, open_it=False)
        score_all(browser, base, KMP_PANEL, kmp_url, KMP_SCORES)
        chair = member_page(browser, base, KMP_PANEL[0], kmp_url)
        results_of(chair, kmp_url)
        assert TITLE["tf3"] not in chair.locator("main").inner_text()
        close_panel(chair)
        assert "Ditetapkan" in result_card(chair, "tf1").inner_text()
        assert "Ditetapkan" not in result_card(chair, "tf2").inner_text()
        screenshot(chair, "month-kmp-results")
        close(chair)

        lap("6. The pub")
        # 6. The public pages, anonymous, at phone width.
        context = browser.new_context(viewport=PHONE)
        public = context.new_page()
        public.goto(base + "/elearning/nasional")
        listing = public.locator("main").inner_text()
        assert TITLE["tf1"] in listing and TITLE["korkot"] in listing
        assert TITLE["tf2"] not in listing
        fits(public, "month-public-national-360")
        public.get_by_role("link", name=TITLE["tf1"]).first.click()
        public.wait_for_url(re.compile(r"/elearning/tulisan/\d+$"))
        piece_url = public.url
        assert public.locator("h1").inner_text().strip() == TITLE["tf1"]
        photo = public.locator("main img").first
        photo.scroll_into_view_if_needed()
        public.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
        fits(public, "month-public-piece-360")
        context.close()

        lap("7. A reade")
        # 7. A reader comments on the winner.
        reader = login(browser, base, EMAIL["reader"])
        reader.goto(piece_url)
        comment = "Terima kasih, kami ingin meniru cara warga mengelola iuran pemeliharaan."
        form = reader.locator("#tulis-komentar")
        form.locator("textarea[name=body]").fill(comment)
        with reader.expect_navigation():
            form.get_by_role("button", name="Kirim").click()
        assert comment in reader.locator("#diskusi").inner_text()
        screenshot(reader, "month-reader-comment")
        close(reader)

        lap("8. Lampira")
        # 8. Lampiran 2 (KMW data manager) and Lampiran 3 (city data manager) as xlsx.
        for email, row_text, name, keys in (
                (EMAIL["dm_kmw"], "KMW Jawa Tengah", "lampiran2", ("tf1", "tf2", "tf3", "korkot")),
                (EMAIL["dm_city"], "Kota Semarang", "lampiran3", ("tf1", "tf2", "tf3"))):
            page = login(browser, base, email)
            page.goto(f"{base}/laporan/?periode={MONTH}")
            with page.expect_download() as download:
                page.locator("tr", has_text=row_text).filter(
                    has=page.locator(f"a[href*='{name}']")).get_by_role("link", name="xlsx").click()
            assert download.value.suggested_filename.endswith(".xlsx")
            with open(download.value.path(), "rb") as fh:
                workbook = load_workbook(fh, read_only=True)
                cells = " ".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                                 for v in row if v is not None)
            for key in keys:
                assert TITLE[key] in cells, f"{name}: {TITLE[key]!r} missing"
            close(page)
