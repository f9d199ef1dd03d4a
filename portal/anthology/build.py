"""Building a book's files: the PDF, the EPUB and the cover, written to temporary files beside their final place
and renamed into place only when all three are complete. Used by the background job (the portal's pages) and by
the command line (``flask --app portal anthology``), which writes to a folder of the operator's choice.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from portal.anthology.content import BookContent


@dataclass
class BuiltFiles:
    pdf: Path
    epub: Path
    cover: Path
    pages: int
    notes: list[str] = field(default_factory=list)


def _temporary(final: Path) -> Path:
    return final.with_name(f".tmp-{final.name}.part")  # cleanup-uploads removes one left by a crash


def build_files(content: BookContent, pdf: Path, epub: Path, cover: Path, identifier: str,
                progress: Callable[[int, int], None] = lambda done, total: None) -> BuiltFiles:
    """Write the three files; on any failure none of them is replaced and no temporary file stays.
    ``progress(done, total)``: a step is a piece in the PDF, then a piece in the EPUB."""
    # The writers (fpdf2, ebooklib) are loaded here, where a book is built, not by every process at start-up.
    from portal.anthology.cover import cover_jpeg
    from portal.anthology.epub import write_epub
    from portal.anthology.pdf import write_pdf

    total = 2 * len(content.pieces)
    progress(0, total)
    temporary = {final: _temporary(final) for final in (pdf, epub, cover)}
    try:
        for path in temporary.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        cover_bytes = cover_jpeg(content)
        temporary[cover].write_bytes(cover_bytes)
        pages, notes = write_pdf(content, temporary[pdf], lambda n: progress(n, total))
        epub_notes = write_epub(content, temporary[epub], cover_bytes, identifier,
                                lambda n: progress(len(content.pieces) + n, total))
        notes += [note for note in epub_notes if note not in notes]
        for final, path in temporary.items():
            os.replace(path, final)
    except BaseException:
        for path in temporary.values():
            path.unlink(missing_ok=True)
        raise
    return BuiltFiles(pdf, epub, cover, pages, notes)
