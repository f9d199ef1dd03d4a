"""WSGI entry point for the load benchmark: the portal as configured, plus (with BENCHMARK_HELLO=1) a
hello-world route on the same app, so the baseline goes through the same server, middleware and headers.

    gunicorn -w 2 --chdir benchmarks wsgi:app
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402

app = create_app()

if os.environ.get("BENCHMARK_HELLO") == "1":
    def _hello():
        return "hello"

    app.add_url_rule("/_bench/hello", "bench_hello", _hello)
