"""Per-worker copies of what closed months and published pieces show, the same for every reader who may see it.

Kept here: a closed panel's results list, a closed KMW month's Lampiran 2, the article part of a published
piece's page, the months and provinces' counts the e-learning lists offer, and the engine form of a rubric
version (a version is never edited once saved: a change makes a new version). A closed panel's scores are
locked and its decision recorded, and a published piece can no longer be edited by its writers, so what these
show can only change if a panel is closed again (after a reopening: its ``closed_at`` moves, which the caller
puts in its key) or by a change that also shows on a public page: a name, a title, an award, a publication or
withdrawal. Those move the content generation of the page cache (``portal.page_cache.content_generation``),
which is added to every key here, with the language. Every worker keeps the latest ``size`` values it built,
each for ``PUBLIC_CACHE_SECONDS`` at most (the lifetime of a cached public page: the bound on staleness if a
change ever failed to reach the generation); they are shared read-only meanwhile.

The piece beside a score sheet is kept here too, though a piece under review is not public: its key is the
piece's row and its photos' rows themselves (see ``panels.routes._piece_part``), so whatever changes in what it
shows makes a new key, with or without a change of generation.

Without a page cache there is no generation shared by the workers, so nothing is kept.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import Response, current_app, render_template
from markupsafe import Markup

from portal.i18n import current_locale
from portal.page_cache import content_generation

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[tuple, tuple[float, T]] = OrderedDict()  # key -> (built at, value)
        self._lock = threading.Lock()

    def get(self, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
        """The value kept under ``key`` (plus the language and the content generation), else ``build()``."""
        generation = content_generation()
        if generation is None:
            return build()
        full_key = (*key, current_locale(), generation)
        now = time.monotonic()
        with self._lock:
            found = self._values.get(full_key)
            if found is not None and now - found[0] < current_app.config["PUBLIC_CACHE_SECONDS"]:
                self._values.move_to_end(full_key)
                return found[1]
        value = build()
        with self._lock:
            self._values[full_key] = (now, value)
            self._values.move_to_end(full_key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_PART_SLOT = "\x00kept-part\x00"  # what the page's template writes where the kept part goes


def encode_part(html: str) -> bytes:
    """A rendered part of a page, kept to be sent by :func:`page_around`."""
    return html.encode("utf-8")


def page_around(part: bytes, template_name: str, name: str, **context) -> Response:
    """``template_name`` rendered with the kept ``part`` (the template's variable ``name``), sent as the bytes
    the part was encoded to when it was kept.

    A closed national panel's results list is 140 kB of HTML. Put into the page's text at each request, it was
    copied into the page's string and encoded to UTF-8 again, a third of the page's instructions (its dashes
    and signs make Python keep the whole page as two bytes a character, which encodes slowly). Here only the
    page around it is encoded; the response's body is the three pieces."""
    html = render_template(template_name, **{name: Markup(_PART_SLOT)}, **context)
    before, slot, after = html.partition(_PART_SLOT)
    if not slot:  # the template did not show the part
        return current_app.response_class(html)
    return current_app.response_class([before.encode("utf-8"), part, after.encode("utf-8")])
