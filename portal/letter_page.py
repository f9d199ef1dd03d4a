"""The A4 page of the portal's letters (fpdf2, with the embedded DejaVu fonts for Indonesian text): the panels'
decision letters, the certificates and the workshop invitations.

Imported where a letter is written, not at start-up: fpdf2 (with fontTools) takes about a third of a second to
import, which every web worker, command and consumer paid before writing any PDF.
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


class LetterPdf(FPDF):
    """An A4 page with the embedded DejaVu fonts (Indonesian text), for the letters of every feature."""

    def __init__(self, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, format="A4")
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, 18)
        if (DEJAVU / "DejaVuSans.ttf").exists():
            self.add_font("Body", "", str(DEJAVU / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
            self.family = "Body"
            self.unicode = True
        else:  # core font: latin-1 only
            self.family = "Helvetica"
            self.unicode = False
        self.add_page()

    def text_(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def para(self, value: str, *, bold: bool = False, size: int = 10, align: str = "L") -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, size * 0.55, self.text_(value), align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def table_(self, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.set_font(self.family, "", 9)
        with self.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
            row = table.row()
            for cell in header:
                row.cell(self.text_(cell))
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(self.text_(cell))
        self.ln(3)
