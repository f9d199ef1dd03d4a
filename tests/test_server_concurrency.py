"""Many readers at once: the server, run as the README says, answers every request and loses no worker.

Eight client threads send uncached requests to the e-learning pages together, and the server's log is read for
a worker that died or was restarted. (The reason the README runs sync workers: with gunicorn ``--threads`` on
CPython 3.11.7, workers died of SIGSEGV under concurrent requests to these pages on the national dataset;
benchmarks/README.md shows how to reproduce it. The demo data here is too small to trigger it.)
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser_support import flask_cli, live_server, server_env, throwaway_database

REQUESTS = 480


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("concurrency")
    with throwaway_database(tmp) as url:
        env = server_env(url, tmp / "instance", PAGE_CACHE="none")  # every request renders its page
        flask_cli(env, "db-upgrade")
        flask_cli(env, "load-demo")
        with live_server(env) as base:
            yield base, Path(env["PORTAL_INSTANCE_PATH"]) / "gunicorn.log"


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError as exc:  # a worker that died mid-request closes the connection
        return f"{type(exc).__name__}: {exc}"


def test_concurrent_readers_get_every_page_and_no_worker_dies(busy_server):
    base, log = busy_server
    home = urllib.request.urlopen(base + "/elearning/", timeout=60).read().decode()
    pieces = sorted(set(re.findall(r'href="(/elearning/tulisan/\d+)"', home)))
    assert pieces, "the demo data publishes pieces"
    paths = ["/elearning/", "/elearning/nasional", "/elearning/provinsi", "/elearning/penghargaan",
             "/elearning/cari?q=warga", *pieces]
    urls = [base + paths[i % len(paths)] + ("&" if "?" in paths[i % len(paths)] else "?") + f"n={i}"
            for i in range(REQUESTS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(_get, urls))
    failed = [(u, a) for u, a in zip(urls, answers) if a != 200]
    assert not failed, failed[:5]
    text = log.read_text()
    assert "SIGSEGV" not in text and "was sent" not in text and "Worker exiting" not in text, text[-2000:]
    assert len(re.findall(r"Booting worker", text)) == 2, text[-2000:]  # the two it started with, no restarts
