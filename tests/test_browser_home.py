"""Each role's home and the header's menu in Chromium, at phone (360 px) and desktop (1280 px) width, on the demo."""
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
# role: (account, what its home must show, a section its menu lists)
ROLES = {
    "writer": ("tf01.semarang@demo.bp.id", "lagi sampai batas kirim", "Tulisan tim saya"),
    "panel": ("penilai1.jateng@demo.bp.id", "Penilaian", "Lembar nilai saya"),
    "manager": ("data.semarang@demo.bp.id", "di wilayah Anda", "Rekap dan laporan"),
}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("live")
    with demo_database(tmp, tmp / "instance") as url:
        env = server_env(url, tmp / "instance")
        with live_server(env) as base:
            yield base


def _sign_in(page, base, email):
    page.goto(base + "/akun/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("role", sorted(ROLES))
def test_home_and_menu_at_width(demo_server, role, width):
    email, shown, section = ROLES[role]
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800})
        _sign_in(page, demo_server, email)
        assert page.url.rstrip("/") == demo_server
        main = page.locator("main").inner_text()
        assert "Selamat datang" in main and shown in main
        who = page.locator("header details.who")
        assert who.locator(".who-name").is_visible() and who.locator(".who-role").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # nothing overflows sideways
        screenshot(page, f"home-{role}-{width}")
        assert not page.locator("header").get_by_role("link", name=section, exact=True).is_visible()
        who.locator("summary").click()  # a <details> disclosure: no script involved
        menu = who.locator(".who-menu")
        assert menu.is_visible()
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box  # the menu fits the screen
        assert page.locator("header").get_by_role("button", name="Keluar").is_visible()
        screenshot(page, f"home-{role}-{width}-menu")
        page.locator("header").get_by_role("link", name=section, exact=True).click()
        page.wait_for_load_state()
        assert page.url.rstrip("/") != demo_server, "the menu's section opens its page"


def test_menu_works_without_javascript(demo_server):
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
        page = context.new_page()
        _sign_in(page, demo_server, ROLES["manager"][0])
        page.locator("header details.who summary").click()
        reports = page.locator("header").get_by_role("link", name="Rekap dan laporan", exact=True)
        assert reports.is_visible()
        reports.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().startswith("Rekap dan laporan")
        assert page.get_by_role("link", name="← Beranda saya").is_visible()  # and the way back
        context.close()
