"""The public pages on a slow phone, measured in Chromium against the portal served by gunicorn with the demo data.

- Every list page weighs under 100 KB before photos and under 300 KB with the photos of its first screen, at
  360 px, on a first visit (nothing cached); the bytes are what crossed the wire (compressed where it was).
- Photos come in the size the screen needs (a list's thumbnails as the small variant), as WebP to a browser that
  accepts it. (They carry loading="lazy"; Chromium fetches lazy images up to a few screens ahead, so a list as short
  as the demo's loads them all: tests/test_elearning_public.py checks the markup.)
- A piece prints as its article: no menus, forms or discussion, photos whole; the printed PDF reads back.

Screenshots go to ``test-artifacts/`` (``weight-*.png``).
"""
from __future__ import annotations

import subprocess

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

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
BEFORE_PHOTOS_LIMIT = 100 * 1024
WITH_PHOTOS_LIMIT = 300 * 1024


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("weight")
    with demo_database(tmp, tmp / "instance") as url:
        env = server_env(url, tmp / "instance")
        with live_server(env) as base:
            yield base


@pytest.fixture(scope="module")
def browser(demo_server):
    with chromium() as b:
        yield b


def list_pages(browser, base: str) -> dict[str, str]:
    """The public list pages of the demo: home, national, a province, search, honour roll, knowledge products."""
    page = browser.new_page()
    page.goto(base + "/elearning/provinsi")
    province = page.locator("main a[href*='/elearning/provinsi/']").first.get_attribute("href")
    page.close()
    return {"home": "/elearning/", "national": "/elearning/nasional", "province": province,
            "search": "/elearning/cari?q=warga", "honour": "/elearning/penghargaan",
            "knowledge": "/elearning/produk-pengetahuan"}


def visit(browser, url: str, viewport: dict, shot: str):
    """Open ``url`` in a fresh context (an empty cache); returns what crossed the wire per resource type, the
    content types of the images, how many <img> the page has, and the images' URLs, after the page settled."""
    context = browser.new_context(viewport=viewport, accept_downloads=False)
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    screenshot(page, shot)
    sizes = {"image": 0, "other": 0}
    types = []
    urls = []
    for request in responses:
        response = request.response()
        if response is None:
            continue
        crossed = request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        if request.resource_type == "image":
            sizes["image"] += crossed
            if "/tulisan/foto/" in request.url:  # the photos (not the header's wordmark)
                types.append(response.headers.get("content-type", ""))
                urls.append(request.url)
        else:
            sizes["other"] += crossed
    in_page = page.locator("img[src*='/tulisan/foto/']").count()
    context.close()
    return sizes, types, in_page, urls


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_list_pages_stay_light_and_send_photos_as_webp(browser, demo_server, viewport):
    width = viewport["width"]
    seen_photos = 0
    for name, path in list_pages(browser, demo_server).items():
        if not path.startswith("/"):
            path = "/" + path.split("/", 3)[-1]
        sizes, types, in_page, urls = visit(browser, demo_server + path, viewport, f"weight-{name}-{width}")
        assert sizes["other"] < BEFORE_PHOTOS_LIMIT, (name, sizes)
        if width == PHONE["width"]:
            assert sizes["other"] + sizes["image"] < WITH_PHOTOS_LIMIT, (name, sizes)
        assert all(t == "image/webp" for t in types), (name, types)  # Chromium accepts WebP
        assert len(types) <= in_page, (name, len(types), in_page)
        assert all(url.endswith("/thumb.webp") for url in urls), (name, urls)  # 96 or 160 CSS px: the 400 px thumb
        seen_photos += len(types)
    assert seen_photos, "the demo's list pages showed no photos: the measurement would prove nothing"


def test_a_piece_prints_as_its_article(browser, demo_server, tmp_path):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(demo_server + "/elearning/nasional")
    href = page.locator("main a[href*='/elearning/tulisan/']").first.get_attribute("href")
    page.goto(demo_server + href, wait_until="networkidle")
    title = page.locator("h1").first.inner_text().strip()
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.top', '.foot', '.el-nav', '#diskusi', '.el-confirm']
        .filter(s => document.querySelector(s))
        .map(s => [s, getComputedStyle(document.querySelector(s)).display])""")
    assert hidden and all(display == "none" for _selector, display in hidden), hidden
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).display") != "none"
    screenshot(page, "weight-print")
    pdf = tmp_path / "piece.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())
    assert " ".join(title.split())[:40] in words
    for absent in ("Kirim", "Masuk", "Saya konfirmasi", "Belum ada komentar"):
        assert absent not in words, absent
    page.close()
