"""Time single search requests in-process: the whole request, and the SQL it sends, statement by statement.

    python benchmarks/bench_search.py --database-url sqlite:////tmp/bench/national.db
    python benchmarks/bench_search.py --database-url postgresql://postgres@127.0.0.1:5432/bench_national

Each URL is requested once to warm up, then ``--repeat`` times (the fastest request is reported). The SQL of one
request is captured and every SELECT is replayed ``--repeat`` times with all its rows fetched, the fastest kept:
timing ``cursor.execute`` alone is not enough, as SQLite returns from it at the first row. The page cache is off.
The database must hold the search index (migration 0004, or ``flask rebuild-search-index``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app, normalise_database_url  # noqa: E402
from portal.extensions import db  # noqa: E402

DEFAULT_URLS = [
    "/elearning/cari?q=warga",  # in every published piece of the national dataset
    "/elearning/cari?q=sampah+warga",
    "/elearning/cari?q=posyandu",
    "/elearning/cari?q=warga&provinsi=1",
    "/elearning/cari?q=warga&tingkat=national",
    "/elearning/cari?provinsi=1",
    "/elearning/cari?q=warga&halaman=50",
]


def measure(app, url: str, repeat: int) -> tuple[float, float, int, list[tuple[float, str]]]:
    """(fastest request s, SQL s of one request, statements, [(s, statement)] slowest first)."""
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    client = app.test_client()
    client.get(url)
    best = float("inf")
    for _ in range(repeat):
        captured.clear()
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            started = time.perf_counter()
            response = client.get(url)
            best = min(best, time.perf_counter() - started)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    timed = []
    raw = db.engine.raw_connection()
    try:
        for statement, parameters in captured:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            fastest = float("inf")
            for _ in range(repeat):
                cursor = raw.cursor()
                started = time.perf_counter()
                cursor.execute(statement, parameters)
                cursor.fetchall()
                fastest = min(fastest, time.perf_counter() - started)
                cursor.close()
            timed.append((fastest, " ".join(statement.split())))
    finally:
        raw.rollback()
        raw.close()
    return best, sum(t for t, _ in timed), len(captured), sorted(timed, reverse=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--show", type=int, default=0, help="print the N slowest statements of each URL")
    parser.add_argument("urls", nargs="*", default=DEFAULT_URLS)
    options = parser.parse_args(argv)
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(options.database_url),
                      "SECRET_KEY": "bench-search", "PAGE_CACHE": "none"})
    with app.app_context():
        print("| URL | statements | SQL ms | request ms |\n| --- | ---: | ---: | ---: |")
        for url in options.urls:
            request, sql, count, timed = measure(app, url, options.repeat)
            print(f"| `{url}` | {count} | {sql * 1000:.1f} | {request * 1000:.1f} |")
            for seconds, statement in timed[:options.show]:
                print(f"|   | {seconds * 1000:.2f} ms | {statement[:140]} | |")
        db.engine.dispose()


if __name__ == "__main__":
    main()
