"""The submissions demo seeder: complete pieces with real stored photos, one draft, one returned, a knowledge product."""
from portal import demo, photos
from portal.extensions import db
from portal.models.pieces import KnowledgeProduct, Piece, PieceStatus
from portal.submissions import demo as submissions_demo
from portal.submissions.requirements import check_requirements


def test_seed_makes_complete_pieces(app):
    ctx = demo.build_tree()
    demo.build_accounts(ctx)
    with app.test_request_context():
        submissions_demo.seed(ctx)
        db.session.commit()
        pieces = db.session.scalars(db.select(Piece)).all()
        assert len(pieces) == len(submissions_demo.PIECES)
        statuses = [p.status for p in pieces]
        assert statuses.count(PieceStatus.DRAFT) == 1 and statuses.count(PieceStatus.RETURNED) == 1
        for piece in pieces:
            assert check_requirements(piece) == [], piece.team.code
            assert len(piece.photos) == 3
            for photo in piece.photos:
                assert all(photos.photo_path(photo.storage_key, v).is_file() for v in photos.VARIANTS)
    assert db.session.scalar(db.select(KnowledgeProduct)).submitted_at is not None
