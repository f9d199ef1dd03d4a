"""Markdown to safe HTML: python-markdown first, then nh3 sanitises the result (never the other way round)."""
from __future__ import annotations

import re
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


@lru_cache(maxsize=256)
def render_markdown(text: str) -> Markup:
    """Render a writer's Markdown exactly as readers see it. Raw HTML is escaped, not passed through.

    A pure function of the text, so the latest results are kept: a popular piece is converted once per worker,
    not at every reading."""
    html = md.markdown(_escape_raw_html(text or ""), extensions=["tables", "sane_lists"], output_format="html")
    # Headings inside a piece start at h2: the page title is the h1.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)


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
    return Markup(nh3.clean(html, tags={"a", "br"}, attributes={"a": {"href"}}, url_schemes={"http", "https"},
                            link_rel="noopener noreferrer nofollow ugc"))


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))
