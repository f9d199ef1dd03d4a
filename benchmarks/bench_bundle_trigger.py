"""Bundle trigger benchmark: how long the web request that asks for a bundle takes, whatever the bundle's size.

    python benchmarks/bench_bundle_trigger.py --database-url sqlite:////tmp/bench/national.db [--requests 40]
    python benchmarks/bench_bundle_trigger.py --database-url postgresql://postgres@127.0.0.1:5432/bench_national

Starts the portal in gunicorn (2 sync workers, as the README's Production section runs it, ``benchmarks/wsgi.py``)
on a generated national dataset (``generate_dataset.py``) with a task queue file of its own, signs in as the
national data manager through the real login form, and sends the bundle form (POST ``/laporan/paket`` with its CSRF
token) for three bundles of very different size: one city's pieces of the last month, one KMW's, and the whole
nation's. The request only records the job and puts it on the queue (``portal/jobs.py``); no consumer runs during
the measurement, so the figures are the request alone. Printed per bundle: the number of pieces and photos it would
hold, and the request's p50, p95 and maximum latency. The target is p95 under 50 ms for every size; the script
exits 1 when it is missed. The jobs it queued are deleted at the end.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load import USER_AGENT, _NoRedirect, sign_in, start_server  # noqa: E402

TARGET_P95_MS = 50.0

SIZES = {
    # scope -> (node id SQL, pieces and photos of the last month in that scope)
    "city": ("SELECT c.id FROM city c JOIN team t ON t.city_id = c.id GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1",
             "JOIN team t ON t.id = p.team_id WHERE t.city_id = :node"),
    "kmw": ("SELECT k.id FROM kmw k JOIN province pr ON pr.kmw_id = k.id JOIN city c ON c.province_id = pr.id "
            "JOIN team t ON t.city_id = c.id GROUP BY k.id ORDER BY COUNT(*) DESC LIMIT 1",
            "JOIN team t ON t.id = p.team_id JOIN city c ON c.id = t.city_id JOIN province pr ON pr.id = c.province_id "
            "WHERE pr.kmw_id = :node"),
    "national": (None, "WHERE 1 = 1"),
}


def dataset_facts(database_url: str) -> tuple[str, dict[str, tuple[int | None, int, int]]]:
    from sqlalchemy import create_engine, text

    from portal import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    facts = {}
    with engine.connect() as conn:
        period = conn.execute(text("SELECT MAX(period) FROM piece WHERE submitted_at IS NOT NULL")).scalar()
        for scope, (node_sql, where) in SIZES.items():
            node = conn.execute(text(node_sql)).scalar() if node_sql else None
            params = {"period": period, "node": node}
            pieces = conn.execute(text(f"SELECT COUNT(*) FROM piece p {where} AND p.period = :period "
                                       "AND p.submitted_at IS NOT NULL"), params).scalar()
            photos = conn.execute(text(f"SELECT COUNT(*) FROM photo ph JOIN piece p ON p.id = ph.piece_id {where} "
                                       "AND p.period = :period AND p.submitted_at IS NOT NULL"), params).scalar()
            facts[scope] = (node, pieces, photos)
    engine.dispose()
    return period, facts


def last_job_id(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    from portal import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        found = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM job")).scalar()
    engine.dispose()
    return found


def delete_jobs_after(database_url: str, job_id: int) -> None:
    """Remove the jobs this run queued."""
    from sqlalchemy import create_engine, text

    from portal import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM job WHERE id > :id"), {"id": job_id})
    engine.dispose()


def form_token(base: str, cookie: str, period: str) -> tuple[str, str]:
    """The CSRF token of the reports page's bundle form, and the cookie that carries it (the session is updated
    when a token is first made)."""
    request = urllib.request.Request(f"{base}/laporan/?periode={period}",
                                     headers={"User-Agent": USER_AGENT, "Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        page = response.read().decode()
        updated = [h.split(";", 1)[0] for h in response.headers.get_all("Set-Cookie") or []]
    cookies = dict(c.split("=", 1) for c in cookie.split("; "))
    cookies.update(dict(c.split("=", 1) for c in updated))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return token, "; ".join(f"{k}={v}" for k, v in cookies.items())


def trigger(base: str, cookie: str, token: str, scope: str, node: int | None, period: str) -> float:
    fields = {"csrf_token": token, "cakupan": scope, "periode": period, "isi": "all"}
    if node is not None:
        fields["simpul"] = str(node)
    request = urllib.request.Request(f"{base}/laporan/paket", data=urllib.parse.urlencode(fields).encode(),
                                     headers={"User-Agent": USER_AGENT, "Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect())
    started = time.perf_counter()
    try:
        opener.open(request, timeout=30).read()
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.read()
    elapsed = time.perf_counter() - started
    if status != 302:
        raise SystemExit(f"the bundle request for {scope} answered {status}, not a redirect to its status page")
    return elapsed * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a generated national dataset")
    parser.add_argument("--requests", type=int, default=40, help="requests per bundle size")
    parser.add_argument("--login", default="data.kmp@bench.bp.id", help="the national data manager")
    args = parser.parse_args(argv)

    period, facts = dataset_facts(args.database_url)
    before = last_job_id(args.database_url)
    rows, missed = [], False
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        proc, base = start_server(args.database_url, 2, 1, instance)
        try:
            cookie = sign_in(base, args.login)
            token, cookie = form_token(base, cookie, period)
            for scope, (node, pieces, photos) in facts.items():
                trigger(base, cookie, token, scope, node, period)  # warm the worker
                times = sorted(trigger(base, cookie, token, scope, node, period) for _ in range(args.requests))
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                missed |= p95 >= TARGET_P95_MS
                rows.append((scope, pieces, photos, statistics.median(times), p95, times[-1]))
        finally:
            proc.terminate()
            proc.wait(10)
            delete_jobs_after(args.database_url, before)
    print(f"Bundle requests for {period} ({args.requests} each; target p95 < {TARGET_P95_MS:.0f} ms):\n")
    print("| bundle | pieces | photos | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for scope, pieces, photos, p50, p95, worst in rows:
        print(f"| {scope} | {pieces:,} | {photos:,} | {p50:.1f} | {p95:.1f} | {worst:.1f} |")
    print("\n" + ("target MISSED" if missed else "target met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
