"""The demo seeders: complete pieces whose photos are drawn by a background job, one draft, one returned, a
knowledge product; texts and places that read like the program (no numbered duplicates, no repeated sentences)."""
import re

from portal import demo, demo_photos, photos
from portal.extensions import db
from portal.models.jobs import Job, JobState
from portal.models.org import Kelurahan
from portal.models.pieces import KnowledgeProduct, Photo, Piece, PieceStatus
from portal.submissions import demo as submissions_demo
from portal.submissions.demo_texts import TEXTS
from portal.submissions.requirements import check_requirements
from tests.builders_jobs import consumer_thread, wait_for


def seeded(app):
    ctx = demo.build_tree()
    demo.build_accounts(ctx)
    submissions_demo.seed(ctx)
    db.session.commit()
    return ctx


def test_seed_makes_complete_pieces_once_the_photo_job_ran(app):
    with app.test_request_context():
        seeded(app)
        assert db.session.scalar(db.select(db.func.count(Photo.id))) == 0  # planned, not drawn in the seeder
        job = demo_photos.queue_planned()
        assert job.kind == demo_photos.KIND and job.state == JobState.QUEUED
        assert demo_photos.run_now(job) == "done"
        db.session.expire_all()
        pieces = db.session.scalars(db.select(Piece)).all()
        assert len(pieces) == len(submissions_demo.PIECES)
        statuses = [p.status for p in pieces]
        assert statuses.count(PieceStatus.DRAFT) == 1 and statuses.count(PieceStatus.RETURNED) == 1
        for piece in pieces:
            assert check_requirements(piece) == [], piece.team.code
            assert len(piece.photos) == 3
            team = piece.team
            place = team.kelurahan[0].name.replace("Kelurahan ", "") if team.kelurahan else team.city.name
            assert place in piece.photos[0].caption and place in piece.title
            for photo in piece.photos:
                assert all(photos.photo_path(photo.storage_key, v).is_file() for v in photos.VARIANTS)
        finished = db.session.get(Job, job.id)
        assert finished.state == JobState.DONE and finished.result_file is None
        assert finished.progress_done == finished.progress_total == 3 * len(pieces)
    assert db.session.scalar(db.select(KnowledgeProduct)).submitted_at is not None


def test_the_photo_job_is_idempotent_and_runs_on_a_consumer(app):
    """A consumer of the task queue takes the queued job; a second attempt only draws what is missing."""
    with app.test_request_context():
        seeded(app)
        job = demo_photos.queue_planned()
        job_id = job.id
    def finished():
        db.session.rollback()
        state = db.session.scalar(db.select(Job.state).where(Job.id == job_id))
        return state if state in (JobState.DONE, JobState.FAILED) else None

    with consumer_thread(app, workers=1):
        wait_for(finished, 180, "the demo photo job to finish")
    with app.test_request_context():
        assert db.session.get(Job, job_id).state == JobState.DONE
        count = db.session.scalar(db.select(db.func.count(Photo.id)))
        first = db.session.scalars(db.select(Photo).order_by(Photo.id)).first()
        keys = set(db.session.scalars(db.select(Photo.storage_key)))
        db.session.delete(first)  # as if the attempt had died before that piece was committed
        db.session.commit()
        again = demo_photos.jobs.create_job(demo_photos.KIND, db.session.get(Job, job_id).parameters, user_id=None,
                                            result_name="")
        assert demo_photos.run_now(again) == "done"
        assert db.session.scalar(db.select(db.func.count(Photo.id))) == count  # the one missing photo, no more
        assert len(keys & set(db.session.scalars(db.select(Photo.storage_key)))) == count - 1


def test_demo_texts_and_places_read_like_the_program(app):
    with app.test_request_context():
        seeded(app)
        names = db.session.scalars(db.select(Kelurahan.name)).all()
        assert names and not [n for n in names if re.search(r"\d", n)]  # no "Kelurahan Semarang 4-1"
        assert len(set(names)) == len(names)
        by_month: dict[str, set[str]] = {}
        for piece in db.session.scalars(db.select(Piece)):
            sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", piece.body_md) if len(s.strip()) > 20]
            assert len(sentences) == len(set(sentences)), piece.title  # no sentence twice in a piece
            assert not re.search(r"\d+-\d+\)?$", piece.title), piece.title
            story = piece.title.split(" di ")[0]
            assert story not in by_month.setdefault(piece.period, set()), (piece.period, story)
            by_month[piece.period].add(story)
    every_sentence = [s for _t, _th, body in TEXTS for s in re.split(r"(?<=[.!?])\s+", body) if len(s) > 20]
    assert len(every_sentence) == len(set(every_sentence))  # the stories share no sentence
