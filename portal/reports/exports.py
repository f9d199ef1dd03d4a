"""Render a :class:`~portal.reports.recaps.Recap` as xlsx, csv or pdf (the page renders the same object).

Titles, names and phone numbers in a recap are typed by users: both spreadsheets are written through
:mod:`portal.spreadsheet_safety`, so a title such as ``=HYPERLINK(...)`` stays text (an apostrophe in
front in the csv, an explicit string cell in the xlsx) while numbers stay numbers.

CSV choice: Excel set to Indonesian (id-ID) uses the comma as decimal separator and the semicolon as
list separator, and only recognises UTF-8 when the file starts with a byte-order mark. So the CSV is
UTF-8 *with BOM*, separated by semicolons, with decimal commas (``712,5``): double-clicking it in an
Indonesian Excel gives proper columns, names with é/ñ intact and numbers that are numbers. (A
``sep=;`` first line would also work but makes Excel ignore the BOM, breaking accented names.)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from portal.reports.recaps import Recap, Section
from portal.spreadsheet_safety import csv_bytes, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {"xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}
HEADER_FILL = "DDE3EA"

if TYPE_CHECKING:
    from portal.reports.report_page import ReportPdf

# openpyxl and fpdf2 (half a second of imports together) are loaded by the functions that write a file, not by
# every worker and command at start-up.


def _is_blank(value) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _cell(value):
    """A plain Python value for a cell: numbers stay numbers, missing values become empty."""
    if _is_blank(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _rows(section: Section) -> list[list]:
    return [[_cell(v) for v in row] for row in section.frame.itertuples(index=False, name=None)]


def _totals_row(section: Section) -> list:
    columns = list(section.frame.columns)
    row = [None] * len(columns)
    if columns:
        row[0] = _("Jumlah")
    for column, value in section.totals.items():
        if column in columns:
            row[columns.index(column)] = value
    return row


def _sheet_title(text: str, used: set[str]) -> str:
    clean = "".join(" " if c in "[]:*?/\\" else c for c in text)[:28].strip() or "Rekap"
    name, n = clean, 2
    while name in used:
        name, n = f"{clean[:25]} {n}", n + 1
    used.add(name)
    return name


def to_xlsx(recap: Recap) -> bytes:
    """One worksheet per section: title block, a frozen bold header row, data, a "Jumlah" row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for section in recap.sections:
        sheet = book.create_sheet(_sheet_title(section.heading, used))
        sheet.append([recap.title])
        sheet["A1"].font = Font(bold=True, size=14)
        for line in recap.lines:
            sheet.append([line])
        sheet.append([section.heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if section.note:
            sheet.append([section.note])
        sheet.append([])
        columns = [str(c) for c in section.frame.columns]
        sheet.append(columns)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in _rows(section):
            sheet.append(row)
        sheet.append(_totals_row(section))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        _format_columns(sheet, section, header_row)
    return xlsx_bytes(book)


def _format_columns(sheet, section: Section, header_row: int) -> None:
    import pandas as pd
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for i, column in enumerate(section.frame.columns, 1):
        values = [str(column)] + [str(v) for v in section.frame[column] if not _is_blank(v)]
        width = min(50, max(6, max(len(v) for v in values) + 2))
        sheet.column_dimensions[get_column_letter(i)].width = width
        if pd.api.types.is_float_dtype(section.frame[column]):
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=i, max_col=i):
                cell.number_format = "0.00"
        elif width >= 30:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def cell_text(value) -> str:
    """A cell as text (csv, pdf, page): blank for missing values, ``712,5`` for decimals."""
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def to_csv(recap: Recap) -> bytes:
    """UTF-8 with BOM, semicolons, decimal commas: what Indonesian Excel opens as a table (module doc)."""
    rows: list[list] = [[recap.title]] + [[line] for line in recap.lines]
    for section in recap.sections:
        rows += [[], [section.heading]] + ([[section.note]] if section.note else [])
        rows.append([str(c) for c in section.frame.columns])
        rows += _rows(section)
        rows.append(_totals_row(section))
    return csv_bytes(rows, show=cell_text)


def to_pdf(recap: Recap) -> bytes:
    """A landscape A4 PDF with the title block and one table per section (DejaVu Sans when installed)."""
    from portal.reports.report_page import ReportPdf

    pdf = ReportPdf(recap.title)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 13)
    pdf.multi_cell(0, 7, pdf.text_of(recap.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    for line in recap.lines:
        pdf.cell(0, 5.5, pdf.text_of(line), new_x="LMARGIN", new_y="NEXT")
    for section in recap.sections:
        _pdf_section(pdf, section)
    return bytes(pdf.output())


def _pdf_section(pdf: ReportPdf, section: Section) -> None:
    from fpdf.fonts import FontFace

    pdf.ln(4)
    pdf.set_font(pdf.family, "B", 11)
    pdf.cell(0, 6, pdf.text_of(section.heading), new_x="LMARGIN", new_y="NEXT")
    if section.note:
        pdf.set_font(pdf.family, "", 9)
        pdf.multi_cell(0, 5, pdf.text_of(section.note), new_x="LMARGIN", new_y="NEXT")
    columns = [str(c) for c in section.frame.columns]
    rows = _rows(section) + [_totals_row(section)]
    weights = []
    for i, column in enumerate(columns):
        # Headers wrap at spaces, values mostly do not: size by the longest header word and the longest value.
        longest = max([len(w) for w in column.split()] + [len(cell_text(r[i])) for r in rows])
        weights.append(min(40, max(7, longest)))
    pdf.set_font(pdf.family, "", 8)
    with pdf.table(
        col_widths=tuple(weights),
        line_height=4.5,
        text_align="LEFT",
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=(221, 227, 234)),
    ) as table:
        header = table.row()
        for column in columns:
            header.cell(pdf.text_of(column))
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(pdf.text_of(value))
