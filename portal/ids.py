"""Numbers that arrive in a URL, bounded where they enter so no query ever sees one a column cannot hold.

Every id column (and the year of a knowledge product) is an INTEGER: 32 bits on PostgreSQL, which refuses to
cast a larger parameter ("integer out of range"); SQLite's driver refuses one beyond 64 bits. Either way the
page answered 500. The app's ``int`` URL converter refuses ids beyond :data:`MAX_ID`, so the route does not
match and the visitor gets the 404 page; every route gets this from the app factory, none has to remember it.
Numbers in query strings go through :func:`int_arg` and :func:`page_arg`.
"""
from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL: no row can have a larger id
MAX_PAGE = 10_000  # far beyond any list of the portal; keeps OFFSET small


class IdConverter(IntegerConverter):
    """``<int:...>``: digits only, at most :data:`MAX_ID` (a route may ask for a smaller ``max``)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bound, signed)


def bounded_int(value: str) -> int:
    """``type=`` for ``request.args.get``: an id as the database can hold it, else ``ValueError`` (the default)."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError("id out of range")
    return number


def int_arg(name: str) -> int | None:
    """The whole number (an id, a year) in the query string parameter ``name``; None when it is missing, not a
    number, or more than an INTEGER column holds."""
    return request.args.get(name, type=bounded_int)


def page_arg(name: str) -> int:
    """A page number from the query string: 1 when missing or unreadable, at most :data:`MAX_PAGE`."""
    page = request.args.get(name, 1, type=bounded_int) or 1
    return max(1, min(page, MAX_PAGE))
