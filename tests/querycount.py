"""Count the SQL statements a block of code sends: ``with count_queries(db.engine) as q: ...; len(q)``.

A page whose statement count grows with the number of rows it shows runs a query per row (N+1).
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

from sqlalchemy import event


class Statements(list):
    """The statements seen, in order (``len()`` is the count)."""

    def summary(self, width: int = 160) -> str:
        return "\n".join(f"{i + 1:3d}. {' '.join(s.split())[:width]}" for i, s in enumerate(self))

    def repeated(self, width: int = 120) -> str:
        """The statements sent more than once, most frequent first: where a query per row hides."""
        counts = Counter(" ".join(s.split())[:width] for s in self)
        return "\n".join(f"{n:5d} x {text}" for text, n in counts.most_common() if n > 1)


@contextmanager
def count_queries(engine):
    seen = Statements()

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
