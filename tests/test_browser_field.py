"""Writing in the field, in Chromium against the portal served by gunicorn with the demo data, at 360 px and 1280 px:

- Drafts survive a lost connection: typed offline, the text is kept on the device and offered back after a reload
  ("Pulihkan" / "Buang"); autosave resumes when the link returns; the indicator says whether the last change is on
  the server; a copy older than the server's version is never offered.
- Photos are shrunk in the browser to the size the portal keeps (upright, JPEG) before they are sent; a 12 MP phone
  photo costs at most a fifth of its bytes; a failed upload keeps its caption and is retried when the connection
  returns, or by hand; the server still refuses what it refuses.
- Without JavaScript the form and its plain uploads work as before.

Screenshots go to ``test-artifacts/`` (``field-*.png``).
"""
from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from benchmarks.bench_upload import phone_jpeg
from tests.browser_support import (
    ARTIFACTS,
    chromium,
    demo_database,
    live_server,
    require_browser,
    server_env,
)

pytestmark = pytest.mark.browser

PASSWORD = "demo-portal-2026"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
# Each test writes as its own team's writer, so the tests do not depend on each other.
DRAFT_WRITER = "tf02.semarang@demo.bp.id"  # the demo's December draft (one photo)
OFFLINE_WRITER = "korkot.semarang@demo.bp.id"
UPLOAD_WRITERS = {"phone": "tf01.semarang@demo.bp.id", "desktop": "tf01.makassar@demo.bp.id"}
NO_SCRIPT_WRITER = "tf01.jayapura@demo.bp.id"
SAVED = re.compile(r"^Tersimpan di server \d")
ON_DEVICE = "Belum tersimpan — disimpan di perangkat ini"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("field")
    with demo_database(tmp, tmp / "instance") as url:
        env = server_env(url, tmp / "instance")
        with live_server(env) as base:
            yield base


@pytest.fixture(scope="module")
def browser(demo_server):
    with chromium() as b:
        yield b


def signed_in(browser, base: str, email: str, viewport: dict, *, script: bool = True):
    context = browser.new_context(viewport=viewport, java_script_enabled=script)
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


def open_form(page, base: str) -> str:
    page.goto(base + "/tulisan/")
    start = page.get_by_role("button", name="Mulai menulis")
    if start.count():
        with page.expect_navigation():
            start.click()
    else:
        page.get_by_role("link", name="Lanjutkan menulis").click()
    page.wait_for_url(re.compile(r"/tulisan/\d+$"))
    return page.url


def status(page) -> str:
    return page.inner_text("#autosave-status").strip()


def local_drafts(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(Object.keys(localStorage)
        .filter(k => k.startsWith('bp-draft:')).map(k => [k, JSON.parse(localStorage.getItem(k))]))""")


def jpeg(width: int, height: int, name: str) -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (46, 125, 50)).save(buf, "JPEG", quality=80)
    return {"name": name, "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def tab_dies(page) -> None:
    """The tab is gone without a word: nothing it would still send reaches the server. (Closing it alone is not that
    in a test: Playwright lifts the tab's offline emulation as it closes it, an "online" event can fire in the dying
    page and its save get through, and the copy on the device is then rightly older than the server's.)"""
    page.evaluate("() => { XMLHttpRequest.prototype.send = function () {}; }")  # submission.js sends with XHR only
    page.close()


def shot(page, name: str, near: str | None = None) -> None:
    """What the writer sees: the screen around ``near`` (the sticky save indicator stays in view)."""
    if near:
        page.locator(near).last.evaluate("el => el.scrollIntoView({block: 'center'})")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"field-{name}.png"))


# --- drafts survive a lost connection ---------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_text_typed_offline_is_offered_back_after_a_reload_and_saved_online(browser, demo_server, viewport):
    page = signed_in(browser, demo_server, DRAFT_WRITER if viewport is PHONE else OFFLINE_WRITER, viewport)
    url = open_form(page, demo_server)
    context = page.context
    if viewport is PHONE:
        assert SAVED.match(status(page)), status(page)  # the draft's last save, said at once
    server_title = page.input_value("input[name=title]")
    captions = page.locator("#photo-list input[data-caption-id]")
    has_caption = captions.count() > 0
    key = "bp-draft:" + page.get_attribute("#piece-form", "data-draft-key")
    # A second tab of the portal: what it reads from localStorage is what the browser itself holds (a tab's own
    # reads come from its renderer's copy), so it tells when the typed text would survive the first tab's crash.
    other_tab = context.new_page()
    other_tab.goto(demo_server + "/elearning/")

    context.set_offline(True)
    page.fill("input[name=title]", "Sumur resapan RW 05: ditulis tanpa sinyal")
    page.fill("textarea[name=body_md]", "Warga RW 05 membuat sumur resapan di halaman rumah.\n\n" * 4)
    page.fill("input[name=author_place]", "Kota Semarang")
    if has_caption:
        captions.first.fill("Keterangan yang diketik tanpa sinyal")
    page.wait_for_function("() => document.getElementById('autosave-status').textContent.startsWith('Belum')")
    assert status(page) == ON_DEVICE
    assert page.get_attribute("#autosave-status", "aria-live") == "polite"
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('bp-draft:'))")
    other_tab.wait_for_function("key => (JSON.parse(localStorage.getItem(key) || '{}').author_place) === 'Kota Semarang'",
                                arg=key)
    shot(page, f"offline-typing-{viewport['width']}", "textarea[name=body_md]")
    kept = local_drafts(page)[key]
    tab_dies(page)  # while the link is down
    context.set_offline(False)
    page = other_tab
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    captions = page.locator("#photo-list input[data-caption-id]")

    offer = page.locator("#draft-offer")
    try:
        offer.wait_for(timeout=20_000)
    except Exception as exc:  # say why: the copy gone, or kept on another version than the server's
        raise AssertionError(f"no offer: kept {kept}; now on the device {local_drafts(page)}; the page's version "
                             f"{page.input_value('input[name=version]')}; errors {page.errors}") from exc
    assert "Ada teks yang belum tersimpan dari" in offer.inner_text()
    assert page.input_value("input[name=title]") == server_title  # offered, not imposed
    shot(page, f"draft-offer-{viewport['width']}", "#draft-offer")
    with page.expect_response(lambda r: r.url.endswith("/simpan"), timeout=30_000) as answer:
        offer.get_by_role("button", name="Pulihkan").click()
    assert answer.value.status == 200
    sent = json.loads(answer.value.request.post_data)
    assert sent["title"] == "Sumur resapan RW 05: ditulis tanpa sinyal"
    assert sent["author_place"] == "Kota Semarang"
    page.wait_for_function("() => document.getElementById('autosave-status').textContent.startsWith('Tersimpan')")
    assert SAVED.match(status(page))
    assert local_drafts(page) == {}  # the server has it: the copy is gone
    assert page.locator("#draft-offer").count() == 0

    page.reload()
    assert page.locator("#draft-offer").count() == 0
    assert page.input_value("input[name=title]") == "Sumur resapan RW 05: ditulis tanpa sinyal"
    if has_caption:
        assert captions.first.input_value() == "Keterangan yang diketik tanpa sinyal"
    assert not page.errors
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_autosave_resumes_when_the_link_returns(browser, demo_server, viewport):
    page = signed_in(browser, demo_server, DRAFT_WRITER if viewport is PHONE else OFFLINE_WRITER, viewport)
    open_form(page, demo_server)
    context = page.context
    context.set_offline(True)
    page.fill("input[name=theme]", f"Air bersih ({viewport['width']})")
    page.wait_for_function("() => document.getElementById('autosave-status').textContent.startsWith('Belum')")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('bp-draft:'))")
    [copy] = local_drafts(page).values()
    assert copy["theme"] == f"Air bersih ({viewport['width']})"
    with page.expect_response(lambda r: r.url.endswith("/simpan"), timeout=30_000) as answer:
        context.set_offline(False)
    assert answer.value.status == 200 and json.loads(answer.value.request.post_data)["theme"] == copy["theme"]
    page.wait_for_function("() => document.getElementById('autosave-status').textContent.startsWith('Tersimpan')")
    assert local_drafts(page) == {}
    shot(page, f"saved-{viewport['width']}", "input[name=theme]")
    assert not page.errors
    context.close()


def test_text_typed_while_a_save_was_on_its_way_is_offered_back_when_the_tab_died_before_the_answer(
        browser, demo_server):
    page = signed_in(browser, demo_server, OFFLINE_WRITER, PHONE)
    url = open_form(page, demo_server)
    context = page.context
    version = int(page.input_value("input[name=version]"))
    key = "bp-draft:" + page.get_attribute("#piece-form", "data-draft-key")
    other_tab = context.new_page()  # what the browser itself holds (see the offline test above)
    other_tab.goto(demo_server + "/elearning/")
    held = []  # the autosave, held on its way to the server
    context.route("**/simpan", lambda route: held.append(route))

    page.fill("input[name=title]", "Kebun gizi di lahan tidur")
    for _ in range(300):  # the autosave leaves within 4 s of the change
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "no autosave within 30 s of typing"
    assert json.loads(held[0].request.post_data)["title"] == "Kebun gizi di lahan tidur"
    page.fill("input[name=author_place]", "Kota Semarang, RW 07")  # typed while the save is on its way
    other_tab.wait_for_function("key => (JSON.parse(localStorage.getItem(key) || '{}').author_place) "
                                "=== 'Kota Semarang, RW 07'", arg=key)
    # The save arrives, but the tab dies before its answer does: nothing else it would send reaches the server.
    arrived = held[0].fetch()
    assert arrived.status == 200 and arrived.json()["version"] == version + 1
    tab_dies(page)
    context.unroute("**/simpan")

    page = other_tab
    page.goto(url)
    assert page.input_value("input[name=version]") == str(version + 1)
    assert page.input_value("input[name=title]") == "Kebun gizi di lahan tidur"  # what the save carried
    offer = page.locator("#draft-offer")
    offer.wait_for(timeout=20_000)  # the place typed after it is on the device only, and offered
    with page.expect_response(lambda r: r.url.endswith("/simpan")) as answer:
        offer.get_by_role("button", name="Pulihkan").click()
    assert answer.value.status == 200
    sent = json.loads(answer.value.request.post_data)
    assert sent["version"] == version + 1 and sent["author_place"] == "Kota Semarang, RW 07"
    page.wait_for_function("() => document.getElementById('autosave-status').textContent.startsWith('Tersimpan')")
    assert local_drafts(page) == {}
    page.reload()
    assert page.locator("#draft-offer").count() == 0
    assert page.input_value("input[name=author_place]") == "Kota Semarang, RW 07"
    context.close()


def test_a_copy_older_than_the_server_is_not_offered_and_buang_forgets_it(browser, demo_server):
    page = signed_in(browser, demo_server, DRAFT_WRITER, PHONE)
    open_form(page, demo_server)
    key = "bp-draft:" + page.get_attribute("#piece-form", "data-draft-key")
    version = int(page.input_value("input[name=version]"))
    title = page.input_value("input[name=title]")

    def leave_copy(copy_version: int) -> None:
        page.evaluate("([key, copy]) => localStorage.setItem(key, JSON.stringify(copy))",
                      [key, {"version": copy_version, "title": "Judul lama dari perangkat", "captions": {},
                             "at": 1_700_000_000_000}])
        page.reload()

    leave_copy(version - 1)  # saved on the server since (here or in another window)
    assert page.locator("#draft-offer").count() == 0
    assert local_drafts(page) == {}
    assert page.input_value("input[name=title]") == title

    leave_copy(version)
    page.locator("#draft-offer").get_by_role("button", name="Buang").click()
    assert page.locator("#draft-offer").count() == 0
    assert local_drafts(page) == {}
    assert page.input_value("input[name=title]") == title
    page.reload()
    assert page.locator("#draft-offer").count() == 0
    assert not page.errors
    page.context.close()


# --- photos shrunk before upload ---------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_12_megapixel_photo_is_sent_shrunk_and_upright(browser, demo_server, record_property, viewport):
    page = signed_in(browser, demo_server, UPLOAD_WRITERS["phone" if viewport is PHONE else "desktop"], viewport)
    open_form(page, demo_server)
    original = phone_jpeg(7)  # 4000 x 3000 with sensor-like grain, EXIF orientation 6 (portrait) and GPS
    assert Image.open(io.BytesIO(original)).size == (4000, 3000) and len(original) > 3_000_000
    sent = []
    page.on("requestfinished", lambda r: sent.append(r) if r.url.endswith("/foto") else None)
    page.set_input_files("#js-photo-input", [{"name": "IMG_20261204_101500.jpg", "mimeType": "image/jpeg",
                                              "buffer": original}])
    row = page.locator("#upload-queue li").last
    row.filter(has_text="selesai").wait_for()
    assert row.locator("progress").evaluate("p => p.value") == 100
    [request] = sent
    body = int(request.all_headers()["content-length"])  # the whole multipart body that crossed
    answer = request.response().json()["photo"]
    ratio = body / len(original)
    record_property("photo_bytes", f"{len(original)} -> {body} ({ratio:.3f})")
    print(f"\n12 MP phone photo: {len(original):,} bytes on the phone, {body:,} bytes sent ({ratio:.1%})")
    assert ratio <= 0.2, (len(original), body)
    # Shrunk to the size the portal keeps, and turned upright by the browser (the JPEG it sent has no EXIF).
    assert (answer["width"], answer["height"]) == (1500, 2000)
    assert re.search(r"dikecilkan dari 3,1 MB menjadi 0,2 MB", row.inner_text()), row.inner_text()
    shot(page, f"upload-12mp-{viewport['width']}", "#upload-queue li")
    assert not page.errors
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_failed_upload_keeps_its_caption_and_is_sent_again(browser, demo_server, viewport):
    page = signed_in(browser, demo_server, UPLOAD_WRITERS["phone" if viewport is PHONE else "desktop"], viewport)
    open_form(page, demo_server)
    context = page.context
    before = page.locator("#photo-list figure").count()

    # Offline: it fails, keeps the caption typed meanwhile, and goes by itself when the link returns.
    context.set_offline(True)
    page.set_input_files("#js-photo-input", [jpeg(1200, 900, "rembug.jpg")])
    row = page.locator("#upload-queue li").last
    row.get_by_text("koneksi terputus").wait_for()
    assert row.get_by_role("button", name="Coba lagi").is_visible()
    row.get_by_label("Keterangan").fill("Rembug warga di balai RW")
    shot(page, f"upload-offline-{viewport['width']}", "#upload-queue li")
    with page.expect_response(lambda r: r.url.endswith("/foto"), timeout=60_000) as answer:
        context.set_offline(False)
    assert answer.value.status == 200
    row.filter(has_text="selesai").wait_for()
    assert page.locator("#photo-list figure").count() == before + 1
    assert page.locator("#photo-list input[data-caption-id]").last.input_value() == "Rembug warga di balai RW"
    assert answer.value.json()["photo"]["caption"] == "Rembug warga di balai RW"

    # The server cannot be reached though the browser thinks it is online: "Coba lagi" sends it by hand.
    upload_url = re.compile(r".*/tulisan/\d+/foto$")
    page.route(upload_url, lambda route: route.abort("connectionreset"))
    page.set_input_files("#js-photo-input", [jpeg(1200, 900, "kerja-bakti.jpg")])
    row = page.locator("#upload-queue li").last
    row.get_by_role("button", name="Coba lagi").wait_for()
    row.get_by_label("Keterangan").fill("Kerja bakti")
    page.unroute(upload_url)
    retry = row.get_by_role("button", name="Coba lagi")
    if retry.is_visible():  # (the automatic retry may have gone first; either way it arrives once)
        retry.click()
    row.filter(has_text="selesai").wait_for()
    assert page.locator("#photo-list figure").count() == before + 2
    assert page.locator("#photo-list input[data-caption-id]").last.input_value() == "Kerja bakti"

    # What the server refuses is said, not retried: a photo below the minimum size.
    page.set_input_files("#js-photo-input", [jpeg(300, 200, "kecil.jpg")])
    row = page.locator("#upload-queue li").last
    row.locator(".error").wait_for()
    assert "minimal 640 x 480 piksel" in row.inner_text()
    assert not row.get_by_role("button", name="Coba lagi").is_visible()
    assert page.locator("#photo-list figure").count() == before + 2
    shot(page, f"upload-retried-{viewport['width']}", "#upload-queue li")
    assert not page.errors
    context.close()


# --- without JavaScript -------------------------------------------------------------------------------------

def test_without_javascript_the_plain_form_uploads_and_saves(browser, demo_server):
    page = signed_in(browser, demo_server, NO_SCRIPT_WRITER, PHONE, script=False)
    open_form(page, demo_server)
    assert page.locator("#js-uploader").is_hidden() and page.locator("#plain-uploads").is_visible()
    page.fill("input[name=title]", "Bank sampah Kelurahan Kayu Batu")
    page.set_input_files("#photo_1", [{"name": "foto-hp.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg(3)}])
    page.fill("#new_caption_1", "Penimbangan sampah warga")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan draf").last.click()
    assert "Draf tersimpan." in page.inner_text("main")
    assert page.input_value("input[name=title]") == "Bank sampah Kelurahan Kayu Batu"
    assert page.locator("#photo-list figure").count() == 1
    assert "1500 x 2000" in page.inner_text("#photo-list")  # the server shrinks and turns it itself
    assert page.locator("#photo-list input[data-caption-id]").input_value() == "Penimbangan sampah warga"
    shot(page, "noscript-360", "#photo-list figure")
    page.context.close()
