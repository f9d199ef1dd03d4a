"""Instructions per request, counted by valgrind: the same figure on a busy machine as on an idle one.

``bench_cpu.py`` measures CPU time, which on the shared 2-CPU machines swings by half between two runs a minute
apart (other tenants, frequency changes). To compare two commits on such a machine this script counts the
instructions the worker process executes for a page, with callgrind (``valgrind --tool=callgrind``), which
simulates the CPU and does not depend on what else runs:

    python benchmarks/instructions.py --database-url sqlite:////tmp/bench/national.db --requests 60
    python benchmarks/instructions.py --database-url URL --only "piece first render,score sheet"

Each page is run twice in a fresh process under valgrind, both times with the same start (the app built, the
person signed in, ``--warmup`` requests), once with no measured request and once with ``--requests``; the
difference divided by the requests is the page's instructions per request, start-up excluded. The pages, the
people and the URLs are ``bench_cpu.py``'s. The bare Flask app (``bare_flask.py``) is counted the same way, and
each page is also given as its count over bare Flask's (how many bare Flask requests one page costs).

What it counts: every instruction of the Python process (the portal, Flask, SQLAlchemy, the SQLite library for
an SQLite database, the page cache's store). Not counted: the PostgreSQL or Redis server's own work (other
processes), the kernel (system calls, the network), waiting. Hash randomisation is off (``PYTHONHASHSEED=0``) so
that two runs of one commit give the same figure (within 0.1 %); valgrind makes the process about 50 times
slower: each page takes one to two minutes, ``--jobs`` runs that many at once (each uses one CPU).

Needs valgrind (Debian's package ``valgrind``).
"""
from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BARE = "bare Flask hello"
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def child(database_url: str, page: str, warmup: int, requests: int) -> None:
    """Run in the process valgrind watches: the start, then ``requests`` measured requests."""
    sys.path.insert(0, str(ROOT))
    import bench_cpu

    if page == BARE:
        import bare_flask

        call, urls = bench_cpu.make_caller(bare_flask.app, None), ["/_bench/hello"]
    else:
        path, login = bench_cpu.PAGES[page]
        instance = Path(tempfile.mkdtemp(prefix="bp-instructions-"))  # removed by counted()
        app = bench_cpu.build_app(database_url, instance, "filesystem")
        values, recent = bench_cpu.placeholders(app)
        cookie = bench_cpu.sign_in(app, login.format(**values)) if login else None
        call = bench_cpu.make_caller(app, cookie)
        if "{id}" in path:  # a different published piece at each request, never asked for before
            urls = [path.format(id=v) for v in recent]
            if len(urls) < warmup + requests:
                raise SystemExit(f"{len(urls)} published pieces: fewer than {warmup + requests} requests")
        else:
            urls = [path.format(**values)]
    for i in range(warmup):
        status = call(urls[i % len(urls)])
        if status != 200:
            raise SystemExit(f"{page}: HTTP {status} for {urls[i % len(urls)]}")
    # A full collection of everything the start made, then none of it looked at again: a collection of the
    # oldest generation walks the whole heap (millions of instructions), and whether one falls inside the
    # measured requests would depend on how many objects the start happened to make.
    gc.collect()
    gc.freeze()
    for i in range(requests):
        call(urls[(warmup + i) % len(urls)])


def counted(database_url: str, page: str, warmup: int, requests: int) -> int:
    """The instructions of one run of :func:`child` under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONHASHSEED="0", TMPDIR=tmp)  # the child's instance folder goes here too
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/callgrind.out",
                   sys.executable, "-W", "ignore", __file__, "--child", page, "--database-url", database_url,
                   "--warmup", str(warmup), "--requests", str(requests)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    found = _COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{page}: the run under valgrind failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return int(found[-1])


def per_request(database_url: str, page: str, warmup: int, requests: int) -> float:
    start = counted(database_url, page, warmup, 0)
    measured = counted(database_url, page, warmup, requests)
    return (measured - start) / requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="instructions per request, counted by callgrind")
    parser.add_argument("--database-url", required=True, help="a database filled by generate_dataset.py")
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", help="comma-separated page names (bench_cpu.py's)")
    parser.add_argument("--jobs", type=int, default=2, help="runs under valgrind at once")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT.parent))
    from portal import normalise_database_url

    database_url = normalise_database_url(args.database_url)
    if args.child:
        child(database_url, args.child, args.warmup, args.requests)
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    sys.path.insert(0, str(ROOT))
    import bench_cpu

    pages = list(bench_cpu.PAGES)
    if args.only:
        pages = [n.strip() for n in args.only.split(",")]
        unknown = [n for n in pages if n not in bench_cpu.PAGES]
        if unknown:
            raise SystemExit(f"unknown page(s) {unknown}; known: {list(bench_cpu.PAGES)}")
    print(f"{database_url.split(':')[0]}, {args.requests} measured requests per page after {args.warmup}, "
          f"callgrind; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {name: pool.submit(per_request, database_url, name, args.warmup, args.requests)
                   for name in [BARE, *pages]}
        results = {name: future.result() for name, future in futures.items()}
    bare = results.pop(BARE)
    print(f"\nbare Flask hello: {bare / 1e3:,.0f} thousand instructions per request")
    print("| page | instructions per request (millions) | bare Flask requests per page |")
    print("| --- | ---: | ---: |")
    for name, value in results.items():
        print(f"| {name} | {value / 1e6:.2f} | {value / bare:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
