"""Reading uploaded CSV files the way Indonesian offices write them.

UTF-8 with or without a byte-order mark; comma or semicolon separators (Indonesian Excel writes
semicolons). Line numbers count the header as line 1, so messages match what the user sees in a
spreadsheet. Shared by the tree import and the account import.
Text cells are read with :func:`imported_text`, the inverse of what the exports write.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _

from portal.failures import PortalError
from portal.spreadsheet_safety import csv_bytes, looks_like_formula, unquote_text


@dataclass(frozen=True)
class Problem:
    """One thing to fix in an uploaded file, at a line (header = 1) and, when known, a column."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return _(
                "Baris %(line)s, kolom %(column)s: %(message)s",
                line=self.line,
                column=self.column,
                message=self.message,
            )
        return _("Baris %(line)s: %(message)s", line=self.line, message=self.message)


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, column -> stripped value)


class TableError(PortalError):
    """The file cannot be read as a table at all."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableError(
            [
                Problem(
                    line,
                    None,
                    _(
                        "berkas tidak berenkoding UTF-8. "
                        'Simpan ulang sebagai "CSV UTF-8" dari Excel atau LibreOffice.'
                    ),
                )
            ]
        ) from exc


def sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_table(data: bytes, *, required: list[str], known: list[str]) -> Table:
    """Parse ``data``; raise TableError when the header lacks a required column or names an unknown one."""
    text = decode(data)
    if not text.strip():
        raise TableError([Problem(1, None, _("berkas kosong."))])
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header = next(reader)
    except csv.Error as exc:
        raise TableError([Problem(1, None, _("tajuk tidak dapat dibaca (%(e)s).", e=exc))]) from exc
    header = [h.strip().lower() for h in raw_header]
    problems = [Problem(1, name, _("kolom wajib tidak ada.")) for name in required if name not in header]
    problems += [
        Problem(1, name, _("kolom tidak dikenal. Kolom yang dikenal: %(k)s.", k=", ".join(known)))
        for name in header
        if name and name not in known
    ]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(Problem(1, name, _("kolom muncul dua kali.")))
        seen.add(name)
    if problems:
        raise TableError(problems)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                problems.append(Problem(line, None, _("baris berisi lebih banyak kolom daripada tajuk.")))
                continue
            row = {
                name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header) if name
            }
            rows.append((line, row))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, _("baris tidak dapat dibaca (%(e)s).", e=exc)))
    if problems:
        raise TableError(problems)
    return Table(header=header, rows=rows)


def write_table(header: list[str], rows) -> bytes:
    """UTF-8 with a byte-order mark and semicolons: opens correctly in Excel set to Indonesian. Text that
    a spreadsheet would run as a formula gets a leading apostrophe (:mod:`portal.spreadsheet_safety`)."""
    return csv_bytes([header, *rows])


def imported_text(line: int, column: str, raw: str, problems: list[Problem]) -> str:
    """A text cell of an import, read the way the portal's own export writes it.

    A cell starting with =, +, - or @ is refused (the spreadsheet it came from may already have run it
    as a formula, so its text is not what the user typed); the same text behind an apostrophe, as the
    export writes it and as a spreadsheet keeps it, is accepted without the apostrophe.
    """
    if looks_like_formula(raw):
        problems.append(
            Problem(
                line,
                column,
                _(
                    "tidak boleh diawali =, +, - atau @ (spreadsheet menjalankannya sebagai rumus). "
                    "Untuk teks yang memang diawali karakter itu, tulis tanda petik di depannya, "
                    "misalnya '-Nama."
                ),
            )
        )
    return unquote_text(raw)
