"""Forms of the panel pages. Scores and checklist points are read as ``score_<code>`` / ``point_<code>`` fields
(the rubric decides how many), the rest through WTForms (CSRF included)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.period import PeriodField


class ActionForm(FlaskForm):
    """A button that posts (close, collect): CSRF only."""


class SheetForm(FlaskForm):
    version = HiddenField()
    note = TextAreaField(_l("Catatan untuk panel (opsional)"), validators=[Optional(), Length(max=4000)])
    save = SubmitField(_l("Simpan draf"))
    submit = SubmitField(_l("Kirim nilai"))


class CheckForm(FlaskForm):
    note = TextAreaField(_l("Catatan tambahan untuk penulis (opsional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Simpan hasil pemeriksaan"))


class RecuseForm(FlaskForm):
    reason = TextAreaField(_l("Alasan konflik kepentingan"),
                           validators=[DataRequired(_l("Tuliskan alasan konflik kepentingan Anda.")), Length(max=2000)])
    submit = SubmitField(_l("Saya mengundurkan diri dari tulisan ini"))


class TieForm(FlaskForm):
    decision = RadioField(_l("Keputusan"), choices=[SelectChoice("yes", _l("Naik / ditetapkan")),
                                                         SelectChoice("no", _l("Tidak naik"))],
                          validators=[DataRequired(_l("Pilih keputusan."))])
    reason = TextAreaField(_l("Alasan keputusan"),
                           validators=[DataRequired(_l("Tuliskan alasan keputusan.")), Length(max=2000)])
    submit = SubmitField(_l("Catat keputusan"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MembersForm(FlaskForm):
    members = MultiCheckboxField(_l("Anggota"), coerce=int)
    chair = SelectField(_l("Ketua"), coerce=int)
    mode = RadioField(_l("Cara penilaian"), choices=[
        SelectChoice("individual", _l("Lembar nilai masing-masing anggota (NA = rata-rata)")),
        SelectChoice("consensus", _l("Satu lembar konsensus diisi ketua setelah diskusi")),
    ], default="individual")
    submit = SubmitField(_l("Simpan susunan panel"))


class OpenPanelForm(FlaskForm):
    node = SelectField(_l("Panel"), validators=[DataRequired()])
    period = PeriodField(validators=[InputRequired(_l("Isi bulan, misalnya 2026-11."))])
    submit = SubmitField(_l("Buka panel"))
