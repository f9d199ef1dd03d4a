"""Worker CPU per request, in-process: what each page costs the portal, against a bare Flask app's hello.

    python benchmarks/generate_dataset.py --database-url sqlite:////tmp/bench/national.db --months 6 --end-period 2026-10
    python benchmarks/bench_cpu.py --database-url sqlite:////tmp/bench/national.db [--requests 300] [--profile DIR]
    python benchmarks/bench_cpu.py --database-url postgresql://postgres@127.0.0.1:5432/bench_national --only "writer home"

No server: the app is built as production builds it (``create_app`` with an empty instance folder: CSRF on, the
filesystem page cache, template auto-reload off) on the given database, each signed-in page's user signs in once
through the real login form (CSRF token included) with Flask's test client, and then every request is a direct
WSGI call with the session cookie (what gunicorn does after parsing the request), its body read to the end.
For each page: ``time.process_time()`` over ``--requests`` requests after ``--warmup`` ones, i.e. the CPU the
worker spends (Python, SQLAlchemy, the database driver, and SQLite itself; PostgreSQL's own work runs in the
server's process and is not counted), and the SQL statements per request.

The reference is ``benchmarks/bare_flask.py`` called the same way in the same process, measured before the first
page and after the last ("ratio" is the bare hello's CPU over the page's: the throughput share a CPU-bound
server would reach, what ``load.py`` reports as "vs bare Flask").

"piece first render" asks, anonymously, for a different published piece at each request (the latest ones), so
that neither the page cache in front of Flask nor the per-worker copy of the article has it: each request renders
the page, as the first reader after a change of public content does.

"signed-in view (one word)" is a route this script adds to its own app: a view that returns "ok" to a signed-in
national panel member, i.e. what every signed-in page costs before its view does anything (the request and
application contexts, the session cookie, Flask-Login with the account's statement, the hooks, the COMMIT).

``--profile DIR`` also runs each page under cProfile and writes ``DIR/<page>.pstats`` plus the top functions by
cumulative and by own time to the console (``--top``).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from load import ID_LISTS, PASSWORD, PLACEHOLDERS  # noqa: E402

USER_AGENT = "bp-portal-bench-cpu"

# name: (path, who signs in or None); "{id}" is a different published piece at each request
PAGES = {
    "writer home /": ("/", "penulis1.t{writer_team}@bench.bp.id"),
    "writer pieces /tulisan/": ("/tulisan/", "penulis1.t{writer_team}@bench.bp.id"),
    "score sheet": ("/penilaian/entri/{national_entry}/nilai", "penilai1.kmp@bench.bp.id"),
    "closed panel results": ("/penilaian/panel/{national_panel}/hasil", "penilai1.kmp@bench.bp.id"),
    "piece page (signed-in reader)": ("/elearning/tulisan/{published_piece}", "pembaca1@bench.bp.id"),
    "report Lampiran 2": ("/laporan/lampiran2/{kmw}?periode={last_period}", "data.kmp@bench.bp.id"),
    "piece first render": ("/elearning/tulisan/{id}", None),
    # what any signed-in request costs before its view does anything (a route of this benchmark only)
    "signed-in view (one word)": ("/_bench/signed-in", "penilai1.kmp@bench.bp.id"),
}


def build_app(database_url: str, instance: Path, page_cache: str):
    from flask_login import login_required

    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-cpu-secret",
                      "PAGE_CACHE": page_cache}, instance_path=str(instance))

    @app.route("/_bench/signed-in")
    @login_required
    def _signed_in():  # the floor of a signed-in page: the request machinery, the session and the account
        return "ok"

    return app


def placeholders(app) -> dict[str, str]:
    from sqlalchemy import text

    from portal.extensions import db

    with app.app_context():
        values = {name: db.session.execute(text(sql)).scalar() for name, sql in PLACEHOLDERS.items()}
        recent = [str(v) for v in db.session.execute(text(ID_LISTS["recent_published"])).scalars()]
        db.session.remove()
    return {k: "" if v is None else str(v) for k, v in values.items()}, recent


def sign_in(app, email: str) -> str:
    """The session cookie after signing in through the login form."""
    # The browser of the measured requests: Flask-Login ties the session to it (session protection), and a
    # session used from another browser is marked not fresh, which writes the cookie again at every request.
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/akun/masuk").get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": email, "password": PASSWORD}
    if match:
        data["csrf_token"] = match.group(1)
    response = client.post("/akun/masuk", data=data)
    if response.status_code != 302:
        raise SystemExit(f"sign-in as {email} failed: HTTP {response.status_code}")
    # Follow the redirect as a browser does: that page puts the CSRF token of the session's forms in the cookie.
    # Without it every measured request would make a new token and sign and send the cookie again (a browser
    # keeps the cookie it gets, so only its first page after signing in does that).
    client.get(response.headers["Location"])
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        raise SystemExit(f"sign-in as {email} gave no session cookie")
    return f"{cookie.key}={cookie.value}"


def make_caller(app, cookie: str | None):
    """A function that sends one GET to the WSGI app and returns the status (the body is read and closed)."""
    from werkzeug.test import EnvironBuilder

    cache: dict[str, dict] = {}

    def call(url: str) -> int:
        base = cache.get(url)
        if base is None:
            parts = urlsplit(url)
            headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
            if cookie:
                headers["Cookie"] = cookie
            builder = EnvironBuilder(path=parts.path, query_string=parts.query, headers=headers,
                                     base_url="http://127.0.0.1:8000/",
                                     environ_base={"REMOTE_ADDR": "127.0.0.1"})  # as gunicorn sets it
            base = cache[url] = builder.get_environ()
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(b"")
        status = []
        body = app(environ, lambda s, h, e=None: status.append((s, h)))
        try:
            for _ in body:
                pass
        finally:
            if hasattr(body, "close"):
                body.close()
        call.sets_cookie = any(name.lower() == "set-cookie" for name, _ in status[0][1])
        return int(status[0][0].split()[0])

    return call


def statements_of(app, call, url: str) -> int:
    from sqlalchemy import event

    from portal.extensions import db

    seen = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        call(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def measure(call, urls: list[str], requests: int, warmup: int, rounds: int) -> float:
    """Median over ``rounds`` of the CPU milliseconds per request (process_time)."""
    for i in range(warmup):
        call(urls[i % len(urls)])
    results = []
    offset = warmup
    for _ in range(rounds):
        started = time.process_time()
        for i in range(requests):
            call(urls[(offset + i) % len(urls)])
        results.append((time.process_time() - started) * 1000 / requests)
        offset += requests
    return statistics.median(results)


def profile(call, urls: list[str], requests: int, path: Path, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        call(urls[i % len(urls)])
    profiler.disable()
    profiler.dump_stats(path)
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(str(path), stream=out).strip_dirs().sort_stats(order).print_stats(top)
        text = out.getvalue()
        print(f"--- {path.stem}: top {top} by {order} ({requests} requests)")
        print(text[text.find("   ncalls"):].rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="worker CPU per request, in-process")
    parser.add_argument("--database-url", required=True, help="a database filled by generate_dataset.py")
    parser.add_argument("--requests", type=int, default=300, help="requests per measured round")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per page (the median is reported)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--only", help="comma-separated page names")
    parser.add_argument("--page-cache", default="filesystem", help="PAGE_CACHE (none: off)")
    parser.add_argument("--profile", help="write <page>.pstats here and print the top functions")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)

    from portal import normalise_database_url

    database_url = normalise_database_url(args.database_url)
    pages = PAGES
    if args.only:
        wanted = [n.strip() for n in args.only.split(",")]
        unknown = [n for n in wanted if n not in PAGES]
        if unknown:
            raise SystemExit(f"unknown page(s) {unknown}; known: {list(PAGES)}")
        pages = {n: PAGES[n] for n in wanted}
    load = os.getloadavg()
    print(f"{database_url.split(':')[0]}, page cache {args.page_cache}, {args.rounds} x {args.requests} requests "
          f"per page after {args.warmup}; {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")

    import bare_flask

    bare_call = make_caller(bare_flask.app, None)
    bare = [measure(bare_call, ["/_bench/hello"], args.requests * 3, args.warmup, args.rounds)]
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        app = build_app(database_url, instance, args.page_cache)
        values, recent = placeholders(app)
        rows = []
        for name, (path, login) in pages.items():
            cookie = sign_in(app, login.format(**values)) if login else None
            call = make_caller(app, cookie)
            if "{id}" in path:
                urls = [path.format(id=v) for v in recent]
                # every request a piece not asked for before (a repeat would be a page-cache hit)
                count = min(args.requests, (len(urls) - 1 - args.warmup) // (args.rounds + bool(args.profile)))
                if count < args.requests:
                    print(f"  ({len(urls)} published pieces: {count} requests per round for {name})")
            else:
                urls = [path.format(**values)]
            status = call(urls[0])
            if status != 200:
                print(f"  {name:<32} {urls[0]}: HTTP {status}, not measured")
                continue
            # A browser keeps the cookie it gets: a page that sets it at every request would pay that here only.
            if cookie and call(urls[0]) == 200 and call.sets_cookie:
                print(f"  ({name}: the response sets the session cookie at every request: measured with that cost)")
            statements = statements_of(app, call, urls[-1] if len(urls) > 1 else urls[0])
            count = count if len(urls) > 1 else args.requests
            ms = measure(call, urls[1:] if len(urls) > 1 else urls, count, args.warmup, args.rounds)
            rows.append((name, urls[0] if len(urls) == 1 else path, ms, statements))
            print(f"  {name:<32} {ms:6.2f} ms CPU/request  {statements} statements")
            if args.profile:
                directory = Path(args.profile)
                directory.mkdir(parents=True, exist_ok=True)
                slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
                profile(call, list(reversed(urls)) if len(urls) > 1 else urls, count,
                        directory / f"{slug}.pstats", args.top)
    bare.append(measure(bare_call, ["/_bench/hello"], args.requests * 3, args.warmup, args.rounds))
    floor = statistics.mean(bare)
    print(f"\nbare Flask hello: {bare[0] * 1000:.0f} and {bare[1] * 1000:.0f} microseconds CPU/request (before, after)")
    print("| page | path | CPU ms/request | statements | bare Flask / page |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, path, ms, statements in rows:
        print(f"| {name} | `{path}` | {ms:.2f} | {statements} | {floor / ms:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
