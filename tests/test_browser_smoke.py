"""The portal served by gunicorn, opened in headless Chromium at desktop and phone width."""
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


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("live")
    with demo_database(tmp, tmp / "instance") as url:
        env = server_env(url, tmp / "instance")
        with live_server(env) as base:
            yield base


@pytest.mark.parametrize("width", [1280, 360])
def test_login_and_home_at_width(demo_server, width):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(demo_server + "/akun/masuk")
        assert page.locator("h1").inner_text() == "Masuk"
        page.fill("input[name=email]", "tf01.semarang@demo.bp.id")
        page.fill("input[name=password]", "demo-portal-2026")
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        assert "Selamat datang" in page.content()
        # Nothing overflows sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        screenshot(page, f"home-{width}")
