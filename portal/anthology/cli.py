"""``flask --app portal anthology --year YYYY [--province ID] --out DIR``: the book for the data centre."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.models.books import PAGE_FORMATS


@click.command("anthology")
@click.option("--year", type=int, required=True, help="Tahun buku, misalnya 2026.")
@click.option("--province", "province_id", type=int, default=None,
              help="ID provinsi untuk buku provinsi; tanpa ini: buku nasional.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder tujuan: book.pdf, book.epub dan cover.jpg ditulis di sini.")
@click.option("--format", "page_format", type=click.Choice(PAGE_FORMATS), default=None,
              help="Ukuran halaman PDF (bawaan: ukuran buku yang disimpan di portal, atau A4).")
@with_appcontext
def anthology(year: int, province_id: int | None, out: Path, page_format: str | None) -> None:
    """Write DIR/book.pdf and DIR/book.epub of the year's national (or the province's) best practices: the book
    composed in the portal when there is one (its pieces, order, title and foreword), else every candidate."""
    from portal.anthology.operations import build_to_folder

    started = time.monotonic()
    pieces, notes = build_to_folder(year, province_id, out, page_format)
    for note in notes:
        click.echo(note, err=True)
    click.echo(f"{pieces} tulisan -> {out / 'book.pdf'} ({(out / 'book.pdf').stat().st_size} B), "
               f"{out / 'book.epub'} ({(out / 'book.epub').stat().st_size} B) dalam {time.monotonic() - started:.1f} s")
