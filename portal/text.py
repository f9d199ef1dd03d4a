"""Markdown to safe HTML: python-markdown first, then nh3 sanitises the result (never the other way round)."""
from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ("tables", "sane_lists")
# The version of the rules below (extensions, tags, attributes, schemes, headings). A piece keeps the rendering of
# its text made when the text was saved, with this number (``Piece.body_html``); raise it whenever a rule changes,
# and renderings made under an older one are no longer shown: the text is converted again when read.
RENDERING = 1

_converters = threading.local()


def _converter() -> md.Markdown:
    """This thread's Markdown converter, reset for a new text. Building one (its extensions' processors and
    patterns) cost a tenth of converting a piece's text; one instance must not convert two texts at once, so
    each thread has its own."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = md.Markdown(extensions=list(EXTENSIONS), output_format="html")
    return converter.reset()


@lru_cache(maxsize=256)
def render_markdown(text: str) -> Markup:
    """Render a writer's Markdown exactly as readers see it. Raw HTML is escaped, not passed through.

    A pure function of the text, so the latest results are kept: a popular piece is converted once per worker,
    not at every reading."""
    html = _converter().convert(_escape_raw_html(text or ""))
    # Headings inside a piece start at h2: the page title is the h1.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return Markup(_clean(html))


# nh3's reusable sanitizers, each made once: ``nh3.clean`` builds its sanitizer from the Python sets at every call,
# which cost a piece page's first rendering 118 microseconds per text (32 when nothing else ran in between).
_PIECE_TEXT = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                          link_rel="noopener noreferrer nofollow", strip_comments=True)
_COMMENT_TEXT = nh3.Cleaner(tags={"a", "br"}, attributes={"a": {"href"}}, url_schemes={"http", "https"},
                            link_rel="noopener noreferrer nofollow ugc")


def _clean(html: str) -> str:
    """What a piece's text may hold, whatever made the HTML."""
    return _PIECE_TEXT.clean(html)


def stored_or_rendered(body_md: str | None, body_html: str | None, rendering: int | None) -> Markup:
    """A piece's text as readers see it: the rendering stored when the text was saved (see ``RENDERING``), or,
    when there is none made under the current rules, the text converted now. Converting a piece's text cost
    1.5 ms of CPU, the largest part of a piece page's first rendering. The stored rendering is sanitised again
    (30 microseconds): the column could have been written by something else than the portal's save (a restored
    backup, a repair in SQL), and what a page shows must never depend on that."""
    if body_html is not None and rendering == RENDERING:
        return Markup(_clean(body_html))
    return render_markdown(body_md or "")


def _escape_raw_html(text: str) -> str:
    # Writers type Markdown, not HTML: show any tag literally instead of dropping it silently.
    return text.replace("<", "&lt;").replace(">", "&gt;") if "<" in text else text


_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def render_plain_with_links(text: str) -> Markup:
    """Comment text: plain text, line breaks kept, bare http(s) links made clickable, all else escaped."""
    out = []
    last = 0
    for match in _URL.finditer(text or ""):
        out.append(str(escape(text[last:match.start()])))
        url = match.group(0).rstrip(".,);:!?")
        tail = match.group(0)[len(url):]
        out.append(f'<a href="{escape(url)}" rel="noopener noreferrer nofollow ugc">{escape(url)}</a>{escape(tail)}')
        last = match.end()
    out.append(str(escape((text or "")[last:])))
    html = "".join(out).replace("\n", "<br>")
    return Markup(_COMMENT_TEXT.clean(html))


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))
