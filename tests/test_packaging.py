"""The package installs: a built wheel holds everything the portal reads, and the portal finds it there.

The wheel is built once per module from a copy of the checkout (so that no ``build/`` folder in the checkout can add
stale files). Nothing is installed: the last test puts the unpacked wheel on ``sys.path`` in a subprocess started in
another directory, which is all a pure-Python wheel's installation does. ``.ci/wheel_check.sh`` goes further (a fresh
virtual environment, gunicorn, real HTTP).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import portal

ROOT = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "instance", "test-artifacts", "__pycache__",
                                 "*.pyc", ".pytest_cache", ".hypothesis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, work / "src", ignore=IGNORED)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-qq", "--no-deps", "-w", str(work / "dist"),
                    str(work / "src")], check=True, capture_output=True, text=True, timeout=600)
    (built,) = (work / "dist").glob("bp_portal-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _checkout_files(folder: str, pattern: str = "*") -> list[Path]:
    return [path for path in (ROOT / folder).rglob(pattern)
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"]


def test_the_wheel_has_the_pages_and_the_stylesheets(names):
    assert "portal/templates/base.html" in names
    assert "portal/templates/auth/login.html" in names
    assert "portal/static/css/portal.css" in names
    assert any(name.startswith("portal/static/css/") and name.endswith(".css") for name in names)


@pytest.mark.parametrize("folder", ["templates", "static"])
def test_every_template_and_static_file_is_in_the_wheel_inside_the_package(names, folder):
    expected = {f"portal/{folder}/{path.relative_to(ROOT / folder).as_posix()}" for path in _checkout_files(folder)}
    assert expected, folder
    assert expected - names == set()
    assert not any(name.startswith(f"{folder}/") for name in names), "shipped outside the package"


def test_every_module_of_every_package_is_in_the_wheel(names):
    """The packages are listed by hand in pyproject.toml: a new feature package must not be left out."""
    expected = {path.relative_to(ROOT).as_posix() for top in ("portal", "scoring") for path in _checkout_files(top)
                if path.suffix == ".py" and (path.parent / "__init__.py").is_file()}
    assert "portal/auth/routes.py" in expected and "scoring/ranking.py" in expected
    assert expected - names == set()


def test_the_migrations_are_in_the_wheel(names):
    versions = _checkout_files("portal/migrations/versions", "*.py")
    assert versions
    for path in versions:
        assert f"portal/migrations/versions/{path.name}" in names
    assert {"portal/migrations/env.py", "portal/migrations/script.py.mako"} <= names


def test_the_compiled_translations_and_the_data_files_are_in_the_wheel(names):
    catalogues = _checkout_files("portal/translations", "*.po")
    assert catalogues
    for catalogue in catalogues:
        assert catalogue.with_suffix(".mo").relative_to(ROOT).as_posix() in names
    for data in _checkout_files("portal/data"):
        assert data.relative_to(ROOT).as_posix() in names


def test_the_wheel_holds_only_the_two_packages_and_its_metadata(names, wheel):
    tops = {name.split("/", 1)[0] for name in names}
    metadata = tops - {"portal", "scoring"}
    assert len(metadata) == 1 and metadata.pop().endswith(".dist-info"), tops
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert "bp-portal = portal.cli:main" in archive.read(entry_points).decode()


def test_a_source_checkout_uses_its_top_level_folders():
    assert portal.INSTALLED is False
    assert portal.TEMPLATES == ROOT / "templates" and portal.STATIC == ROOT / "static"
    assert portal.default_instance_path() == str(ROOT / "instance")


def test_the_unpacked_wheel_serves_its_pages_from_another_directory(wheel, tmp_path):
    """The wheel's own copies are used: the page, the stylesheet and the English catalogue all come from it."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = """
import json, sys
import portal
app = portal.create_app({"AUTO_MIGRATE": True})
client = app.test_client()
login = client.get("/akun/masuk")
sheet = client.get("/static/css/portal.css")
english = client.get("/akun/bahasa/en?next=/akun/masuk", follow_redirects=True)
print(json.dumps({"file": portal.__file__, "installed": portal.INSTALLED, "templates": app.template_folder,
                  "static": app.static_folder, "instance": app.instance_path, "login": login.status_code,
                  "heading": "<h1>Masuk</h1>" in login.get_data(as_text=True), "sheet": sheet.status_code,
                  "sheet_type": sheet.content_type, "sheet_bytes": len(sheet.data),
                  "english": "<h1>Sign in</h1>" in english.get_data(as_text=True)}))
"""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR", "PAGE_CACHE", "RATELIMIT_STORAGE_URI")}
    env.update(PYTHONPATH=str(site), PORTAL_INSTANCE_PATH=str(tmp_path / "instance"))
    done = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["file"] == str(site / "portal" / "__init__.py")
    assert seen["installed"] is True
    assert seen["templates"] == str(site / "portal" / "templates")
    assert seen["static"] == str(site / "portal" / "static")
    assert seen["instance"] == str(tmp_path / "instance")
    assert (seen["login"], seen["heading"]) == (200, True)
    assert (seen["sheet"], seen["sheet_bytes"] > 0) == (200, True) and seen["sheet_type"].startswith("text/css")
    assert seen["english"] is True
