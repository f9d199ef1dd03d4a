"""The month field of every report page shows the month the page shows: by default the current month (not a
grey example), the month asked for, and a malformed entry kept beside its error."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal import clock
from portal.models import Role

DECEMBER = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
PAGES = {
    "index": "/laporan/",
    "obligations": "/laporan/kepatuhan",
    "lampiran3": "/laporan/lampiran3/{city}",
    "lampiran2": "/laporan/lampiran2/{kmw}",
    "progress": "/laporan/kemajuan/{kmw}",
}


@pytest.fixture
def dm(make_tree, make_user, login):
    tree = make_tree()
    login(make_user(Role.DATA_MANAGER, None))
    return {"city": tree.city["semarang"].id, "kmw": tree.kmw["A"].id}


@pytest.fixture
def december():
    """A day whose month is not the one the old grey example named (2026-11)."""
    clock.set_shift(clock.shift_to(DECEMBER))


def month_field(html: str) -> str:
    """The visible month input (not the bundle form's hidden one)."""
    inputs = [tag for tag in re.findall(r"<input[^>]*>", html)
              if 'name="periode"' in tag and 'type="hidden"' not in tag]
    assert len(inputs) == 1, inputs
    return inputs[0]


def value_of(tag: str) -> str:
    match = re.search(r'value="([^"]*)"', tag)
    return match.group(1) if match else ""


@pytest.mark.parametrize("page", sorted(PAGES))
def test_month_field_shows_the_current_month_by_default(client, dm, december, page):
    response = client.get(PAGES[page].format(**dm))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Desember 2026" in html
    tag = month_field(html)
    assert value_of(tag) == "2026-12"
    assert "placeholder" not in tag


@pytest.mark.parametrize("page", sorted(PAGES))
def test_month_field_shows_the_month_asked_for(client, dm, december, page):
    html = client.get(PAGES[page].format(**dm) + "?periode=2026-09").get_data(as_text=True)
    assert "September 2026" in html
    assert value_of(month_field(html)) == "2026-09"


@pytest.mark.parametrize("page", ["index", "obligations", "progress"])
@pytest.mark.parametrize("typed", ["2026-13", "Desember", "2026-1x"])
def test_malformed_month_is_kept_beside_its_error(client, dm, december, page, typed):
    response = client.get(PAGES[page].format(**dm), query_string={"periode": typed})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tag = month_field(html)
    assert value_of(tag) == typed
    assert 'aria-invalid="true"' in tag
    assert "Tulis bulan sebagai TTTT-BB" in html
    assert "Desember 2026" in html  # the page falls back to this month and says so in its heading


@pytest.mark.parametrize("page", ["lampiran3", "lampiran2"])
def test_recap_with_malformed_month_answers_400(client, dm, page):
    response = client.get(PAGES[page].format(**dm) + "?periode=2026-13")
    assert response.status_code == 400
    assert "TTTT-BB" in response.get_data(as_text=True)


def test_month_field_kept_with_the_other_filters(client, dm, december):
    """The other filters do not reset the month field."""
    html = client.get("/laporan/?periode=2026-10&tingkat=city").get_data(as_text=True)
    assert value_of(month_field(html)) == "2026-10"
    assert "Oktober 2026" in html
