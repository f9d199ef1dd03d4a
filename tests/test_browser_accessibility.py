"""Accessibility in a real browser: axe-core over every page type each role uses, at phone and desktop width.

The demo is served by gunicorn (one server for the module) and opened in Debian's Chromium. For each role one
browser context signs in with a demo account and crawls the real links of its pages, breadth first from its
home (the header's menu is part of every page): one address per route pattern (numbers and months in the path
count as the same page), leaving out downloads (PDF, xlsx, feeds, photos, documents), the language switch and
whatever is not HTML. A few starting points that only forms or mail lead to are added by hand, and what the
demo lacks (a published knowledge product, a nomination round, an award and its certificate) is first made
through the pages. axe-core (``axe-playwright-python``, which carries axe's script) checks each page at 1280x900
and again at 360x780, and any violation of any impact fails the test, listed by rule, impact, selectors and
address. Each role's crawl must reach the page types listed in ``MUST`` and must not stop at its page cap.

The keyboard test at the end does a writer's month with the keyboard alone, at 360 px and at desktop width: the
skip link, sign-in, the piece form, two photos with captions, save, send, the sent state; every element the
focus stops on shows a visible focus indicator.
Screenshots go to ``test-artifacts/`` (``a11y-*.png``).
"""
from __future__ import annotations

import re
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.browser_support import (
    chromium,
    demo_database,
    live_server,
    require_browser,
    screenshot,
    server_env,
)

pytestmark = pytest.mark.browser

PASSWORD = "demo-portal-2026"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

LEVELS = ["wilayah", "kmw", "provinsi", "kota", "tim", "kelurahan"]  # the organisation tree's, top down

# role: (demo account or None for an anonymous visitor, extra starting points beside "/")
ROLES = {
    "anonymous": (None, ["/elearning/", "/elearning/nasional", "/elearning/provinsi", "/elearning/cari?q=air",
                         "/elearning/produk-pengetahuan", "/elearning/buku", "/sertifikat/", "/akun/masuk",
                         "/akun/daftar", "/akun/lupa-sandi"]),
    "reader": ("pembaca@demo.bp.id", ["/elearning/nasional", "/elearning/cari?q=air", "/elearning/notifikasi"]),
    "writer": ("tf01.semarang@demo.bp.id", ["/tulisan/", "/akun/kata-sandi", "/akun/pemberitahuan"]),
    "writer_korkot": ("korkot.semarang@demo.bp.id", ["/tulisan/"]),
    "expert": ("ta.jateng@demo.bp.id", ["/tulisan/produk-pengetahuan", "/elearning/produk-pengetahuan/menunggu"]),
    "panel_city_chair": ("penilai1.semarang@demo.bp.id", ["/penilaian/", "/laporan/"]),
    "panel_city_member": ("penilai2.semarang@demo.bp.id", ["/penilaian/"]),
    "panel_kmw": ("penilai2.jateng@demo.bp.id", ["/penilaian/"]),
    "panel_kmp": ("penilai2.kmp@demo.bp.id", ["/penilaian/"]),
    "dm_city": ("data.semarang@demo.bp.id", ["/laporan/", "/penilaian/kelola", "/akun-pengguna/"]),
    "dm_kmw": ("data.jateng@demo.bp.id", ["/laporan/", "/laporan/kemajuan", "/penilaian/kelola",
                                          "/elearning/produk-pengetahuan/menunggu"]),
    "dm_kmp": ("data.kmp@demo.bp.id", ["/laporan/", "/laporan/kemajuan", "/nominasi/", "/antologi/",
                                       "/antologi/2026/nasional", "/elearning/moderasi"]),
    "admin": ("admin@demo.bp.id", ["/admin/struktur/", "/admin/surat-keluar/", "/admin/audit/",
                                   "/admin/rubrik/", "/admin/langkah-terjadwal/", "/akun-pengguna/",
                                   "/laporan/kemajuan", "/sertifikat/BP-0000-0000",
                                   *(f"/admin/struktur/{level}/baru" for level in LEVELS)]),
}

# Page types each role's crawl must have reached and seen answer 200 (a broken sign-in or menu would otherwise
# pass with a short crawl); the crawl finds more than these.
MUST = {
    "anonymous": {"/elearning/tulisan/<n>", "/elearning/provinsi/<n>", "/elearning/produk-pengetahuan/<n>",
                  "/sertifikat/"},
    "reader": {"/elearning/tulisan/<n>", "/notifikasi", "/akun/pemberitahuan"},
    "writer": {"/tulisan/", "/tulisan/<n>", "/tulisan/<n>/lihat", "/akun/kata-sandi"},
    "writer_korkot": {"/tulisan/", "/tulisan/<n>/lihat"},
    "expert": {"/tulisan/produk-pengetahuan"},
    "panel_city_chair": {"/penilaian/panel/<n>", "/penilaian/panel/<n>/hasil", "/laporan/panel/<n>/kalibrasi"},
    "panel_city_member": {"/penilaian/panel/<n>", "/penilaian/panel/<n>/hasil"},
    "panel_kmw": {"/penilaian/panel/<n>", "/penilaian/entri/<n>/nilai", "/penilaian/panel/<n>/hasil"},
    "panel_kmp": {"/penilaian/panel/<n>", "/penilaian/entri/<n>/nilai", "/penilaian/panel/<n>/hasil"},
    "dm_city": {"/laporan/", "/laporan/lampiran3/<n>", "/laporan/kepatuhan", "/penilaian/kelola",
                "/akun-pengguna/<n>", "/admin/struktur/<tingkat>/"},
    "dm_kmw": {"/laporan/lampiran2/<n>", "/laporan/kemajuan/<n>", "/penilaian/panel/<n>/anggota",
               "/laporan/panel/<n>/kalibrasi",
               "/elearning/produk-pengetahuan/menunggu"},
    "dm_kmp": {"/nominasi/<n>", "/penghargaan/<n>", "/sertifikat/<nomor>", "/antologi/<n>/nasional",
               "/elearning/penghargaan/<n>/tambah", "/elearning/moderasi"},
    "admin": {"/admin/surat-keluar/<n>", "/admin/audit/", "/admin/rubrik/baru", "/admin/langkah-terjadwal/",
              "/admin/struktur/tim/baru", "/akun-pengguna/impor"},
}

# Addresses not crawled: files, feeds, the language switch (it changes the session), sign-out.
SKIP = re.compile(r"(\.(pdf|xlsx|csv|atom|epub|docx|zip|ico|svg|png|jpe?g|webp)$)|/unduh(/|$)|/dokumen$|"
                  r"/tulisan/foto/|/static/|/akun/bahasa/|/keluar|/media$|/gambar/|/ekspor$|"
                  r"/elearning/buku/\d+/")
# Signed-in roles see the public e-learning pages too; the anonymous visitor, the reader and the national data
# manager (who moderates comments and records awards there) follow their links, the others check the e-learning
# home and what their own pages link to there.
PUBLIC = re.compile(r"^/elearning/")
PUBLIC_IN_DEPTH = {"anonymous", "reader", "dm_kmp"}
MAX_PAGES = 60  # per role, a guard against a crawl that runs away
# Pages no link leads to from the role's pages, derived from one it reached: a panel's reviewer statistics
# (its chair and the panel's data managers may see them; only the reports page of a chair links them).
DERIVED = [(re.compile(r"^/penilaian/panel/(\d+)$"), "/laporan/panel/{}/kalibrasi")]


def pattern(path: str, role: str = "admin") -> str:
    """One route pattern per page type: numbers, months and certificate numbers in the path are placeholders.
    The organisation tree's levels share their list and node pages: one level is checked; the administrator,
    who manages the tree, also has each level's new-node form checked (their fields differ)."""
    path = re.sub(r"/\d{4}-\d{2}(?=/|$)", "/<bulan>", path)
    if role != "admin" or not re.search(r"/(baru|ubah)$", path):
        path = re.sub(r"^/admin/struktur/(?!impor|ekspor)[a-z]+/", "/admin/struktur/<tingkat>/", path)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", path)
    return re.sub(r"^/sertifikat/[^/]+$", "/sertifikat/<nomor>", path)


def same_origin_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")
    links = []
    for href in hrefs:
        href = urldefrag(href).url
        if href.startswith(base) and not SKIP.search(urlsplit(href).path):
            links.append(href)
    return links


# Page types whose fixes are looked at by people: a screenshot at each width (test-artifacts/a11y-<page>-<width>.png).
SHOTS = {"/elearning/nasional": "elearning-national", "/laporan/kemajuan/<n>": "progress",
         "/laporan/lampiran2/<n>": "lampiran2", "/tulisan/": "writer-team"}


# The innermost elements whose box or content reaches past the right edge of the window (what makes a page
# scroll sideways), named as axe names its targets.
WIDER_THAN_WINDOW = """() => {
  const width = document.documentElement.clientWidth;
  const past = e => e.getBoundingClientRect().left + e.scrollWidth > width + 1;
  return [...document.body.querySelectorAll("*")].filter(e => past(e) && ![...e.children].some(past)).map(
    e => ({target: [e.tagName.toLowerCase() + [...e.classList].map(c => "." + c).join("")]}));
}"""


def check_page(axe, page, shot: str | None = None) -> list[dict]:
    """axe at desktop, then at phone width on the same page; each violation with the width it was seen at. At
    each width the page must also fit the window: nothing that makes a phone scroll sideways."""
    found = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        if shot:
            screenshot(page, f"a11y-{shot}-{viewport['width']}")
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for violation in results["violations"]:
            found.append({"width": viewport["width"], **violation})
        if page.evaluate("document.documentElement.scrollWidth") > viewport["width"] + 1:
            found.append({"width": viewport["width"], "impact": "layout", "id": "wider-than-window",
                          "help": "the page scrolls sideways", "nodes": page.evaluate(WIDER_THAN_WINDOW)})
    return found


def describe(url: str, violations: list[dict]) -> str:
    """One line per rule and element set, with the widths it was seen at."""
    grouped: dict[tuple, list[int]] = {}
    for v in violations:
        targets = "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:6])
        more = f" (+{len(v['nodes']) - 6} more)" if len(v["nodes"]) > 6 else ""
        grouped.setdefault((v["impact"], v["id"], v["help"], targets + more), []).append(v["width"])
    lines = [f"  [{impact}] {rule} at {'/'.join(f'{w}px' for w in widths)}: {help_} -- {targets}\n      {url}"
             for (impact, rule, help_, targets), widths in grouped.items()]
    return "\n".join(lines)


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/akun/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "/akun/masuk" not in page.url, f"login failed for {email}"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("a11y")
    instance = tmp / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('LOGIN_RATE_LIMIT = "200 per minute"\n')  # every role signs in
    with demo_database(tmp, instance) as url:
        env = server_env(url, instance)
        with live_server(env) as base:
            yield base


@pytest.fixture(scope="module")
def browser(demo_server):
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def flash_text(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


@pytest.fixture(scope="module")
def fuller_demo(demo_server, browser, axe):
    """What the demo does not hold, made through the pages as its users would, so that its pages get checked
    too: a published knowledge product, a nomination round and a national award (its page and certificate).
    The list of products waiting to be published is checked here, the one moment it is not empty."""
    base = demo_server
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(30_000)
    context.add_init_script(axe.axe_script)
    page = context.new_page()
    try:
        sign_in(page, base, "ta.jateng@demo.bp.id")  # the KMW's expert writes the year's knowledge product
        page.goto(base + "/tulisan/produk-pengetahuan")
        page.fill("input[name=title]", "Belajar dari rembug warga se-Jawa Tengah")
        page.fill("textarea[name=summary]", "Ringkasan pelajaran dari sepuluh kelurahan.")
        page.fill("textarea[name=body_md]", "## Pelajaran\n\nWarga yang berembuk merawat apa yang dibangunnya.")
        with page.expect_navigation():
            page.get_by_role("button", name="Kirim", exact=True).click()
        context.clear_cookies()
        sign_in(page, base, "data.jateng@demo.bp.id")  # the KMW's data manager publishes it
        page.goto(base + "/elearning/produk-pengetahuan/menunggu")
        assert page.get_by_role("button", name="Terbitkan").count() == 1
        violations = check_page(axe, page, "knowledge-pending")
        assert not violations, "axe violations for dm_kmw:\n" + describe(page.url, violations)
        with page.expect_navigation():
            page.get_by_role("button", name="Terbitkan").first.click()
        context.clear_cookies()
        sign_in(page, base, "data.kmp@demo.bp.id")  # KMP: a nomination round and an award
        page.goto(base + "/nominasi/")
        page.fill("input[name=year]", "2026")
        page.select_option("select[name=semester]", "2")
        page.fill("input[name=workshop_date]", "2027-02-10")
        with page.expect_navigation():
            page.get_by_role("button", name="Buka putaran").click()
        assert re.search(r"/nominasi/\d+$", page.url), flash_text(page) or page.locator("main").inner_text()[:500]
        page.goto(base + "/elearning/nasional")
        page.locator("main .el-card a[href*='/elearning/tulisan/']").first.focus()
        piece = page.evaluate("document.activeElement.getAttribute('href')")
        page.goto(base + piece.replace("/elearning/tulisan/", "/elearning/penghargaan/") + "/tambah")
        page.fill("input[name=title]", "Juara 1 Lomba Best Practice Nasional")
        with page.expect_navigation():
            page.get_by_role("button", name="Simpan").click()
        assert "/tambah" not in page.url, page.locator("main").inner_text()[:500]
    finally:
        context.close()
    return base


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_the_role_has_no_axe_violation(fuller_demo, browser, axe, role):
    email, starts = ROLES[role]
    base = fuller_demo
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(30_000)
    context.add_init_script(axe.axe_script)  # in every page the context opens (axe.run() would send it each run)
    page = context.new_page()
    started = time.monotonic()
    try:
        if email:
            sign_in(page, base, email)
        queue = deque((base + path, 0) for path in ["/", *starts])
        seen: set[str] = set()
        shown: set[str] = set()  # the page types that answered 200
        problems: list[str] = []
        while queue and len(seen) < MAX_PAGES:
            url, depth = queue.popleft()
            path = urlsplit(url).path
            key = pattern(path, role)
            if key in seen:
                continue
            seen.add(key)
            response = page.goto(url)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            assert response.status < 500, f"{url}: {response.status}"
            if response.status == 200:
                shown.add(key)
            violations = check_page(axe, page, SHOTS.get(key))
            if violations:
                problems.append(describe(page.url, violations))
            public_only = role not in PUBLIC_IN_DEPTH and PUBLIC.match(path)
            for rule, target in DERIVED:
                if (found := rule.match(path)) and response.status == 200:
                    queue.append((base + target.format(*found.groups()), depth + 1))
            if depth < 4 and not public_only:
                for link in same_origin_links(page, base):
                    if pattern(urlsplit(link).path, role) not in seen:
                        queue.append((link, depth + 1))
        print(f"\n{role}: {len(seen)} page types in {time.monotonic() - started:.1f}s: {', '.join(sorted(seen))}")
        left = {pattern(urlsplit(url).path, role) for url, _ in queue} - seen
        assert not left, f"{role}: the crawl stopped at {MAX_PAGES} page types; not checked: {sorted(left)}"
        assert MUST[role] <= shown, f"{role}: not reached or not shown: {sorted(MUST[role] - shown)}"
        assert not problems, f"axe violations for {role}:\n" + "\n".join(problems)
    finally:
        context.close()


# --- the writer's month by keyboard alone ------------------------------------------------------------------

FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("name") || "", type: e.type || "",
          text: (e.innerText || e.value || e.getAttribute("aria-label") || "").trim().slice(0, 60),
          ring: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none",
          shown: r.width > 0 && r.height > 0 && s.visibility !== "hidden"};
}"""

SENTENCES = [
    "Warga Kemijen berkumpul di balai RW setiap Kamis malam untuk membahas saluran yang tersumbat.",
    "Fasilitator mendampingi relawan memetakan rumah yang belum mendapat air bersih.",
    "Badan Keswadayaan Masyarakat mengumumkan penggunaan dana di papan informasi dekat masjid.",
    "Ibu-ibu kader mengajak tetangga ikut kerja bakti dan menyiapkan konsumsi secara bergiliran.",
    "Setelah tiga bulan genangan berkurang dan anak-anak kembali bermain di gang tanpa takut sakit.",
]


def long_text() -> str:
    """About 560 words of Markdown (the form asks for at least 500)."""
    paragraphs = [" ".join(SENTENCES[(p + i) % len(SENTENCES)] for i in range(8)) for p in range(6)]
    return "## Cerita dari Kemijen\n\n" + "\n\n".join(paragraphs)


def focused(page) -> dict:
    """What has the focus; it must show a visible ring (outline of 2px or more, or a box shadow)."""
    state = page.evaluate(FOCUS)
    assert state is not None, "the focus was lost (it is on the page body)"
    assert state["shown"], f"the focused element is not on screen: {state}"
    assert state["ring"], f"the focused element shows no focus indicator: {state}"
    return state


def tab_to(page, matches, *, backwards: bool = False, limit: int = 120) -> dict:
    """Press Tab (Shift+Tab) until the focused element satisfies ``matches``; every stop shows its focus."""
    state, outside = None, 0
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(FOCUS) is None and outside < 1:
            outside += 1  # past the page's last (first) stop the focus leaves the document once, then wraps
            continue
        state = focused(page)
        if matches(state):
            return state
    raise AssertionError(f"no element reached by {limit} presses of Tab; last: {state}")


def named(name: str):
    return lambda s: s["name"] == name


def labelled(text: str):
    return lambda s: s["text"] == text


def make_photos(tmp: Path, count: int) -> list[str]:
    from PIL import Image, ImageDraw

    paths = []
    for i in range(count):
        image = Image.new("RGB", (1280, 960), (40 + 60 * i, 120, 160))
        ImageDraw.Draw(image).rectangle((100, 300, 700, 800), fill=(240, 200, 60))
        path = tmp / f"keyboard-foto-{i + 1}.jpg"
        image.save(path, "JPEG", quality=85)
        paths.append(str(path))
    return paths


FIELDS = [
    ("title", "Saluran warga Kemijen yang dirawat bersama"),
    ("theme", "Air bersih dan sanitasi"),
    ("facts", "86 KK terlibat; swadaya Rp 12.400.000; saluran 420 meter."),
    ("institution_name", "BKM Kemijen Sejahtera"),
    ("institution_address", "Jl. Kakap No. 7, Kelurahan Kemijen, Kota Semarang"),
    ("institution_phone", "024-3551234"),
    ("author_name", "Faskel Kemijen"),
    ("author_position", "Fasilitator Kelurahan"),
    ("author_place", "Kota Semarang"),
    ("author_phone", "0812-3456-7788"),
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_writer_month_by_keyboard_alone(demo_server, browser, tmp_path, viewport):
    """TF-01 (360 px) and the Korkot team (desktop) sign in, write, add photos, save and submit their piece for
    the month with the keyboard only: no click, no fill; the one file dialog is answered by setting the files
    of the file input the keyboard reached."""
    email = {360: "tf01.semarang@demo.bp.id", 1280: "korkot.semarang@demo.bp.id"}[viewport["width"]]
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    page = context.new_page()
    keys = page.keyboard
    try:
        page.goto(demo_server + "/akun/masuk")
        # The first Tab reaches the skip link, which shows itself and leads to the main content.
        keys.press("Tab")
        skip = focused(page)
        assert skip["tag"] == "a" and skip["text"] == "Langsung ke isi", skip
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#isi"
        screenshot(page, f"a11y-keyboard-skip-link-{width}")
        keys.press("Enter")
        tab_to(page, named("email"), limit=5)  # the next stop after the skip target is the form's first field
        keys.type(email)
        keys.press("Tab")
        assert focused(page)["name"] == "password"
        keys.type(PASSWORD)
        with page.expect_navigation():
            keys.press("Enter")
        assert "/akun/masuk" not in page.url

        # Home: the month's card offers to start writing (a form button) or to go on with a draft.
        tab_to(page, lambda s: s["text"] in ("Mulai menulis", "Lanjutkan menulis"))
        with page.expect_navigation():
            keys.press("Enter")
        page.wait_for_url(re.compile(r"/tulisan/\d+$"))
        page.wait_for_load_state()

        # The piece form, field by field in the order Tab gives.
        tab_to(page, named("form"))
        for _ in range(4):
            if page.evaluate("document.activeElement.value") == "artikel":
                break
            keys.press("ArrowDown")
        assert page.evaluate("document.activeElement.value") == "artikel"
        values = dict(FIELDS)
        for name in ("title", "theme"):
            tab_to(page, named(name))
            keys.press("Control+A")
            keys.type(values[name])
        tab_to(page, named("body_md"))
        keys.press("Control+A")
        keys.insert_text(long_text())  # typed as one input, as a paste from the keyboard would be
        for name, value in FIELDS[2:]:
            tab_to(page, named(name))
            keys.press("Control+A")
            keys.type(value)
        screenshot(page, f"a11y-keyboard-form-{width}")

        # Photos: Tab reaches the uploader's file input; the OS dialog is answered with the files.
        tab_to(page, lambda s: s["id"] == "js-photo-input")
        page.locator(":focus").set_input_files(make_photos(tmp_path, 2))
        rows = page.locator("#upload-queue li")
        for n in range(2):
            rows.nth(n).filter(has_text="selesai").wait_for()
        assert page.locator("#photo-list figure").count() == 2
        # The uploader puts the focus on the newest photo's caption; the other is one photo back (Shift+Tab).
        page.wait_for_function("document.activeElement && document.activeElement.hasAttribute('data-caption-id')")
        last = focused(page)
        keys.type("Kerja bakti warga Kemijen, foto 2")
        tab_to(page, lambda s: s["name"].startswith("caption_") and s["name"] != last["name"], backwards=True)
        keys.type("Kerja bakti warga Kemijen, foto 1")

        # Save the draft with its button, then come back to the form and send it.
        tab_to(page, labelled("Simpan draf"))
        with page.expect_navigation():
            keys.press("Enter")
        page.wait_for_load_state()
        assert "Draf tersimpan" in " ".join(page.locator(".flash").all_inner_texts()) or \
            page.locator("input[name=title]").input_value() == values["title"]
        assert page.locator("input[name=title]").input_value() == values["title"]
        assert page.locator("#photo-list figure").count() == 2
        send = tab_to(page, labelled("Kirim ke Korkot"))
        assert send["tag"] == "button"
        screenshot(page, f"a11y-keyboard-send-focused-{width}")
        with page.expect_navigation():
            keys.press("Enter")
        page.wait_for_load_state()
        flash = " ".join(page.locator(".flash").all_inner_texts())
        assert "Tulisan terkirim" in flash, page.locator("main").inner_text()[:800]
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        screenshot(page, f"a11y-keyboard-submitted-{width}")
        # The team's page shows the month's piece as sent, no longer as a form.
        month = page.locator("main section.card").first.inner_text()
        assert "Terkirim" in month and values["title"] in month, month
        assert page.locator("textarea[name=body_md]").count() == 0
    finally:
        context.close()
