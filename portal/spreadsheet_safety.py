"""Every csv and xlsx file the portal writes is made here, so that no text a user typed (a title, a name,
a phone number) runs as a formula when a data manager opens the file (CSV injection).

The rule itself is :mod:`scoring.spreadsheet` (the scoring command line writes spreadsheets too and may not
import the portal; the portal already depends on ``scoring``): text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe in a csv and is an explicit string cell with
Excel's quote prefix in an xlsx. Numbers stay numbers. An import of a file the portal exported removes
the apostrophe again with :func:`unquote_text` (docs/tree-csv.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from scoring.spreadsheet import looks_like_formula, protect_workbook, quote_text, unquote_text

if TYPE_CHECKING:  # openpyxl is loaded by the code that writes a workbook, not at start-up
    from openpyxl import Workbook

__all__ = ["csv_bytes", "looks_like_formula", "quote_text", "unquote_text", "xlsx_bytes"]


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def csv_bytes(rows: Iterable[Iterable[Any]], *, show: Callable[[Any], str] = _plain) -> bytes:
    """Rows as the csv Excel set to Indonesian opens as a table: UTF-8 with a byte-order mark, semicolons.

    Text cells go through :func:`quote_text`; other cells (numbers, booleans, missing values) are written
    as ``show`` spells them (the recaps use decimal commas) and are never quoted.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([quote_text(v) if isinstance(v, str) else show(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook saved, after every text cell that looks like a formula was made an explicit string."""
    protect_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
