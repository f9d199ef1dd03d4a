"""The rubric in the database, and its conversion to the scoring engine's Rubric."""
from __future__ import annotations

import scoring
from portal.extensions import db
from portal.models.reviews import RubricInstrument, RubricVersion


def to_engine(version: RubricVersion) -> scoring.Rubric:
    return scoring.Rubric(
        version=version.version,
        passing_grade=version.passing_grade,
        min_score=version.min_score,
        max_score=version.max_score,
        instruments=tuple(
            scoring.Instrument(code=i.code, name=i.name, description=i.description, weight=i.weight)
            for i in version.instruments
        ),
    )


def from_engine(rubric: scoring.Rubric, *, active: bool = False) -> RubricVersion:
    rubric.validate()
    return RubricVersion(
        version=rubric.version,
        passing_grade=rubric.passing_grade,
        min_score=rubric.min_score,
        max_score=rubric.max_score,
        active=active,
        instruments=[
            RubricInstrument(code=i.code, name=i.name, description=i.description, weight=i.weight)
            for i in rubric.instruments
        ],
    )


def active_rubric() -> RubricVersion:
    """The rubric new panels use; the default one is created the first time it is needed."""
    version = db.session.scalar(db.select(RubricVersion).where(RubricVersion.active.is_(True)))
    if version is None:
        version = ensure_default_rubric()
    return version


def shown_rubric() -> RubricVersion:
    """The rubric new panels will use, for a page to show: like :func:`active_rubric` but never writes; before
    the default is first needed it is an unsaved copy of the engine's default."""
    version = db.session.scalar(db.select(RubricVersion).where(RubricVersion.active.is_(True)))
    return version if version is not None else from_engine(scoring.default_rubric(), active=True)


def ensure_default_rubric() -> RubricVersion:
    default = scoring.default_rubric()
    version = db.session.scalar(db.select(RubricVersion).where(RubricVersion.version == default.version))
    if version is None:
        version = from_engine(default, active=True)
        db.session.add(version)
        db.session.flush()
    return version
