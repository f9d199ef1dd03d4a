"""View helpers shared by the submissions feature's route modules (writer pages, files, management)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal import permissions as perm
from portal import storage
from portal.extensions import db
from portal.models.pieces import Piece
from portal.submissions.operations import SubmissionError


def load_piece(piece_id: int, *, edit: bool = False) -> Piece:
    """The piece, or 404 when the user may not know it, or 403 when they may see but not edit it."""
    piece = db.session.get(Piece, piece_id)
    if piece is None or not perm.can_view_piece(current_user, piece):
        abort(404)
    if edit and not perm.can_edit_piece(current_user, piece):
        abort(403)
    return piece


def read_upload(upload, limit: int) -> bytes:
    """The uploaded file's bytes; a file over ``limit`` is refused with its real size, without holding all of it."""
    try:
        return storage.read_upload(upload, limit)
    except storage.FileTooLarge as exc:
        raise SubmissionError(str(exc)) from None
