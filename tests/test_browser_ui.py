"""What people see on a phone (360 px), in Chromium against the portal served by gunicorn with the demo data.

- The piece form has one word count, counted while the writer types exactly as the server counts (Markdown
  markup, hyphens, numbers and every Unicode letter), and its "what is still missing" box follows the title,
  the text, the required fields, the photos and their captions without a reload.
- The public piece page's score table keeps every value on one line at 360 px, and is a table at 1280 px.

Screenshots go to ``test-artifacts/`` (``ui-*.png``).
"""
from __future__ import annotations

import io
import re
import unicodedata

import pytest
from PIL import Image

from portal.text import word_count
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
DRAFT_WRITER = "tf02.semarang@demo.bp.id"  # the demo's December draft, on the suite's calendar
NEW_WRITER = "tf01.semarang@demo.bp.id"  # starts December's piece from nothing

# Texts where splitting on spaces and the server's count (runs of letters, digits and underscores) disagree.
TRICKY = [
    "**Gotong-royong** warga: 1.500 KK, e-mail _penting_ 3,5 km.",
    "## Rembug warga\n\n- [Laporan](https://contoh.id/lap_2026?id=7) ---\n> kutipan *miring*\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "Rp12.400.000 (dua belas juta) — 86 KK; RT 03/RW 05; tanggal 15-12-2026; pukul 08.30 WIB",
    "naïve café Jayapura² ①②③ Ⅻ 東京 ٣٤ snake_case __init__ ... !!! ¿? — – …",
    "",
    "   \n\t  ",
]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("ui")
    with demo_database(tmp, tmp / "instance") as url:
        env = server_env(url, tmp / "instance")
        with live_server(env) as base:
            yield base


@pytest.fixture(scope="module")
def browser(demo_server):
    with chromium() as b:
        yield b


def signed_in(browser, base: str, email: str, viewport=PHONE):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(base + "/akun/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "/akun/masuk" not in page.url
    return page


def open_form(page, base: str) -> None:
    page.goto(base + "/tulisan/")
    start = page.get_by_role("button", name="Mulai menulis")
    if start.count():
        start.click()
    else:
        page.get_by_role("link", name="Lanjutkan menulis").click()
    page.wait_for_url(re.compile(r"/tulisan/\d+$"))


def shown_count(page) -> int:
    text = page.inner_text("#word-count")
    match = re.fullmatch(r"Saat ini (\d+) kata\.", text.strip())
    assert match, text
    return int(match.group(1))


def missing(page) -> list[str]:
    """The codes in the "what is still missing" box, or [] when the box is hidden."""
    if page.locator("#missing-box").is_hidden():
        return []
    return page.locator("#missing-list li").evaluate_all("els => els.map(e => e.dataset.code)")


def missing_text(page) -> str:
    return " ".join(page.locator("#missing-list li").evaluate_all("els => els.map(e => e.textContent)"))


def photo_file(name: str) -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (46, 125, 50)).save(buf, "JPEG", quality=70)
    return {"name": name, "mimeType": "image/jpeg", "buffer": buf.getvalue()}


# --- (11) one word count, live, the server's way ----------------------------------------------------------

def test_one_word_count_follows_typing_and_matches_the_server(browser, demo_server):
    page = signed_in(browser, demo_server, DRAFT_WRITER)
    open_form(page, demo_server)
    body = page.locator("textarea[name=body_md]")
    # On arrival: the server's count of the saved text, and no second, different count anywhere.
    assert shown_count(page) == word_count(body.input_value()) > 0
    assert len(re.findall(r"Saat ini \d+ kata", page.locator("main").inner_text())) == 1
    for text in TRICKY:
        body.fill(text)
        assert shown_count(page) == word_count(text), text
    # The server's own count, from the preview it sends 1.5 s after the last keystroke, is the same.
    body.fill(TRICKY[0])
    page.locator("#live-preview").wait_for(state="visible")
    page.wait_for_function("document.getElementById('preview-body').textContent.includes('Gotong')")
    page.wait_for_timeout(300)
    assert shown_count(page) == word_count(TRICKY[0])
    page.locator("#word-count").scroll_into_view_if_needed()
    screenshot(page, "ui-word-count-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert not page.errors
    page.context.close()


def assigned_code_points() -> list[str]:
    """Every character Python's Unicode tables know (the browser's may be newer), but surrogates."""
    return [chr(cp) for cp in range(0x110000)
            if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Co")]


def test_word_count_agrees_with_the_server_on_every_unicode_character(browser, demo_server):
    """Letters, digits and underscores of every script are words on both sides; marks, punctuation, symbols
    and spaces are not. Compared in blocks so that a difference names its characters."""
    page = signed_in(browser, demo_server, DRAFT_WRITER)
    open_form(page, demo_server)
    chars = assigned_code_points()
    body = page.locator("textarea[name=body_md]")
    differ = []
    for start in range(0, len(chars), 2048):
        block = chars[start:start + 2048]
        text = " ".join(block)
        body.fill(text)
        if shown_count(page) != word_count(text):
            differ.append(f"U+{ord(block[0]):04X}..U+{ord(block[-1]):04X}: browser {shown_count(page)}, "
                          f"server {word_count(text)}")
    assert not differ, differ
    page.context.close()


# --- (11) what is still missing, live -----------------------------------------------------------------

def test_missing_box_follows_the_form_while_typing(browser, demo_server):
    page = signed_in(browser, demo_server, DRAFT_WRITER)
    open_form(page, demo_server)
    assert missing(page) == []  # the demo draft is complete: the box is hidden
    page.fill("input[name=title]", "")
    assert missing(page) == ["title"]
    assert "Judul tulisan belum diisi." in missing_text(page)
    page.fill("textarea[name=body_md]", TRICKY[0])
    words = word_count(TRICKY[0])
    assert missing(page) == ["title", "words"]
    assert f"Tulisan baru {words} kata; minimal 500 kata. Tambahkan {500 - words} kata lagi." in missing_text(page)
    assert page.inner_text("#missing-count") == "2"
    page.fill("input[name=author_phone]", "  ")
    page.fill("input[data-caption-id] >> nth=1", "")
    assert missing(page) == ["title", "words", "photo_caption", "author_phone"]
    assert "Foto 2 belum diberi keterangan." in missing_text(page)
    page.select_option("select[name=form]", "video")  # no media file uploaded: the text no longer counts
    assert missing(page) == ["title", "media", "photo_caption", "author_phone"]
    page.select_option("select[name=form]", "artikel")
    page.locator("#missing-box summary").click()
    page.locator("#missing-box").scroll_into_view_if_needed()
    screenshot(page, "ui-missing-live-360")
    page.fill("input[name=title]", "Kembali berjudul")
    page.fill("input[name=author_phone]", "0812-1111-2222")
    page.fill("input[data-caption-id] >> nth=1", "Kerja bakti")
    page.fill("textarea[name=body_md]", " ".join(["kata"] * 500))
    assert missing(page) == []
    assert not page.errors
    page.context.close()


def test_missing_photos_and_captions_follow_the_uploads(browser, demo_server):
    page = signed_in(browser, demo_server, NEW_WRITER)
    open_form(page, demo_server)
    assert shown_count(page) == 0
    codes = missing(page)
    assert codes == ["title", "words", "photos_min", "institution_name", "institution_address", "institution_phone"]
    assert "Baru ada 0 foto; unggah minimal 2 foto kegiatan." in missing_text(page)
    page.set_input_files("#js-photo-input", [photo_file("satu.jpg")])
    page.locator("#upload-queue li", has_text="selesai").first.wait_for()
    assert "Baru ada 1 foto; unggah minimal 2 foto kegiatan." in missing_text(page)
    assert "Foto 1 belum diberi keterangan." in missing_text(page)
    page.set_input_files("#js-photo-input", [photo_file("dua.jpg")])
    page.locator("#upload-queue li", has_text="selesai").nth(1).wait_for()
    assert "photos_min" not in missing(page)
    assert missing(page).count("photo_caption") == 2
    page.locator("input[data-caption-id]").nth(0).fill("Rembug warga")
    page.locator("input[data-caption-id]").nth(1).fill("Kerja bakti")
    assert "photo_caption" not in missing(page)
    # The server agrees at the next autosave (its list replaces what only it can know, and nothing else).
    with page.expect_response(lambda r: r.url.endswith("/simpan") and "Judul baru" in (r.request.post_data or ""),
                              timeout=45_000) as answer:
        page.fill("input[name=title]", "Judul baru")
    assert answer.value.status == 200
    server_codes = [m["code"] for m in answer.value.json()["missing"]]
    assert [c for c in server_codes if c != "photo_caption"] == missing(page)
    assert not page.errors
    page.context.close()


# --- (15) the score table on a phone ---------------------------------------------------------------------

def published_piece_with_results(page, base: str) -> str:
    page.goto(base + "/elearning/")
    links = page.locator("a[href*='/elearning/tulisan/']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    for href in dict.fromkeys(links):
        page.goto(base + href)
        if page.locator(".el-scores tbody tr").count() >= 2:
            return href
    pytest.fail("no published piece with results at two tiers in the demo")


def cells_on_one_line(page) -> list[str]:
    """Each cell of the score table whose text takes more than one line."""
    return page.evaluate("""() => {
        const bad = [];
        for (const cell of document.querySelectorAll('.el-scores tbody th, .el-scores tbody td')) {
            const line = parseFloat(getComputedStyle(cell).lineHeight);
            const range = document.createRange();
            range.selectNodeContents(cell);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (lines.size > 1 || range.getBoundingClientRect().height > 1.5 * line) bad.push(cell.textContent.trim());
        }
        return bad;
    }""")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_score_table_values_stay_on_one_line(browser, demo_server, viewport):
    page = browser.new_page(viewport=viewport)
    published_piece_with_results(page, demo_server)
    assert cells_on_one_line(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    rows = page.locator(".el-scores tbody tr")
    first = rows.first
    if viewport is PHONE:
        # A block per tier: its name above, then its values side by side on one line.
        values = first.locator("td")
        tops = {round(values.nth(i).bounding_box()["y"]) for i in range(values.count())}
        assert len(tops) == 1
        assert first.locator("th").bounding_box()["y"] < min(tops)
        assert page.locator(".el-scores thead").bounding_box()["height"] <= 1  # headers for screen readers only
    else:
        assert page.locator(".el-scores thead th").first.is_visible()
        row_top = first.locator("th").bounding_box()["y"]
        assert row_top == pytest.approx(first.locator("td").first.bounding_box()["y"], abs=2)
    page.locator(".el-results").scroll_into_view_if_needed()
    screenshot(page, f"ui-score-table-{viewport['width']}")
    page.close()


def test_an_outbox_message_shows_as_its_recipient_gets_it_and_fits_a_phone(browser, demo_server):
    """The administrator creates an account (its invitation is stored in the outbox, ``MAIL_URL=outbox``) and opens
    the message: the text wraps at 360 px, and the HTML in its frame has the mail's own inline styles (the
    portal's policy would block them in a frame that inherits it); the frame's own policy, under which nothing
    in it can run, is checked in tests/test_mail_pages.py."""
    page = signed_in(browser, demo_server, "admin@demo.bp.id")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(demo_server + "/akun-pengguna/baru")
    page.fill("input[name=email]", "ratna.outbox@contoh.id")
    page.fill("input[name=name]", "Ratna <i>Outbox</i>")
    page.select_option("select[name=role]", "reader")
    with page.expect_navigation():
        page.get_by_role("button", name="Buat akun dan tautan kata sandi").click()
    page.goto(demo_server + "/admin/surat-keluar/")
    with page.expect_navigation():
        page.locator("tbody tr", has_text="ratna.outbox@contoh.id").locator("a").first.click()
    assert "ratna.outbox@contoh.id" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    frame = page.frame_locator("iframe.mail-html")
    frame.locator("body").wait_for()
    assert "Ratna <i>Outbox</i>" in frame.locator("body").inner_text(), "the name shown as typed, not as markup"
    assert frame.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(244, 245, 247)"
    assert not violations, violations
    screenshot(page, "ui-outbox-message-360")
    page.context.close()
