"""Word import in Chromium against the portal served by gunicorn with the demo data.

- At 360 px with the page's script: the writer types a title, uploads a .docx from the piece form, reviews the
  converted text (a table, bold) and its two pictures with captions, confirms; the text and photos are the
  piece's, and the typed title is kept.
- At 1280 px without JavaScript: a .doc is refused with the way to save it as .docx and what was typed stays;
  a .docx is reviewed and cancelled, and nothing changes.

Screenshots go to ``test-artifacts/`` (``word-*.png``).
"""
from __future__ import annotations

import re

import pytest

from tests import builders_word as bw
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
WRITER = "tf01.semarang@demo.bp.id"  # starts December's piece from nothing (the suite's calendar)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("word")
    with demo_database(tmp, tmp / "instance") as url:
        env = server_env(url, tmp / "instance")
        with live_server(env) as base:
            yield base


@pytest.fixture(scope="module")
def browser(demo_server):
    with chromium() as b:
        yield b


def signed_in(browser, base: str, viewport, *, javascript: bool = True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(base + "/akun/masuk")
    page.fill("input[name=email]", WRITER)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    page.goto(base + "/tulisan/")
    start = page.get_by_role("button", name="Mulai menulis")
    with page.expect_navigation():
        if start.count():
            start.click()
        else:
            page.get_by_role("link", name="Lanjutkan menulis").click()
    page.wait_for_url(re.compile(r"/tulisan/\d+$"))
    return page


def choose_document(page, payload: bytes, name: str = "naskah-saluran.docx") -> None:
    page.locator("#word-import > summary").click()
    page.set_input_files("#word_file", {"name": name, "mimeType": DOCX, "buffer": payload})


def test_phone_upload_review_and_confirm(browser, demo_server):
    page = signed_in(browser, demo_server, PHONE)
    page.fill("input[name=title]", "Saluran bersih dari naskah Word")
    choose_document(page, bw.word_document(paragraphs=12))
    screenshot(page, "word-edit-360")
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa hasilnya").click()
    assert re.search(r"/impor-word/[\w-]+$", page.url), page.url
    assert page.get_by_role("heading", name="Periksa hasil impor Word").is_visible()
    assert page.locator("#word-text table").is_visible()
    assert page.locator("#word-text strong", has_text="bergotong royong").is_visible()
    assert page.locator("input[type=checkbox][name^=use_]:checked").count() == 2
    assert page.input_value("#caption_1") == "Warga membersihkan saluran"
    assert page.input_value("#caption_2") == "Rapat BKM di balai warga"
    widths = page.locator(".word-photos img").evaluate_all("els => els.map(e => e.naturalWidth)")
    assert len(widths) == 2 and all(w > 0 for w in widths)  # the previews load
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    screenshot(page, "word-review-360")
    page.fill("#caption_1", "Kerja bakti membersihkan saluran")
    with page.expect_navigation():
        page.get_by_role("button", name="Pakai hasil ini: ganti isi tulisan").click()
    page.wait_for_url(re.compile(r"/tulisan/\d+$"))
    body = page.input_value("textarea[name=body_md]")
    assert "**bergotong royong**" in body and "| Kepala keluarga | 96 |" in body and "# Latar belakang" in body
    assert page.input_value("input[name=title]") == "Saluran bersih dari naskah Word"  # typed before the upload
    captions = page.locator("#photo-list input[data-caption-id]").evaluate_all("els => els.map(e => e.value)")
    assert captions == ["Kerja bakti membersihkan saluran", "Rapat BKM di balai warga"]
    assert page.locator(".flash-success", has_text="2 foto ditambahkan").is_visible()
    screenshot(page, "word-done-360")
    assert not page.errors
    page.context.close()


def test_desktop_without_javascript_refuses_a_doc_and_cancels(browser, demo_server):
    page = signed_in(browser, demo_server, DESKTOP, javascript=False)
    body_before = page.input_value("textarea[name=body_md]")
    page.fill("input[name=theme]", "Tema diketik tanpa skrip")
    choose_document(page, bw.doc_97(), "naskah-lama.doc")
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa hasilnya").click()
    error = page.locator("#word-file-error")
    assert error.is_visible() and "dokumen Word lama (.doc)" in error.inner_text()
    assert "Save As" in error.inner_text() and "Google Docs" in error.inner_text()
    assert page.input_value("input[name=theme]") == "Tema diketik tanpa skrip"  # what was typed stays
    assert page.input_value("textarea[name=body_md]") == body_before
    screenshot(page, "word-refused-1280")
    page.set_input_files("#word_file", {"name": "naskah.docx", "mimeType": DOCX,
                                        "buffer": bw.word_document(pictures=((1280, 960), (300, 200)))})
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa hasilnya").click()
    assert "/impor-word/" in page.url
    assert page.get_by_text("Gambar 2 tidak dapat dipakai sebagai foto.").is_visible()
    screenshot(page, "word-review-1280")
    with page.expect_navigation():
        page.get_by_role("button", name="Batal").click()
    page.wait_for_url(re.compile(r"/tulisan/\d+$"))
    assert page.get_by_text("Impor dibatalkan. Tulisan tidak berubah.").is_visible()
    assert page.input_value("textarea[name=body_md]") == body_before
    assert page.input_value("input[name=theme]") == "Tema diketik tanpa skrip"  # saved with the upload
    page.context.close()
