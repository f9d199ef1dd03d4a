"""The page of the recaps' and the bundles' PDFs (fpdf2, DejaVu Sans when installed, the title in the footer).

Imported where a PDF is written, not at start-up (see ``portal.letter_page``).
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from portal.reports.exports import cell_text

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class ReportPdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.footer_text = footer_text
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.set_auto_page_break(True, margin=14)

    def text_of(self, value) -> str:
        text = cell_text(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def footer(self):
        self.set_y(-10)
        self.set_font(self.family, "", 8)
        self.cell(0, 5, self.text_of(f"{self.footer_text} · {self.page_no()}"), align="R")
