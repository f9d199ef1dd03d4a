"""Reading and writing rubric files (TOML).

Python 3.11 reads TOML with :mod:`tomllib` but cannot write it, so the writer is a
small function of our own, tested by round trip.
"""

from __future__ import annotations

import tomllib
from os import PathLike

from scoring.errors import Problem, RubricError
from scoring.rubric import Rubric, rubric_from_mapping

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string, quotes included."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def rubric_to_toml(rubric: Rubric) -> str:
    """The rubric as TOML text that :func:`rubric_from_toml` reads back unchanged."""
    rubric.validate()
    lines = [
        f"version = {toml_string(rubric.version)}",
        f"passing_grade = {rubric.passing_grade}",
        f"min_score = {rubric.min_score}",
        f"max_score = {rubric.max_score}",
    ]
    for item in rubric.instruments:
        lines += [
            "",
            "[[instruments]]",
            f"code = {item.code}",
            f"name = {toml_string(item.name)}",
            f"description = {toml_string(item.description)}",
            f"weight = {item.weight}",
        ]
    return "\n".join(lines) + "\n"


def rubric_from_toml(text: str) -> Rubric:
    """Parse and validate a rubric from TOML text; raises :class:`RubricError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RubricError([Problem(None, None, f"berkas rubrik bukan TOML yang sah: {error}")]) from error
    return rubric_from_mapping(data)


def load_rubric(path: str | PathLike[str]) -> Rubric:
    """Read and validate a rubric file; raises :class:`RubricError`."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise RubricError(
            [Problem(None, None, f"berkas rubrik {path} tidak dapat dibaca: {error}")]
        ) from error
    return rubric_from_toml(text)
