"""The rewards pages in Chromium against gunicorn with the demo data, at 360 px and 1280 px: the public
verification of a certificate (genuine, corrected, changed number) and the nomination round where the provincial
data manager confirms the delegates by ticking boxes. Screenshots go to ``test-artifacts/`` (``rewards-*.png``)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.browser_support import (
    ROOT,
    chromium,
    demo_database,
    live_server,
    require_browser,
    screenshot,
    server_env,
)

pytestmark = pytest.mark.browser

PASSWORD = "demo-portal-2026"
VIEWPORTS = {"360": {"width": 360, "height": 780}, "1280": {"width": 1280, "height": 900}}

# Run in the server's environment: an award on a demo national winner, corrected once; a round opened.
SEED = """
import json
from datetime import date
from sqlalchemy import select
from portal import create_app
from portal.extensions import db
from portal.models.people import User
from portal.models.pieces import BestPractice, Piece
from portal.elearning import operations as el_ops
from portal.rewards import certificates, operations

app = create_app()
with app.app_context():
    kmp = db.session.scalar(select(User).where(User.email == "data.kmp@demo.bp.id"))
    piece = db.session.scalars(select(Piece).where(Piece.best_practice == BestPractice.NATIONAL,
                                                   Piece.published_at.is_not(None)).order_by(Piece.id)).first()
    award = el_ops.record_award(piece, kmp, "Undangan lokakarya penulisan nasional", "Peringkat 1 nasional")
    old = certificates.award_number(award)
    operations.correct_award(award, kmp, title=award.title, description=award.description,
                             recipient_name="Siti Rahayu Ningsih, S.Sos.", reason="Nama penulis dilengkapi")
    nomination_round = operations.open_round(kmp, year=2026, semester=2, quota=2,
                                             workshop_name="Lokakarya Penulisan Best Practice Tingkat Pusat",
                                             workshop_date=date(2027, 1, 20), workshop_place="Jakarta")
    print(json.dumps({"old": old, "new": certificates.award_number(award), "round": nomination_round.id}))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("rewards")
    with demo_database(tmp, tmp / "instance") as url:
        env = server_env(url, tmp / "instance")
        seeded = subprocess.run([sys.executable, "-c", SEED], env=env, cwd=ROOT, capture_output=True, text=True,
                                timeout=120, check=True)
        facts = json.loads(seeded.stdout.strip().splitlines()[-1])
        with live_server(env) as base, chromium() as browser:
            yield {"base": base, "browser": browser, **facts}


def _page(demo, viewport: str, email: str | None = None):
    context = demo["browser"].new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    if email:
        page.goto(demo["base"] + "/akun/masuk")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit].primary")
    return page


def _fits(page, viewport: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"] + 1


@pytest.mark.parametrize("viewport", ["360", "1280"])
def test_the_verification_page(demo, viewport):
    page = _page(demo, viewport)
    page.goto(f"{demo['base']}/sertifikat/{demo['new']}")
    assert "Piagam asli dan berlaku." in page.inner_text("main")
    assert "Siti Rahayu Ningsih, S.Sos." in page.inner_text("main")
    _fits(page, viewport)
    screenshot(page, f"rewards-verify-valid-{viewport}")
    page.goto(f"{demo['base']}/sertifikat/{demo['old']}")
    text = page.inner_text("main")
    assert "Piagam asli, tetapi sudah dikoreksi." in text and demo["new"] in text
    _fits(page, viewport)
    screenshot(page, f"rewards-verify-corrected-{viewport}")
    # typing a number with one character changed
    changed = demo["new"][:-1] + ("A" if demo["new"][-1] != "A" else "B")
    page.fill("#nomor", changed)
    with page.expect_navigation():
        page.get_by_role("button", name="Periksa").click()
    assert "piagam ini tidak asli" in page.inner_text("main")
    _fits(page, viewport)
    screenshot(page, f"rewards-verify-unknown-{viewport}")
    assert not page.errors
    page.context.close()


@pytest.mark.parametrize("viewport", ["360", "1280"])
def test_the_provincial_data_manager_confirms_in_the_browser(demo, viewport):
    page = _page(demo, viewport, "data.jateng@demo.bp.id")
    page.goto(f"{demo['base']}/nominasi/{demo['round']}")
    section = page.locator("section.province").first
    boxes = section.locator("input[type=checkbox]")
    assert boxes.count() >= 1
    _fits(page, viewport)
    # the writers' table fits its box: no sideways scrolling to see the mean NA on a phone
    assert page.evaluate("(() => { const t = document.querySelector('table.candidates');"
                         " return t.scrollWidth <= t.parentElement.clientWidth + 1; })()")
    screenshot(page, f"rewards-round-{viewport}")
    # tick every candidate: more than the quota when there are more, else submit the proposal as it is
    if boxes.count() > 2:
        for i in range(boxes.count()):
            boxes.nth(i).check()
        with page.expect_navigation():
            section.get_by_role("button", name="Konfirmasi utusan").click()
        assert "Kurangi pilihan Anda" in page.inner_text("main")
        section = page.locator("section.province").first
        section.locator("input[type=checkbox]").nth(2).uncheck()
    with page.expect_navigation():
        section.get_by_role("button", name="Konfirmasi utusan").click()
    text = page.inner_text("main")
    assert "dikonfirmasi" in text
    _fits(page, viewport)
    screenshot(page, f"rewards-round-confirmed-{viewport}")
    assert not page.errors
    page.context.close()
