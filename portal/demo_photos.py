"""The demo's photos: drawn and stored by a background job, like every other long piece of work.

The demo seeders create the pieces and *plan* their photos (:func:`plan`: the piece, the position, the caption and
the scene); :func:`queue_planned` turns the plan into one job of the jobs engine (``portal/jobs.py``) that a
consumer of the task queue runs. The quick start's consumer (``bp-portal demo``) takes it while the portal already
answers, so the photos appear within seconds; ``flask --app portal load-demo`` runs the same task itself before it
returns (:func:`run_now`), so a script that loads the demo finds every photo in place.

The job is idempotent: a photo already stored at its position is not drawn again, so a retried attempt (after a
consumer died) or the task delivered twice only finishes what is missing.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from sqlalchemy import select

from portal import jobs, photos
from portal.extensions import db
from portal.models.jobs import Job
from portal.models.pieces import Photo, Piece

log = logging.getLogger(__name__)

KIND = "demo_photos"
PLAN = "demo_photo_plan"  # db.session.info: the photos planned by the seeders, until queue_planned


@dataclass(frozen=True)
class PlannedPhoto:
    piece_id: int
    position: int
    caption: str
    scene: str  # a kind of scene of portal.demo_scenes
    seed: str


def plan(piece: Piece, position: int, caption: str, scene: str, seed: str) -> None:
    """Plan one photo of a demo piece (flushed so it has an id); drawn later by the job."""
    if piece.id is None:
        db.session.flush()
    db.session.info.setdefault(PLAN, []).append(PlannedPhoto(piece.id, position, caption, scene, seed))


def queue_planned() -> Job | None:
    """One job for every planned photo (after the seeders' transaction committed); None when none was planned."""
    planned = db.session.info.pop(PLAN, [])
    if not planned:
        return None
    return jobs.create_job(KIND, {"photos": [asdict(p) for p in planned]}, user_id=None, result_name="")


def run_now(job: Job) -> str:
    """Run the job's first attempt in this process (the task a consumer would run); a consumer that receives the
    queue's message later finds the attempt taken and does nothing."""
    return jobs.run(job.id, job.attempt)


def build(run: jobs.JobRun) -> None:
    """The job's handler: draw and store each planned photo not stored yet, one piece at a time (committed per
    piece, so a retry keeps what was done)."""
    from portal.demo_scenes import scene_jpeg

    planned = [PlannedPhoto(**p) for p in run.parameters["photos"]]
    total = len(planned)
    run.progress(0, total)
    done = 0
    for piece_id in dict.fromkeys(p.piece_id for p in planned):
        piece = db.session.get(Piece, piece_id)
        mine = [p for p in planned if p.piece_id == piece_id]
        if piece is None:  # removed since the demo was loaded
            done += len(mine)
            continue
        have = set(db.session.scalars(select(Photo.position).where(Photo.piece_id == piece_id)))
        stored_keys = []
        try:
            for item in mine:
                if item.position not in have:
                    stored = photos.store_photo(scene_jpeg(item.scene, item.seed))
                    stored_keys.append(stored.key)
                    db.session.add(Photo(piece_id=piece_id, position=item.position, caption=item.caption,
                                         storage_key=stored.key, width=stored.width, height=stored.height,
                                         byte_size=stored.byte_size))
            db.session.commit()
        except BaseException:
            db.session.rollback()
            for key in stored_keys:
                photos.remove_photo(key)
            raise
        done += len(mine)
        run.progress(done, total)
