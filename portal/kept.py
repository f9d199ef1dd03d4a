"""Per-worker copies of what closed months show: a closed panel's results, a closed KMW month's recap.

A closed panel's scores are locked and its decision recorded, so what such a page shows can only change if
the panel is closed again (after a reopening: its ``closed_at`` moves) or if a name or title it shows is
edited. The key a caller gives names the first; the content generation of the page cache
(``portal.page_cache.content_generation``), which moves on at every committed change that can show on a
public page (names and titles included), is added here for the second. Every worker keeps the latest
``size`` values it built; they are shared read-only afterwards.

Without a page cache there is no generation shared by the workers, so nothing is kept.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from portal.i18n import current_locale
from portal.page_cache import content_generation

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[tuple, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
        """The value kept under ``key`` (plus the language and the content generation), else ``build()``."""
        generation = content_generation()
        if generation is None:
            return build()
        full_key = (*key, current_locale(), generation)
        with self._lock:
            value = self._values.get(full_key)
            if value is not None:
                self._values.move_to_end(full_key)
                return value
        value = build()
        with self._lock:
            self._values[full_key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
