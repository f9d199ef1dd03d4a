"""The rubric: instruments, weights, the score range and the passing grade."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scoring.errors import Problem, RubricError

WEIGHT_TOTAL = 100
# Keeps every total and every sum of totals an exact integer in a float64.
MAX_SCORE_LIMIT = 1000
# The procedure's passing grade: the default of a rubric that does not set its own.
DEFAULT_PASSING_GRADE = 700


@dataclass(frozen=True)
class Instrument:
    """One instrument of the rubric: what the panel scores, and how much it counts."""

    code: int
    name: str
    description: str
    weight: int


@dataclass(frozen=True)
class Rubric:
    """A versioned rubric. Construction does not check it: call :meth:`validate`.

    Every function of the engine that takes a rubric validates it first.
    """

    version: str
    passing_grade: int = DEFAULT_PASSING_GRADE
    min_score: int = 1
    max_score: int = 10
    instruments: tuple[Instrument, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # A list would make two equal rubrics compare unequal and the rubric unhashable.
        if not isinstance(self.instruments, tuple):
            object.__setattr__(self, "instruments", tuple(self.instruments))

    @property
    def codes(self) -> tuple[int, ...]:
        """The instrument codes, in rubric order."""
        return tuple(i.code for i in self.instruments)

    @property
    def weights(self) -> dict[int, int]:
        """Weight by instrument code."""
        return {i.code: i.weight for i in self.instruments}

    @property
    def min_total(self) -> int:
        """The smallest total a reviewer can give (every instrument at ``min_score``)."""
        return self.min_score * sum(i.weight for i in self.instruments)

    @property
    def max_total(self) -> int:
        """The largest total a reviewer can give (every instrument at ``max_score``)."""
        return self.max_score * sum(i.weight for i in self.instruments)

    def total(self, scores: Mapping[int, int | None]) -> int:
        """One sheet's total: the sum of score x weight over the instruments scored so far.

        ``scores`` maps instrument code to score; an instrument left empty (None or absent) counts
        nothing, so a draft shows its running total. Codes this rubric does not have count nothing.
        Scores are not checked here: :func:`scoring.validate_scores` does that for a whole table.
        """
        return sum(i.weight * scores[i.code] for i in self.instruments if scores.get(i.code) is not None)

    def problems(self) -> list[Problem]:
        """Every problem of this rubric (an empty list when it is valid)."""
        found = [Problem(None, None, m) for m in _settings_problems(self)]
        found += [Problem(None, None, m) for m in _instrument_problems(self.instruments)]
        return found

    def validate(self) -> None:
        """Raise :class:`RubricError` listing every problem, or return ``None``."""
        found = self.problems()
        if found:
            raise RubricError(found)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _settings_problems(rubric: Rubric) -> list[str]:
    found = []
    if not isinstance(rubric.version, str) or not rubric.version.strip():
        found.append(f"versi rubrik harus berupa teks yang tidak kosong (didapat: {rubric.version!r})")
    if not _is_int(rubric.passing_grade):
        found.append(f"passing_grade harus bilangan bulat (didapat: {rubric.passing_grade!r})")
    low, high = rubric.min_score, rubric.max_score
    if not (_is_int(low) and _is_int(high) and 0 <= low < high <= MAX_SCORE_LIMIT):
        found.append(
            "min_score dan max_score harus bilangan bulat dengan "
            f"0 <= min_score < max_score <= {MAX_SCORE_LIMIT} (didapat: {low!r} dan {high!r})"
        )
    return found


def _instrument_problems(instruments: tuple[Instrument, ...]) -> list[str]:
    if not instruments:
        return ["rubrik harus memuat paling sedikit satu instrumen"]
    found: list[str] = []
    seen: set[int] = set()
    for position, item in enumerate(instruments, start=1):
        label = f"instrumen ke-{position}"
        if not isinstance(item, Instrument):
            found.append(f"{label} bukan Instrument (didapat: {item!r})")
            continue
        if not _is_int(item.code) or item.code < 1:
            found.append(f"{label}: kode harus bilangan bulat positif (didapat: {item.code!r})")
        elif item.code in seen:
            found.append(f"{label}: kode {item.code} dipakai lebih dari sekali")
        else:
            seen.add(item.code)
        if not isinstance(item.name, str) or not item.name.strip():
            found.append(f"{label}: nama harus berupa teks yang tidak kosong (didapat: {item.name!r})")
        if not isinstance(item.description, str):
            found.append(f"{label}: deskripsi harus berupa teks (didapat: {item.description!r})")
        if not _is_int(item.weight) or item.weight < 1:
            found.append(f"{label}: bobot harus bilangan bulat positif (didapat: {item.weight!r})")
    weights = [i.weight for i in instruments if isinstance(i, Instrument)]
    if all(_is_int(w) for w in weights) and sum(weights) != WEIGHT_TOTAL:
        found.append(f"jumlah bobot instrumen {sum(weights)}, seharusnya {WEIGHT_TOTAL}")
    return found


_DEFAULT_INSTRUMENTS = (
    (
        1,
        "Kondisi riil di lapangan",
        "Situasi nyata di lapangan, diceritakan dengan jujur dan proporsional.",
        10,
    ),
    (
        2,
        "Inovasi, kreatif, dan menginspirasi",
        "Inovasi dan kreativitas yang mencapai tujuan dan menginspirasi pelaku lain.",
        20,
    ),
    (3, "Kualitas fasilitasi konsultan", "Mutu fasilitasi konsultan dan pengaruhnya.", 10),
    (4, "Pengembangan kapasitas pelaku", "Pengembangan kapasitas pelaku dan hasilnya.", 10),
    (5, "Kesesuaian dengan bakuan program", "Sejalan dengan pedoman dan standar (bakuan) program.", 10),
    (
        6,
        "Perubahan yang terjadi",
        "Perubahan pola pikir dan perilaku, yang berulang dalam kegiatan lain.",
        20,
    ),
    (7, "Peluang keberlanjutan", "Keberlanjutan: berpola, melembaga, dan melibatkan pihak lain.", 10),
    (
        8,
        "Kualitas tulisan",
        "Kalimat efektif, padat, runtut, lengkap, dan jelas; ada foto, alamat, dan kontak.",
        10,
    ),
)


def default_rubric() -> Rubric:
    """The 8-instrument rubric of the 2010 procedure (version ``"pob-2010"``).

    Scores 1 to 10, passing grade 700 (``DEFAULT_PASSING_GRADE``). The weights are an assumption: the source
    says each instrument weighs 10 or 20 and the weights add up to 100, but its table
    of which two instruments weigh 20 is lost. We assume instruments 2 (innovation)
    and 6 (change) weigh 20 and the others 10; a rubric file can say otherwise.
    """
    return Rubric(
        version="pob-2010",
        passing_grade=DEFAULT_PASSING_GRADE,
        min_score=1,
        max_score=10,
        instruments=tuple(Instrument(*row) for row in _DEFAULT_INSTRUMENTS),
    )


def rubric_from_mapping(data: Mapping[str, Any]) -> Rubric:
    """Build and validate a rubric from a mapping shaped like the TOML file.

    Unknown keys are refused (a misspelt ``wieght`` must not silently fall back to
    a default). Raises :class:`RubricError` listing every problem.
    """
    found: list[Problem] = []
    top_keys = {"version", "passing_grade", "min_score", "max_score", "instruments"}
    found += _unknown_keys(data, top_keys, "rubrik")
    raw_instruments = data.get("instruments", [])
    if not isinstance(raw_instruments, list):
        found.append(Problem(None, None, "instruments harus berupa daftar tabel [[instruments]]"))
        raw_instruments = []
    instruments = []
    for position, raw in enumerate(raw_instruments, start=1):
        if not isinstance(raw, Mapping):
            found.append(Problem(None, None, f"instrumen ke-{position} harus berupa tabel"))
            continue
        found += _unknown_keys(raw, {"code", "name", "description", "weight"}, f"instrumen ke-{position}")
        instruments.append(
            Instrument(raw.get("code"), raw.get("name"), raw.get("description", ""), raw.get("weight"))
        )
    rubric = Rubric(
        version=data.get("version"),
        passing_grade=data.get("passing_grade", DEFAULT_PASSING_GRADE),
        min_score=data.get("min_score", 1),
        max_score=data.get("max_score", 10),
        instruments=tuple(instruments),
    )
    found += rubric.problems()
    if found:
        raise RubricError(found)
    return rubric


def _unknown_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> list[Problem]:
    return [
        Problem(None, None, f"{where}: kunci {key!r} tidak dikenal") for key in data if key not in allowed
    ]
