"""Anthology benchmark: the national book of one year from the national dataset (60 winners, about 200 photos).

    python benchmarks/anthology.py [--year 2025] [--workdir /tmp/bench-anthology] [--format A4]

Generates (once, into ``--workdir``) the national dataset for the twelve months of ``--year`` with
``generate_dataset.py`` (5 national winners a month: 60 pieces, 2-5 photo rows each), writes photo-like JPEG files
for every photo of those winners in the storage layout, as uploads leave them (the ``display`` variant at 1600 px and
``phone`` at 800 px, JPEG quality 82, gradients plus grain so they compress like real photos; ``original`` is a copy
of ``display``, which the build never reads when ``display`` is there), then runs the real command
``flask --app portal anthology --year YEAR --out DIR`` in its own process and reports its wall time and its peak
memory (``ru_maxrss`` of that process, from ``os.wait4``), with the pages and sizes of the PDF and EPUB.
Targets: under 20 s and under 300 MB; the script exits 1 when one is missed.
"""
from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS, TARGET_MB = 20.0, 300.0
ROOT = Path(__file__).resolve().parent.parent


def photo_like(seed: int, width: int = 1600, height: int = 1200) -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, height // 4, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, width // 4, dtype=np.float32)[None, :]
    scene = np.stack([140 + 90 * np.sin(3 * x + seed) * y, 120 + 80 * np.cos(2 * y + seed) * x,
                      100 + 60 * (x * y) + 0 * x], axis=-1)
    image = Image.fromarray(scene.clip(0, 255).astype("uint8")).resize((width, height), Image.Resampling.BILINEAR)
    grain = rng.normal(0, 9, (height, width, 1)).astype(np.float32)
    pixels = (np.asarray(image, dtype=np.float32) + grain).clip(0, 255).astype("uint8")
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def prepare(workdir: Path, year: int) -> tuple[str, Path, int, int]:
    """The dataset (generated once) and the winners' photo files; returns (url, upload dir, pieces, photos)."""
    from PIL import Image
    from sqlalchemy import create_engine, text

    from benchmarks.generate_dataset import Options, generate

    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'national.db'}"
    uploads = workdir / "uploads"
    engine = create_engine(url)
    if not (workdir / "national.db").exists() or not (workdir / "generated").exists():
        (workdir / "national.db").unlink(missing_ok=True)
        started = time.perf_counter()
        generate(engine, Options(months=12, end_period=f"{year}-12", readers=200), log=lambda line: None)
        (workdir / "generated").write_text("ok\n")
        print(f"dataset: 12 months of {year} generated in {time.perf_counter() - started:.1f} s")
    with engine.connect() as conn:
        keys = conn.execute(text(
            "SELECT photo.storage_key FROM photo JOIN piece ON piece.id = photo.piece_id "
            "WHERE piece.best_practice = 'national' AND piece.published_at IS NOT NULL "
            "AND piece.period BETWEEN :a AND :b ORDER BY piece.id, photo.position"),
            {"a": f"{year}-01", "b": f"{year}-12"}).scalars().all()
        pieces = conn.execute(text(
            "SELECT count(*) FROM piece WHERE best_practice = 'national' AND published_at IS NOT NULL "
            "AND period BETWEEN :a AND :b"), {"a": f"{year}-01", "b": f"{year}-12"}).scalar()
    engine.dispose()
    written = 0
    for n, key in enumerate(keys):
        folder = uploads / "photos" / key[:2]
        display = folder / f"{key}.display.jpg"
        if display.exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        data = photo_like(n)
        display.write_bytes(data)
        (folder / f"{key}.original.jpg").write_bytes(data)
        phone = Image.open(io.BytesIO(data))
        phone.thumbnail((800, 800))
        buffer = io.BytesIO()
        phone.save(buffer, "JPEG", quality=82, optimize=True)
        (folder / f"{key}.phone.jpg").write_bytes(buffer.getvalue())
        written += 1
    if written:
        print(f"photo files: {written} written")
    return url, uploads, pieces, len(keys)


def run_build(url: str, uploads: Path, workdir: Path, year: int,
              page_format: str) -> tuple[float, float, float, str]:
    """The command in a process of its own: wall seconds, CPU seconds (user + system: what a loaded machine does not
    inflate), peak resident MB (ru_maxrss), its output."""
    out = workdir / "out"
    env = dict(os.environ, DATABASE_URL=url, UPLOAD_DIR=str(uploads), PORTAL_INSTANCE_PATH=str(workdir / "instance"),
               SECRET_KEY="bench", PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "anthology", "--year", str(year),
                                "--out", str(out), "--format", page_format], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the build failed:\n{output}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--workdir", default="/tmp/bench-anthology")
    parser.add_argument("--format", default="A4", choices=("A4", "A5"))
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    url, uploads, pieces, photos = prepare(workdir, args.year)
    load = os.getloadavg()[0]
    elapsed, cpu, peak_mb, output = run_build(url, uploads, workdir, args.year, args.format)
    info = subprocess.run(["pdfinfo", str(workdir / "out" / "book.pdf")], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    pdf_mb = (workdir / "out" / "book.pdf").stat().st_size / 2**20
    epub_mb = (workdir / "out" / "book.epub").stat().st_size / 2**20
    print(output.strip().splitlines()[-1])
    print("| pieces | photos | format | PDF pages | PDF | EPUB | time | CPU time | peak memory | load average |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {pieces} | {photos} | {args.format} | {pages} | {pdf_mb:.1f} MB | {epub_mb:.1f} MB | {elapsed:.1f} s "
          f"| {cpu:.1f} s | {peak_mb:.0f} MB | {load:.1f} |")
    missed = [what for what, ok in (("time", elapsed < TARGET_SECONDS), ("memory", peak_mb < TARGET_MB)) if not ok]
    if missed:
        print(f"TARGET MISSED: {', '.join(missed)} (targets: {TARGET_SECONDS:.0f} s, {TARGET_MB:.0f} MB)")
        raise SystemExit(1)
    print(f"targets met ({TARGET_SECONDS:.0f} s, {TARGET_MB:.0f} MB)")


if __name__ == "__main__":
    main()
