"""Load benchmark: gunicorn (2 workers) on a generated national dataset, measured with wrk.

    python benchmarks/generate_dataset.py --database-url sqlite:////tmp/bench/national.db --months 24
    python benchmarks/load.py --database-url sqlite:////tmp/bench/national.db [--duration 10] [--connections 16]
    python benchmarks/load.py --database-url postgresql://postgres@127.0.0.1:5432/bench_national

The server is started as the README's Production section says (sync workers, no threads).

For each URL: throughput (requests/s), p50, p95 and p99 latency, the ratio to a hello-world route served by the
same app and server (``benchmarks/wsgi.py`` adds it with BENCHMARK_HELLO=1), and the ratio to a bare Flask app
that returns "hello" (``benchmarks/bare_flask.py``), run in its own gunicorn with the same settings in the same
run and measured first and last (the ratio is to the mean of the two, which shows how much the machine drifted). Signed-in pages sign in once
through the real login form and pass the session cookie to wrk. Targets: public pages >= 30 % of the
hello-world throughput; p95 < 100 ms at 16 connections; public pages served from the page cache (the rows that
ask for one URL again and again) at least as fast as bare Flask (they are answered in front of Flask,
``portal/wsgi_cache.py``); the rows the speed issue names at least their ``target_share`` of bare Flask (writer
home and score sheet 0.10, a closed panel's results 0.15, a piece rendered for the first time 0.25). ``--accept-encoding gzip`` sends that header with every request, as browsers do
(then the cached pages go out gzip-compressed). The URL list can come from a JSON file (``--urls``):
``[{"name": ..., "path": "/elearning/tulisan/{published_piece}", "login": null or an email, "public": true}]``
(optionally ``"target_share": 0.1``);
``{placeholders}`` are filled from the database (see ``PLACEHOLDERS``). A URL that does not answer 200 is
reported and skipped, never measured. Without ``wrk`` a small asyncio client measures instead.

The server runs with its default page cache (``portal/page_cache.py``; a fresh ``instance/page_cache`` per run).
Rows with ``"ids"`` pick a random URL of a list for every request: the first request for each URL is a miss and
the later ones hits, a mix that leans to hits as the run goes on (the sooner on a faster machine). The row with
``"once"`` asks for each URL of its list once (each wrk thread its share, then it stops), so every request is a
first rendering; its throughput is counted from its first request to its last answer. The signed-in rows are
never cached. ``--page-cache none`` turns the cache off to measure every page rendered.
"""
from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-portal-2026"  # generate_dataset.PASSWORD
USER_AGENT = "bp-portal-load-benchmark"

DEFAULT_URLS = [
    {"name": "hello world", "path": "/_bench/hello", "login": None, "public": False, "baseline": True},
    {"name": "e-learning home", "path": "/elearning/", "login": None, "public": True},
    {"name": "public list (national)", "path": "/elearning/nasional", "login": None, "public": True},
    {"name": "public list (province)", "path": "/elearning/provinsi/{province}", "login": None, "public": True},
    {"name": "piece page", "path": "/elearning/tulisan/{published_piece}", "login": None, "public": True},
    {"name": "search", "path": "/elearning/cari?q=warga", "login": None, "public": True},
    # The rows above ask for one URL again and again, so after the first request the page cache answers.
    # These rows do not: every request asks for a piece no request asked for before, or picks one of the 2,000
    # latest pieces or one of the words of the piece titles (77 on the national dataset) at random, or comes from
    # a signed-in reader, who is never served from the cache.
    # First rendering: every request asks for a published piece no request of the run has asked for (each once,
    # until the list runs out), so each is a true first rendering: page, article and storing in the page cache. It
    # comes before every row that shows a piece page.
    {"name": "piece page (first rendering)", "path": "/elearning/tulisan/{id}", "login": None, "public": True,
     "ids": "published_once", "once": True, "target_share": 0.25},
    # Random pieces: the first request for each is a miss, the later ones are hits, so the share of misses falls
    # as the run goes on (faster on a faster machine): a mix, no target.
    {"name": "piece page (random of 2000)", "path": "/elearning/tulisan/{id}", "login": None, "public": True,
     "ids": "recent_published"},
    {"name": "search (random words)", "path": "/elearning/cari?q={id}", "login": None, "public": True,
     "ids": "search_words"},
    {"name": "piece page (signed-in reader)", "path": "/elearning/tulisan/{published_piece}",
     "login": "pembaca1@bench.bp.id", "public": False},
    {"name": "writer home", "path": "/tulisan/", "login": "penulis1.t{writer_team}@bench.bp.id", "public": False,
     "target_share": 0.10},
    {"name": "score sheet", "path": "/penilaian/entri/{national_entry}/nilai", "login": "penilai1.kmp@bench.bp.id",
     "public": False, "target_share": 0.10},
    {"name": "panel results", "path": "/penilaian/panel/{national_panel}/hasil", "login": "penilai1.kmp@bench.bp.id",
     "public": False, "target_share": 0.15},
    {"name": "report Lampiran 2", "path": "/laporan/lampiran2/{kmw}?periode={last_period}",
     "login": "data.kmp@bench.bp.id", "public": False},
]

PLACEHOLDERS = {
    "province": "SELECT id FROM province ORDER BY id LIMIT 1",
    "kmw": "SELECT id FROM kmw ORDER BY id LIMIT 1",
    "published_piece": "SELECT id FROM piece WHERE best_practice = 'national' ORDER BY published_at DESC, id LIMIT 1",
    "national_panel": "SELECT id FROM panel WHERE tier = 'national' ORDER BY period DESC LIMIT 1",
    "national_entry": "SELECT e.id FROM entry e JOIN panel p ON p.id = e.panel_id WHERE p.tier = 'national' "
                      "AND e.status = 'eligible' ORDER BY p.period DESC, e.id LIMIT 1",
    "writer_team": "SELECT t.id FROM team t WHERE t.kind = 'tf' ORDER BY t.id LIMIT 1",
    "last_period": "SELECT MAX(period) FROM panel",
}

# For rows with "ids": the values each request picks from at random.
ID_LISTS = {
    "recent_published": "SELECT id FROM piece WHERE published_at IS NOT NULL ORDER BY published_at DESC, id DESC "
                        "LIMIT 2000",
    # Every published piece but the one the fixed piece rows show; the first is asked for before the measurement
    # (status and warm-up), the others once each.
    "published_once": "SELECT id FROM piece WHERE published_at IS NOT NULL AND id <> ("
                      + "SELECT id FROM piece WHERE best_practice = 'national' ORDER BY published_at DESC, id LIMIT 1"
                      + ") ORDER BY id",
    "search_words": None,  # built in Python: words of piece titles
}

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"non_2xx_3xx": %d, "socket_errors": %d}\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def id_list(database_url: str, name: str) -> list[str]:
    from sqlalchemy import create_engine, text

    from portal import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        if name == "search_words":
            titles = conn.execute(text("SELECT title FROM piece WHERE published_at IS NOT NULL LIMIT 3000")).scalars()
            words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t or "")})
            values = [urllib.parse.quote(w) for w in words][:2000]
        else:
            values = [str(v) for v in conn.execute(text(ID_LISTS[name])).scalars()]
    engine.dispose()
    if not values:
        raise SystemExit(f"no values for {name}: is the dataset generated?")
    return values


# For a row whose paths are each asked for once: thread i of n asks for paths i, i+n, i+2n... and stops when its
# share runs out; the throughput is the responses counted over the time from the first request to the last
# response (wrk's own duration is the whole -d, however early the threads stopped). LuaJIT's ffi reads the clock.
WRK_ONCE_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_ts; int clock_gettime(int, bench_ts *); ]]
local ts = ffi.new("bench_ts")
local function now_us() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3 end
threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
issued, answered, first_us, last_us = 0, 0, 0, 0
request = function()
  local i = tid + issued * %(threads)d
  if i > #paths then
    wrk.thread:stop()
    return wrk.format(nil, paths[1])
  end
  if issued == 0 then first_us = now_us() end
  issued = issued + 1
  return wrk.format(nil, paths[i])
end
response = function(status, headers, body)
  if answered < issued then answered = answered + 1; last_us = now_us() end
end
done = function(summary, latency, requests)
  local n, first, last = 0, nil, 0
  for _, t in ipairs(threads) do
    n = n + t:get("answered")
    local f = t:get("first_us")
    if f > 0 and (first == nil or f < first) then first = f end
    if t:get("last_us") > last then last = t:get("last_us") end
  end
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, '
    .. '"non_2xx_3xx": %%d, "socket_errors": %%d}\n', n, last - (first or last), latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def wrk_script_for(paths: list[str] | None, once: bool = False, threads: int = 2) -> str:
    """The reporting script, plus a request() that picks a random path when there are several, or (once) asks for
    each path once."""
    if not paths:
        return WRK_SCRIPT
    listed = ",".join(json.dumps(p) for p in paths)
    if once:
        return f"paths = {{{listed}}}\n" + WRK_ONCE_SCRIPT % {"threads": threads}
    return WRK_SCRIPT + (f"paths = {{{listed}}}\n"
                         "math.randomseed(os.time())\n"
                         "request = function() return wrk.format(nil, paths[math.random(#paths)]) end\n")


def fill_placeholders(database_url: str) -> dict[str, str]:
    from sqlalchemy import create_engine, text

    from portal import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    values = {}
    with engine.connect() as conn:
        for name, sql in PLACEHOLDERS.items():
            value = conn.execute(text(sql)).scalar()
            values[name] = "" if value is None else str(value)
    engine.dispose()
    return values


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, workers: int, threads: int, instance: Path,
                 page_cache: str = "filesystem", module: str = "wsgi:app") -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, PORTAL_INSTANCE_PATH=str(instance), BENCHMARK_HELLO="1",
               SECRET_KEY="load-benchmark-secret", PAGE_CACHE=page_cache)
    log = instance / f"gunicorn-{module.split(':')[0]}.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
         "--chdir", str(ROOT / "benchmarks"), "--log-level", "warning", module],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(log, "w"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/_bench/hello", timeout=5).read()
            return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("gunicorn did not start:\n" + log.read_text()) from None
            time.sleep(0.3)


def sign_in(base: str, email: str) -> str:
    """Sign in through the real form (CSRF token included); returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/akun/masuk", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
    try:
        opener.open(base + "/akun/masuk", data=body, timeout=30)
    except urllib.error.HTTPError as exc:
        if exc.code != 302:
            raise SystemExit(f"sign-in as {email} failed: HTTP {exc.code}") from None
        # The page the browser is sent to after signing in: it puts the CSRF token of the session's forms in the
        # cookie. wrk sends one fixed cookie; without the token in it, every measured request would make a new
        # token and sign and send the cookie again, which no browser (it keeps the cookie it gets) makes it do.
        opener.open(urllib.parse.urljoin(base + "/akun/masuk", exc.headers["Location"]), timeout=30).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise SystemExit(f"sign-in as {email} gave no session cookie")
    return cookies


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_of(url: str, cookie: str | None, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {}),
                                                   **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.build_opener(_NoRedirect()).open(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (TimeoutError, OSError):
        return 0  # no answer within the timeout


def run_wrk(url: str, cookie: str | None, duration: int, connections: int, threads: int, script: Path,
            headers: dict | None = None) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script),
           "-H", f"User-Agent: {USER_AGENT}"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=duration + 60).stdout
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    seconds = result["duration_us"] / 1e6
    return {"rps": result["requests"] / seconds, "p50_ms": result["p50_us"] / 1000, "p95_ms": result["p95_us"] / 1000,
            "p99_ms": result["p99_us"] / 1000, "requests": result["requests"],
            "errors": result["non_2xx_3xx"] + result["socket_errors"]}


async def _client(host: str, port: int, paths: list[str], cookie: str | None, stop: float, latencies: list,
                  errors: list, headers: dict | None = None, queue: list | None = None,
                  finished: list | None = None):
    reader, writer = await asyncio.open_connection(host, port)
    extra = (f"Cookie: {cookie}\r\n" if cookie else "") + "".join(f"{n}: {v}\r\n" for n, v in (headers or {}).items())
    try:
        while time.perf_counter() < stop:
            if queue is not None:  # each path once
                if not queue:
                    break
                path = queue.pop()
            else:
                path = random.choice(paths)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: {USER_AGENT}\r\n{extra}\r\n"
                         .encode())
            status_line = await reader.readline()
            length, chunked, close = 0, False, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                length = int(value) if name == "content-length" else length
                chunked = chunked or (name == "transfer-encoding" and "chunked" in value)
                close = close or (name == "connection" and value == "close")
            if chunked:
                while (size := int((await reader.readline()).strip() or b"0", 16)):
                    await reader.readexactly(size + 2)
                await reader.readline()
            else:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if finished is not None:
                finished.append(time.perf_counter())
            if not status_line.split()[1].startswith((b"2", b"3")):
                errors.append(status_line)
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


def run_python_client(base: str, paths: list[str], cookie: str | None, duration: int, connections: int,
                      headers: dict | None = None, once: bool = False) -> dict:
    """The fallback when wrk is not installed: keep-alive connections from asyncio (slower than wrk); each
    request asks for one of ``paths`` at random, or (once) for each path once until they run out."""
    parts = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    errors: list = []
    finished: list[float] = []
    queue = list(reversed(paths)) if once else None

    async def main():
        stop = time.perf_counter() + duration
        await asyncio.gather(*[_client(parts.hostname, parts.port, paths, cookie, stop, latencies, errors, headers,
                                       queue, finished) for _ in range(connections)])

    started = time.perf_counter()
    asyncio.run(main())
    elapsed = (max(finished) if finished else time.perf_counter()) - started
    latencies.sort()
    pick = (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000) if latencies else (lambda q: 0)
    return {"rps": len(latencies) / elapsed, "p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "requests": len(latencies), "errors": len(errors)}


WRK_THREADS = 2
BARE = {"name": "bare Flask", "path": "/_bench/hello", "login": None, "public": False, "bare": True}


def is_cached(row: dict) -> bool:
    """A public row that asks for one URL again and again: after the first request the page cache answers."""
    return bool(row.get("public")) and not row.get("ids")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="load benchmark of the portal's pages")
    parser.add_argument("--database-url", required=True, help="a database filled by generate_dataset.py")
    parser.add_argument("--urls", help="JSON file with the URL list (default: the built-in list)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="gunicorn threads per worker (default 1: sync workers, see the README's Production)")
    parser.add_argument("--only", help="comma-separated names to run (the baseline always runs)")
    parser.add_argument("--page-cache", default="filesystem", help="PAGE_CACHE of the server (none: off)")
    parser.add_argument("--accept-encoding", help="send this Accept-Encoding with every request (e.g. gzip)")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)

    urls = json.loads(Path(args.urls).read_text()) if args.urls else DEFAULT_URLS
    if args.only:
        wanted = {n.strip() for n in args.only.split(",")}
        urls = [u for u in urls if u.get("baseline") or u["name"] in wanted]
    headers = {"Accept-Encoding": args.accept_encoding} if args.accept_encoding else {}
    values = fill_placeholders(args.database_url)
    use_wrk = shutil.which("wrk") is not None
    tool = "wrk" if use_wrk else "python asyncio client (wrk not installed)"
    load = os.getloadavg()
    print(f"{args.database_url.split(':')[0]}: gunicorn -w {args.workers} --threads {args.threads}, "
          f"{args.connections} connections, {args.duration} s per URL, {tool}, page cache {args.page_cache}, "
          f"Accept-Encoding {args.accept_encoding or '(none)'}; {os.cpu_count()} CPUs, load average before "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    results: list[dict] = []
    bare_runs: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "report.lua"
        instance = Path(tmp) / "instance"
        instance.mkdir()
        bare_proc, bare_base = start_server(args.database_url, args.workers, args.threads, instance,
                                            module="bare_flask:app")
        proc, base = start_server(args.database_url, args.workers, args.threads, instance, args.page_cache)
        cookies: dict[str, str] = {}

        def measure(spec: dict, server: str) -> None:
            paths = None
            if spec.get("ids"):
                paths = [spec["path"].format(**values, id=v) for v in id_list(args.database_url, spec["ids"])]
            path = paths[0] if paths else spec["path"].format(**values)
            login = spec.get("login")
            cookie = None
            if login:
                email = login.format(**values)
                cookie = cookies.get(email) or cookies.setdefault(email, sign_in(server, email))
            status = status_of(server + path, cookie, headers)
            row = {"name": spec["name"], "path": path, "public": spec.get("public", False), "ids": spec.get("ids"),
                   "baseline": spec.get("baseline", False), "bare": spec.get("bare", False), "status": status,
                   "target_share": spec.get("target_share", 0.0), "once": spec.get("once", False)}
            if status != 200:
                said = f"HTTP {status}" if status else "no answer within 30 s"
                print(f"  {spec['name']:<26} {path}: {said}, not measured")
                return row
            for _ in range(5):  # warm up connections (and, for a single URL, the page cache)
                status_of(server + path, cookie, headers)
            once = bool(spec.get("once"))
            if once:
                paths = paths[1:]  # the first was just asked for
            script.write_text(wrk_script_for(paths, once, WRK_THREADS))
            measured = (run_wrk(server + path, cookie, args.duration, args.connections, WRK_THREADS, script, headers)
                        if use_wrk else
                        run_python_client(server, paths or [path], cookie, args.duration, args.connections, headers,
                                          once))
            row.update(measured)
            print(f"  {spec['name']:<26} {measured['rps']:8.1f} req/s  p50 {measured['p50_ms']:7.1f} ms  "
                  f"p95 {measured['p95_ms']:7.1f} ms  p99 {measured['p99_ms']:7.1f} ms  errors {measured['errors']}")
            return row

        try:
            # Bare Flask before the first page and after every page: each page's share is of the mean of the two
            # bare runs around it, so a machine whose speed drifts (shared, loaded) still compares like with like.
            before = measure(BARE, bare_base)
            for spec in urls:
                row = measure(spec, base)
                after = measure(BARE, bare_base)
                around = [r["rps"] for r in (before, after) if "rps" in r]
                row["bare_rps"] = statistics.mean(around) if around else float("nan")
                results.append(row)
                bare_runs.extend(r["rps"] for r in (before,) if "rps" in r)
                before = after
            bare_runs.extend(r["rps"] for r in (before,) if "rps" in r)
        finally:
            for p in (proc, bare_proc):
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
            crashes = [line for log in instance.glob("gunicorn-*.log") for line in log.read_text().splitlines()
                       if "was sent" in line or "SIGSEGV" in line or "WORKER TIMEOUT" in line]
    if crashes:
        print("\nWorkers died during the run (their requests count as errors):\n  " + "\n  ".join(crashes))
    load = os.getloadavg()
    print(f"\nload average after {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return report(results, args, bare_runs) or (1 if crashes else 0)


def report(results: list[dict], args, bare_runs: list[float]) -> int:
    baseline = next((r for r in results if r.get("baseline") and "rps" in r), None)
    misses = []
    print()
    if bare_runs:
        print(f"bare Flask ({len(bare_runs)} runs, one before the first page and one after each): "
              f"{min(bare_runs):.1f} to {max(bare_runs):.1f} req/s, median {statistics.median(bare_runs):.1f}; "
              f"each page's share is of the two runs around it")
    print("| page | path | req/s | p50 ms | p95 ms | p99 ms | vs bare Flask | vs hello | target |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        if "rps" not in r:
            said = f"HTTP {r['status']}" if r["status"] else "no answer in 30 s"
            print(f"| {r['name']} | `{r['path']}` | {said} | | | | | | not measured |")
            continue
        ratio = r["rps"] / baseline["rps"] if baseline else float("nan")
        share = r["rps"] / r["bare_rps"]
        notes = []
        if not r["requests"]:
            notes.append(f"no request completed in {args.duration} s")
        if r["p95_ms"] >= 100:
            notes.append("p95 >= 100 ms")
        if r["public"] and ratio < 0.30:
            notes.append("< 30 % of hello")
        if is_cached(r) and share < 1.0:
            notes.append("< 1.0 of bare Flask")
        if share < r["target_share"]:
            notes.append(f"< {r['target_share']:.2f} of bare Flask")
        if r["errors"]:
            notes.append(f"{r['errors']} errors")
        if notes:
            misses.append(f"{r['name']}: {', '.join(notes)}")
        print(f"| {r['name']} | `{r['path']}` | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
              f"{r['p99_ms']:.1f} | {share:.2f} | {ratio:.0%} | {'MISSED: ' + ', '.join(notes) if notes else 'met'} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if misses:
        print("\nTargets missed: " + "; ".join(misses))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
