"""Monthly bundles: procedure names, Windows-safe unique names, photos (and missing ones), background jobs."""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import UTC, datetime

import pytest
from builders_reports import add_entry, make_panel, utc
from hypothesis import given, settings
from hypothesis import strategies as st

from portal import jobs as portal_jobs
from portal.extensions import db
from portal.models import Job, JobState, Role, Tier
from portal.photos import photo_path
from portal.reports import jobs
from portal.reports.bundles import BundleSpec, build_bundle, bundle_name, safe_name, unique_name
from tests.builders_jobs import consumer_thread, wait_for_state

PERIOD = "2026-11"
RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
NASTY_TITLES = [
    "CON",
    "nul.txt",
    "Aux.",
    "COM1 ",
    "lpt9.pdf",
    'a/b\\c:d*e?f"g<h>i|j',
    "...",
    "   ",
    "",
    "tab\there\nnewline\x00nul\x1f",
    "Judul. ",
    "é" * 300,
    "😀 Senyum warga",
    "Ünïcödé Ñ",
    "Sama",
    "sama",
    "SAMA",
]


def assert_windows_safe(name: str) -> None:
    for part in name.split("/"):
        assert part, name
        assert not any(c in '<>:"\\|?*' or ord(c) < 32 or ord(c) == 127 for c in part), name
        assert not part.endswith((".", " ")), name
        assert part.split(".")[0].strip().upper() not in RESERVED, name
        assert len(part) <= 130, name


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_safe_name_property(text):
    name = safe_name(text)
    assert_windows_safe(name)
    assert len(name) <= 60


@pytest.mark.parametrize("title", NASTY_TITLES)
def test_safe_name_nasty_titles(title):
    assert_windows_safe(safe_name(title))
    assert_windows_safe(safe_name(title) + ".pdf")


def test_unique_names_ignore_case():
    used: set[str] = set()
    names = [unique_name(safe_name(t) + ".html", used) for t in ("Sama", "sama", "SAMA", "Sama")]
    assert len({n.casefold() for n in names}) == 4
    assert names[1] == "sama (2).html"


def test_bundle_names_follow_the_procedure(make_tree):
    tree = make_tree()
    assert (
        bundle_name(BundleSpec("city", tree.city["semarang"].id, PERIOD))
        == "best practice_korkot (Kota Semarang)_(November 2026).zip"
    )
    assert (
        bundle_name(BundleSpec("kmw", tree.kmw["A"].id, PERIOD))
        == "best practice_KMW (Jawa Tengah)_(November 2026).zip"
    )
    assert (
        bundle_name(BundleSpec("kmw", tree.kmw["B"].id, PERIOD))
        == "best practice_KMW (KMW B)_(November 2026).zip"
    )
    assert bundle_name(BundleSpec("national", None, PERIOD)) == "best practice_KMP_(November 2026).zip"


@pytest.fixture
def city_bundle(make_tree, make_piece):
    """Semarang: five pieces with nasty (and duplicate) titles, all sent up; one photo missing on disk."""
    tree = make_tree()
    panel = make_panel(Tier.CITY, PERIOD, city=tree.city["semarang"], closed_at=utc(2026, 11, 19))
    titles = ["CON", "Sama", "SAMA", 'Bank "sampah": RW 05 / 06?', "é" * 200]
    pieces = []
    for i, title in enumerate(titles, 1):
        piece = make_piece(tree.team[f"semarang-TF{i:02d}"], title=title, photos=2)
        add_entry(panel, piece, selected=True)
        pieces.append(piece)
    make_piece(tree.team["semarang-TF06"], title="Tidak terpilih")  # not sent: not in the "sent" bundle
    for piece in pieces:
        for photo in piece.photos:
            path = photo_path(photo.storage_key, "original")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    photo_path(pieces[0].photos[1].storage_key, "original").unlink()
    return tree, pieces


def test_city_bundle_contents(city_bundle, tmp_path):
    tree, pieces = city_bundle
    target = tmp_path / "b.zip"
    seen = []
    count = build_bundle(
        BundleSpec("city", tree.city["semarang"].id, PERIOD),
        target,
        lambda done, total: seen.append((done, total)),
    )
    assert count == 5 and seen[0] == (0, 5) and seen[-1] == (5, 5)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        for name in names:
            assert_windows_safe(name)
        assert len({n.casefold() for n in names}) == len(names)
        assert "Lampiran 3_Kota Semarang_November 2026.xlsx" in names
        assert sum(n.endswith(".html") for n in names) == 5 and sum(n.endswith(".pdf") for n in names) == 5
        assert sum(n.endswith(".jpg") for n in names) == 9  # ten photos, one missing on disk
        assert not any("Tidak terpilih" in n for n in names)
        note = archive.read("CATATAN.txt").decode()
        assert "Foto 2" in note and "CON" in note
        html = next(archive.read(n).decode() for n in names if n.endswith(".html") and "Bank" in n)
        assert "Bank &#34;sampah&#34;: RW 05 / 06?" in html or "Bank &quot;sampah&quot;: RW 05 / 06?" in html
        pdf = next(archive.read(n) for n in names if n.endswith(".pdf"))
        assert pdf.startswith(b"%PDF")


def test_all_pieces_bundle_and_empty_bundle(city_bundle, tmp_path):
    tree, _ = city_bundle
    assert build_bundle(BundleSpec("city", tree.city["semarang"].id, PERIOD, "all"), tmp_path / "a.zip") == 6
    assert build_bundle(BundleSpec("national", None, "2026-01"), tmp_path / "n.zip") == 0
    with zipfile.ZipFile(tmp_path / "n.zip") as archive:
        assert archive.namelist() == ["Rekap kepatuhan_Nasional_Januari 2026.xlsx", "CATATAN.txt"]


@pytest.fixture
def consumer(app):
    """A real consumer of the test app's task queue (huey's, in threads of this process) while the test runs."""
    with consumer_thread(app, workers=2) as running:
        yield running


def _wait(app, job_id):
    wait_for_state(job_id, "done", "failed", timeout=120)


def test_background_job_completes_and_only_the_requester_downloads(
    city_bundle, app, consumer, client, login, make_user
):
    tree, _ = city_bundle
    owner = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    other = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    login(owner)
    response = client.post(
        "/laporan/paket",
        data={"cakupan": "city", "simpul": tree.city["semarang"].id, "periode": PERIOD, "isi": "sent"},
    )
    assert response.status_code == 302
    status_url = response.headers["Location"]
    job_id = status_url.rstrip("/").rsplit("/", 1)[1]
    _wait(app, job_id)
    page = client.get(status_url).get_data(as_text=True)
    assert "best practice_korkot (Kota Semarang)_(November 2026).zip" in page
    assert 'http-equiv="refresh"' not in page
    download = client.get(f"{status_url}/unduh")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert (
        "best practice_korkot (Kota Semarang)_(November 2026).zip" in download.headers["Content-Disposition"]
    )
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".html")]) == 5
    download.close()
    client.post("/akun/keluar")
    login(other)
    assert client.get(status_url).status_code == 404
    assert client.get(f"{status_url}/unduh").status_code == 404
    assert client.get("/laporan/paket/not-a-job").status_code == 404
    assert client.get("/laporan/paket/" + "x" * 32).status_code == 404


def test_status_page_shows_progress_and_refreshes(app, client, login, make_user, make_tree):
    make_tree()
    user = make_user(Role.DATA_MANAGER, None)
    login(user)
    job_id = "j" * 32
    now = datetime.now(UTC)
    job = Job(key=job_id, kind=jobs.KIND, parameters_json="{}", user_id=user.id, state=JobState.RUNNING,
              attempt=1, progress_done=2, progress_total=7, heartbeat_at=now,
              result_name="best practice_KMP_(November 2026).zip", failure_detail="", created_at=now,
              updated_at=now)
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/laporan/paket/{job_id}").get_data(as_text=True)
    assert "2 dari 7" in page and 'http-equiv="refresh"' in page and 'value="2"' in page
    assert client.get(f"/laporan/paket/{job_id}/unduh").status_code == 404  # not ready yet
    job.state = JobState.FAILED
    db.session.commit()
    assert "gagal" in client.get(f"/laporan/paket/{job_id}").get_data(as_text=True)


def test_a_finished_bundle_says_until_when_its_file_is_kept(app, client, login, make_user, make_tree):
    """The page states the configured keeping time (EXPORT_MAX_AGE_SECONDS) as a moment, not a fixed "24 hours"."""
    make_tree()
    app.config["EXPORT_MAX_AGE_SECONDS"] = 6 * 3600
    user = make_user(Role.DATA_MANAGER, None)
    login(user)
    finished = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09.00 WIB
    db.session.add(Job(key="k" * 32, kind=jobs.KIND, parameters_json="{}", user_id=user.id, state=JobState.DONE,
                       attempt=1, progress_done=3, progress_total=3, result_name="paket.zip", failure_detail="",
                       created_at=finished, updated_at=finished, finished_at=finished))
    db.session.commit()
    page = client.get(f"/laporan/paket/{'k' * 32}").get_data(as_text=True)
    assert "Berkas disimpan sampai 23 November 2026 15.00" in page, page
    assert "24 jam" not in page


def test_old_exports_are_cleaned_when_a_job_starts(app, consumer, make_tree, make_user):
    folder = portal_jobs.export_dir(app)
    old, fresh = folder / "old.zip", folder / "fresh.zip"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    make_tree()
    user = make_user(Role.DATA_MANAGER, None)
    with app.test_request_context():
        job_id = jobs.start_bundle_job(user.id, BundleSpec("national", None, PERIOD))
    _wait(app, job_id)
    assert not old.exists() and fresh.exists()
    assert jobs.read_status(job_id).state == "done"


def test_the_rendered_bundle_form_submits(city_bundle, app, consumer, client, login, make_user):
    """The form on the Lampiran 3 page, posted as a browser would (CSRF on), starts the job."""
    import re

    tree, _ = city_bundle
    login(make_user(Role.DATA_MANAGER, tree.city["semarang"]))
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/laporan/lampiran3/{tree.city['semarang'].id}?periode={PERIOD}").get_data(
        as_text=True
    )
    form = re.search(r'<form method="post" action="/laporan/paket".*?</form>', page, re.S).group(0)
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    data["isi"] = "sent"
    response = client.post("/laporan/paket", data=data)
    assert response.status_code == 302 and "/laporan/paket/" in response.headers["Location"]
    _wait(app, response.headers["Location"].rsplit("/", 1)[1])
