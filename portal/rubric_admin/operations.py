"""Rubric versions: created whole and never edited (score sheets record the version they used)."""
from __future__ import annotations

from flask_babel import gettext as _

import scoring
from portal import audit
from portal.extensions import db
from portal.failures import PortalError
from portal.models.reviews import RubricVersion
from portal.rubrics import ensure_default_rubric, from_engine


class RubricRefused(PortalError):
    """The engine's checks (or a taken name) refused a new version; ``messages`` lists every problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def create_version(rubric: scoring.Rubric, *, by_id: int) -> RubricVersion:
    """Store a new, inactive rubric version after the engine's own checks (weights add up to 100, ...). The
    default rubric is stored first if it was not yet, so that it stays the active one and its name is taken."""
    ensure_default_rubric()
    messages = [str(p) for p in rubric.problems()]
    if db.session.scalar(db.select(RubricVersion.id).where(RubricVersion.version == rubric.version)):
        messages.append(_("Versi %(v)s sudah ada; beri nama lain.", v=rubric.version))
    if messages:
        raise RubricRefused(messages)
    version = from_engine(rubric, active=False)
    db.session.add(version)
    audit.record("rubric_created", target=f"rubric:{rubric.version}", user_id=by_id)
    db.session.commit()
    return version


def activate(version: RubricVersion, *, by_id: int) -> None:
    """Make this the rubric of panels opened from now on; open and closed panels keep their own."""
    ensure_default_rubric()
    for other in db.session.scalars(db.select(RubricVersion).where(RubricVersion.active.is_(True))):
        other.active = False
    version.active = True
    audit.record("rubric_activated", target=f"rubric:{version.version}", user_id=by_id)
    db.session.commit()
