"""A faster line width for fpdf2's line breaking, used while a book is written.

fpdf2 (2.8) asks ``CurrentLine.width`` before adding each character, and that property sums the widths of every
character already on the line: the line breaking of a paragraph costs the square of its line length. A year's book
(60 pieces of 500-1,000 words) spent most of its time there. :func:`incremental_line_width` returns the same sum,
computed from the width it returned for the same fragment before plus the characters added since. It only
shortcuts plain fragments (no character spacing, stretching or text shaping, where fpdf2's width is a plain sum of
the glyph widths); any other fragment, or one that lost characters, is measured in full as before.
"""
from __future__ import annotations

from contextlib import contextmanager

from fpdf.line_break import CurrentLine

_CACHE = "_book_widths"


def _plain(fragment) -> bool:
    return (fragment.char_spacing == 0 and fragment.font_stretching == 100
            and not fragment.text_shaping_parameters)


def incremental_line_width(line) -> float:
    widths = line.__dict__.setdefault(_CACHE, {})
    total = 0.0
    for i, fragment in enumerate(line.fragments):
        count = len(fragment.characters)
        known = widths.get(id(fragment))
        if known is not None and known[0] is fragment and known[1] <= count and _plain(fragment):
            width = known[2] + (fragment.get_width(start=known[1], end=count) if count > known[1] else 0.0)
        else:
            width = fragment.get_width(initial_cs=i > 0)
        widths[id(fragment)] = (fragment, count, width)
        total += width
    return total


@contextmanager
def fast_line_breaking():
    """Use :func:`incremental_line_width` inside the block (results are identical; other threads writing PDFs at
    the same time get the same widths, only sooner)."""
    original = CurrentLine.__dict__["width"]
    CurrentLine.width = property(incremental_line_width)
    try:
        yield
    finally:
        CurrentLine.width = original
