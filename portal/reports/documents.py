"""A piece as files for a bundle: a standalone HTML page (photos beside it) and a PDF."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import escape

from portal.models import Piece
from portal.period import Period
from portal.text import render_markdown

PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font:16px/1.6 Georgia,serif;max-width:760px;margin:2em auto;padding:0 1em}}
dl{{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}}dt{{color:#555}}dd{{margin:0}}
figure{{margin:1.5em 0}}img{{max-width:100%}}figcaption{{color:#555;font-size:.9em}}</style>
</head><body>
<h1>{title}</h1>
<dl>{meta}</dl>
{body}
<h2>{facts_heading}</h2>
<p>{facts}</p>
{photos}
</body></html>
"""


def piece_meta(piece: Piece) -> list[tuple[str, str]]:
    """The piece's identifying facts, in the order the procedure lists them."""
    team = piece.team
    return [
        (_("Bulan"), Period(piece.period).label()),
        (_("Tim"), team.name),
        (_("Kota/Kabupaten"), team.city.name),
        (_("Provinsi"), team.city.province.name),
        (_("Bentuk"), piece.form.value.capitalize()),
        (_("Tema"), piece.theme),
        (_("Penulis"), f"{piece.author_name}, {piece.author_position} ({piece.author_place})"),
        (_("Telepon penulis"), piece.author_phone),
        (_("Lembaga/tokoh"), f"{piece.institution_name}, {piece.institution_address}"),
        (_("Telepon lembaga"), piece.institution_phone),
    ]


def piece_html(piece: Piece, photo_files: list[tuple[str | None, str]]) -> str:
    """A standalone page; ``photo_files`` is (file name beside the page or None if missing, caption)."""
    meta = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in piece_meta(piece))
    figures = []
    for name, caption in photo_files:
        if name is None:
            figures.append(f"<p>{escape(_('Foto tidak ditemukan di server'))}: {escape(caption)}</p>")
        else:
            figures.append(
                f'<figure><img src="{escape(name)}" alt="{escape(caption)}">'
                f"<figcaption>{escape(caption)}</figcaption></figure>"
            )
    return PAGE.format(
        title=escape(piece.title or _("Tanpa judul")),
        meta=meta,
        body=render_markdown(piece.body_md),
        facts_heading=escape(_("Data dan informasi faktual")),
        facts=escape(piece.facts),
        photos="".join(figures),
    )


def piece_pdf(piece: Piece, photo_captions: list[str]) -> bytes:
    """The piece's text as a portrait PDF (Markdown shown as plain text; photos travel as separate files)."""
    from portal.reports.report_page import ReportPdf  # fpdf2 is loaded where a PDF is written

    pdf = ReportPdf(piece.title)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page(orientation="P")
    pdf.set_font(pdf.family, "B", 14)
    pdf.multi_cell(0, 7, pdf.text_of(piece.title or _("Tanpa judul")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(pdf.family, "", 9)
    for key, value in piece_meta(piece):
        pdf.multi_cell(0, 5, pdf.text_of(f"{key}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(pdf.family, "", 11)
    for paragraph in piece.body_md.split("\n\n"):
        text = paragraph.strip()
        if text:
            pdf.multi_cell(0, 6, pdf.text_of(text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    pdf.set_font(pdf.family, "B", 11)
    pdf.multi_cell(0, 6, pdf.text_of(_("Data dan informasi faktual")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    pdf.multi_cell(0, 5, pdf.text_of(piece.facts or "–"), new_x="LMARGIN", new_y="NEXT")
    if photo_captions:
        pdf.ln(2)
        pdf.set_font(pdf.family, "B", 11)
        pdf.multi_cell(0, 6, pdf.text_of(_("Foto")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, "", 10)
        for i, caption in enumerate(photo_captions, 1):
            pdf.multi_cell(0, 5, pdf.text_of(f"{i}. {caption}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
