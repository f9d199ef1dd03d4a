"""Forms of the e-learning pages (CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.elearning.rules import MAX_COMMENT_CHARS, MAX_REASON_CHARS


class CommentForm(FlaskForm):
    kind = RadioField(_l("Jenis"), choices=[SelectChoice("comment", _l("Komentar")), SelectChoice("question", _l("Pertanyaan"))],
                      default="comment", validators=[Optional()])
    parent_id = HiddenField()
    body = TextAreaField(_l("Tulis komentar atau pertanyaan"), validators=[
        DataRequired(_l("Tulis isi komentar terlebih dahulu.")),
        Length(max=MAX_COMMENT_CHARS, message=_l("Komentar terlalu panjang (maksimal %(max)d karakter)."))])


class ReportForm(FlaskForm):
    reason = StringField(_l("Alasan melaporkan (opsional)"), validators=[Optional(), Length(max=MAX_REASON_CHARS)])


class ModerateForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Alasan"), validators=[Optional(), Length(max=MAX_REASON_CHARS)])


class AwardForm(FlaskForm):
    title = StringField(_l("Penghargaan"), validators=[
        DataRequired(_l("Tuliskan nama penghargaan.")), Length(max=200)],
        default="Undangan lokakarya penulisan nasional")
    description = TextAreaField(_l("Keterangan (opsional)"), validators=[Optional(), Length(max=2000)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token (confirm, mark read, publish)."""
