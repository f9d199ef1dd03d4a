"""Exceptions raised by the scoring engine.

The portal turns these into messages for its (Indonesian-speaking) users, so every
:class:`Problem` carries an Indonesian message and says where the problem is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Source = Literal["csv", "dataframe"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as possible.

    ``row`` is a CSV line number (the header is line 1) when ``source`` is ``"csv"``,
    and the 0-based row position (``df.iloc[row]``, equal to the label of a default
    ``RangeIndex``) when ``source`` is ``"dataframe"``. ``None`` when the problem
    is not about one row (a missing column, a rubric setting).
    """

    row: int | None
    column: str | None
    message: str
    source: Source = "csv"

    def location(self) -> str:
        """Where the problem is, e.g. ``"baris 5, kolom score"``; empty when unknown."""
        parts = []
        if self.row is not None:
            parts.append(row_reference(self.row, self.source))
        if self.column is not None:
            parts.append(f"kolom {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


def row_reference(row: int, source: Source) -> str:
    """How a row is named in messages: ``baris 5`` (CSV line) or ``baris (indeks) 3``."""
    return f"baris {row}" if source == "csv" else f"baris (indeks) {row}"


class ScoringError(Exception):
    """Base class of every error the scoring engine raises on purpose."""


class _ProblemsError(ScoringError):
    """An error that lists every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ScoringInputError(_ProblemsError):
    """The score table was refused; ``problems`` lists every problem found."""


class RubricError(_ProblemsError):
    """The rubric is not valid; ``problems`` lists every problem found."""
