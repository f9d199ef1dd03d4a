"""Small server-rendered SVG charts: pure functions from numbers to markup, no JavaScript.

Every chart has a ``viewBox`` (it scales to a phone's width), ``role="img"`` with a ``<title>`` and a
``<desc>`` for screen readers, and escapes every label. Colours are presentation attributes, not
``style=`` attributes, so the Content-Security-Policy (no inline styles) is respected.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

from markupsafe import Markup, escape

from scoring.rubric import DEFAULT_PASSING_GRADE

WIDTH = 480  # narrow viewBox: on a 360 px phone the text stays about 11-12 px tall
BAR = "#2e6ca4"
ACCENT = "#c2410c"
MUTED = "#667085"
GRID = "#d0d5dd"
OK = "#067647"


def _fmt(value: float) -> str:
    """A number as Indonesians write it: 1.234 and 12,5."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _svg(height: int, title: str, desc: str, body: str) -> Markup:
    ident = f"c{uuid.uuid4().hex[:8]}"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}t {ident}d" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{ident}t">{escape(title)}</title><desc id="{ident}d">{escape(desc)}</desc>'
        f'<g font-family="system-ui, sans-serif" font-size="16">{body}</g></svg>'
    )


def _empty(title: str, message: str) -> Markup:
    body = f'<text x="{WIDTH // 2}" y="40" text-anchor="middle" fill="{MUTED}">{escape(message)}</text>'
    return _svg(70, title, message, body)


def _text(
    x: float, y: float, label: str, anchor: str = "start", fill: str = "#1d2939", size: int = 16
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}">'
        f"{escape(label)}</text>"
    )


def _short(label: str, limit: int) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    max_value: float | None = None,
    empty_message: str = "Belum ada data.",
) -> Markup:
    """Horizontal bars, one per labelled value (e.g. compliance per province, in percent)."""
    items = [(str(label), float(value)) for label, value in items if value is not None]
    if not items:
        return _empty(title, empty_message)
    top = max_value or max(v for _, v in items) or 1.0
    row, left = 30, 170
    span = WIDTH - left - 70
    parts = []
    for i, (label, value) in enumerate(items):
        y = 10 + i * row
        w = max(0.0, min(value, top)) / top * span
        parts.append(_text(left - 8, y + 18, _short(label, 18), "end"))
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{BAR}" rx="2"/>')
        parts.append(_text(left + w + 6, y + 18, f"{_fmt(value)}{unit}"))
    desc = "; ".join(f"{label}: {_fmt(value)}{unit}" for label, value in items)
    return _svg(20 + len(items) * row, title, desc, "".join(parts))


def column_chart(
    items: Sequence[tuple[str, float]], *, title: str, unit: str = "", empty_message: str = "Belum ada data."
) -> Markup:
    """Vertical columns over ordered categories (e.g. pieces per month)."""
    items = [(str(label), float(value or 0)) for label, value in items]
    if not items or not any(v for _, v in items):
        return _empty(title, empty_message)
    height, base, top_pad = 240, 200, 24
    top = max(v for _, v in items) or 1.0
    slot = (WIDTH - 40) / len(items)
    parts = [f'<line x1="20" y1="{base}" x2="{WIDTH - 20}" y2="{base}" stroke="{GRID}"/>']
    for i, (label, value) in enumerate(items):
        h = value / top * (base - top_pad)
        x = 20 + i * slot
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{base - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}" rx="2"/>'
        )
        parts.append(_text(x + slot / 2, base - h - 6, _fmt(value), "middle", size=14))
        parts.append(
            _text(x + slot / 2, base + 18, _short(label, max(3, int(slot / 9))), "middle", MUTED, 14)
        )
    desc = "; ".join(f"{label}: {_fmt(value)}{unit}" for label, value in items)
    return _svg(height, title, desc, "".join(parts))


def histogram(
    values: Sequence[float],
    *,
    title: str,
    low: float = 100,
    high: float = 1000,
    bins: int = 9,
    reference: float | None = DEFAULT_PASSING_GRADE,
    reference_label: str | None = None,
    empty_message: str = "Belum ada nilai.",
) -> Markup:
    """Counts of values in equal bins from ``low`` to ``high``, with a reference line (the passing grade;
    callers pass their panels' own). ``reference_label`` defaults to "batas lulus <reference>"."""
    if reference_label is None and reference is not None:
        reference_label = f"batas lulus {_fmt(reference)}"
    values = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not values:
        return _empty(title, empty_message)
    width = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int((v - low) // width)))] += 1
    height, base, left, right = 250, 200, 30, WIDTH - 20
    top = max(counts) or 1
    scale = (right - left) / (high - low)
    parts = [f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{GRID}"/>']
    for i, c in enumerate(counts):
        x = left + i * width * scale
        h = c / top * (base - 30)
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{width * scale - 4:.1f}" height="{h:.1f}" '
            f'fill="{BAR}"/>'
        )
        if c:
            parts.append(_text(x + width * scale / 2, base - h - 4, str(c), "middle", size=14))
        parts.append(_text(x, base + 16, _fmt(low + i * width), "middle", MUTED, 13))
    parts.append(_text(right, base + 16, _fmt(high), "middle", MUTED, 13))
    if reference is not None and low <= reference <= high:
        rx = left + (reference - low) * scale
        parts.append(
            f'<line x1="{rx:.1f}" y1="14" x2="{rx:.1f}" y2="{base}" stroke="{ACCENT}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
        )
        parts.append(_text(rx + 4, 14, reference_label, fill=ACCENT, size=14))
    above = sum(1 for v in values if reference is not None and v >= reference)
    desc = (
        f"{len(values)} nilai dari {_fmt(low)} sampai {_fmt(high)}; "
        + "; ".join(
            f"{_fmt(low + i * width)}–{_fmt(low + (i + 1) * width)}: {c}" for i, c in enumerate(counts)
        )
        + (f"; {above} nilai ≥ {_fmt(reference)}" if reference is not None else "")
    )
    return _svg(height, title, desc, "".join(parts))


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "%",
    y_max: float = 100,
    empty_message: str = "Belum ada data.",
) -> Markup:
    """A line over ordered categories (e.g. pass rate per month); None leaves a gap."""
    points = [(str(label), None if v is None or math.isnan(float(v)) else float(v)) for label, v in points]
    if not points or all(v is None for _, v in points):
        return _empty(title, empty_message)
    height, base, top_pad, left, right = 240, 200, 20, 44, WIDTH - 20
    step = (right - left) / max(1, len(points) - 1)
    parts = []
    for frac in (0, 0.5, 1):
        y = base - frac * (base - top_pad)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_text(left - 6, y + 4, f"{_fmt(y_max * frac)}{unit}", "end", MUTED, 13))
    segment: list[str] = []
    segments = [segment]
    for i, (label, v) in enumerate(points):
        x = left + i * step if len(points) > 1 else (left + right) / 2
        parts.append(
            _text(
                x,
                base + 18,
                _short(label, max(3, int(step / 9)) if len(points) > 1 else 20),
                "middle",
                MUTED,
                13,
            )
        )
        if v is None:
            segment = []
            segments.append(segment)
            continue
        y = base - min(v, y_max) / y_max * (base - top_pad)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{OK}"/>')
        parts.append(_text(x, y - 8, f"{_fmt(v)}{unit}", "middle", size=13))
    for seg in segments:
        if len(seg) > 1:
            parts.insert(
                0, f'<polyline points="{" ".join(seg)}" fill="none" stroke="{OK}" stroke-width="2"/>'
            )
    desc = "; ".join(f"{label}: {'–' if v is None else _fmt(v) + unit}" for label, v in points)
    return _svg(height, title, desc, "".join(parts))
