"""A piece's summary (feeds, link previews) reads only the beginning of its text, and is exactly what the plain
text of the whole would give (``portal.elearning.feeds.summary_of``)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.elearning.feeds import SUMMARY_CHARS, _plain, summary_of


def whole(markdown_text: str, limit: int) -> str:
    """The summary from the whole text's plain text: what summary_of must give."""
    plain = _plain(markdown_text or "")
    return plain if len(plain) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


# Words, Markdown marks, spaces and line breaks, long runs of either: every place a beginning can be cut.
_PARTS = st.one_of(
    st.text(alphabet="abcdeéàŋ漢字0123456789.,", min_size=1, max_size=40),
    st.text(alphabet="#*_>`[]()|~-", min_size=1, max_size=12),
    st.text(alphabet=" \n\t\u3000\u00a0", min_size=1, max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PARTS, max_size=400).map("".join), st.integers(min_value=1, max_value=400))
def test_the_summary_of_a_beginning_is_the_summary_of_the_whole(text, limit):
    assert summary_of(text, limit) == whole(text, limit)


def test_long_words_and_marks_at_every_cut():
    for text in ["kata " * 2000, "a" * 5000 + " b", "# " * 3000 + "isi", "x" * 30000, "**tebal** " * 900,
                 "kata\u00a0" * 1500, "a" * 200 + " *" * 5000, ""]:  # exactly 200 characters, then only marks
        for limit in (1, 5, 199, 200, 201, SUMMARY_CHARS):
            assert summary_of(text, limit) == whole(text, limit), (text[:20], limit)
    assert summary_of(None) == ""
