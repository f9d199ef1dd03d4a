"""Text cells that a spreadsheet opens as text, never as a formula (CSV injection, OWASP's advice).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and also one that
starts with a tab or a carriage return followed by one (OWASP); a formula such as ``=HYPERLINK(...)`` or
a DDE call then runs on the reader's computer. A line feed is treated like the carriage return (an
xlsx file reads a stored carriage return back as a line feed). This module is the one place that rule
is written: the scoring command line and every export of the best-practice portal (which depends on
this package, never the other way round) write their csv and xlsx cells through it.

* CSV: such a text gets a leading apostrophe, ``'=HYPERLINK(...)``, which Excel and LibreOffice show as
  text. :func:`unquote_text` undoes it exactly, so a file written here reads back unchanged (a text that
  already starts with apostrophes before such a character gets one more, keeping the two inverse).
* xlsx: the text is written as it is, as an explicit string cell with Excel's "quote prefix" style (the
  style Excel itself gives ``'=...`` typed by hand): it shows as text and stays text when edited.

Only text is neutralised: a number (``-3``, a score, an NA) stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the cell rules need only the standard library; pandas is imported by quote_frame
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS)


def _needs_quote(text: str) -> bool:
    # "'=x" gets a quote too ("''=x"): otherwise reading it back would drop the user's own apostrophe.
    return looks_like_formula(text.lstrip(QUOTE))


def quote_text(value: Any) -> Any:
    """A CSV cell: text that would run as a formula gets a leading apostrophe; anything else is returned
    as it is (numbers, booleans and missing values are not text and are never changed)."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def unquote_text(text: str) -> str:
    """The text :func:`quote_text` was given: ``unquote_text(quote_text(t)) == t`` for every text ``t``.

    Only an apostrophe in front of a formula character (or of more apostrophes and one) is removed;
    ``'Ain`` stays ``'Ain``.
    """
    if text.startswith(QUOTE) and _needs_quote(text):
        return text[1:]
    return text


def quote_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for ``to_csv``: every text cell and column name through :func:`quote_text`;
    numeric and boolean columns are left alone."""
    import pandas as pd

    shown = frame.copy()
    for position in range(shown.shape[1]):
        column = shown.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            shown.isetitem(position, column.map(quote_text, na_action="ignore"))
    shown.columns = [quote_text(c) for c in shown.columns]
    return shown


def protect_cells(cells: Iterable[Any]) -> None:
    """Make every openpyxl cell holding formula-like text an explicit string cell with a quote prefix."""
    for cell in cells:
        value = cell.value
        if isinstance(value, str) and looks_like_formula(value):
            cell.data_type = "s"
            cell.quotePrefix = True


def protect_workbook(book: Any) -> None:
    """:func:`protect_cells` on every cell of every worksheet of an openpyxl workbook (call before saving)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            protect_cells(row)
