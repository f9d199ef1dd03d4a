"""Forms of the rewards pages (CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.rewards.rules import MAX_QUOTA, MAX_REASON_CHARS


class _DateField(DateField):
    """A date whose unreadable value gets an Indonesian message saying what to write."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Tanggal tidak dikenali: tulis seperti 2027-03-15.")) from exc


class _IntegerField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Tuliskan bilangan bulat, misalnya 2.")) from exc


class AwardCorrectionForm(FlaskForm):
    title = StringField(_l("Penghargaan"), validators=[DataRequired(_l("Tuliskan nama penghargaan.")),
                                                       Length(max=200)])
    recipient_name = StringField(_l("Nama pada piagam (kosongkan: nama penulis tulisan)"),
                                 validators=[Optional(), Length(max=160)])
    description = TextAreaField(_l("Keterangan (opsional)"), validators=[Optional(), Length(max=2000)])
    reason = TextAreaField(_l("Alasan koreksi"), validators=[
        DataRequired(_l("Tuliskan alasan koreksi.")), Length(max=MAX_REASON_CHARS)])


class AwardRevokeForm(FlaskForm):
    revoke_reason = TextAreaField(_l("Alasan pencabutan"), validators=[
        DataRequired(_l("Tuliskan alasan pencabutan.")), Length(max=MAX_REASON_CHARS)])


class RoundForm(FlaskForm):
    year = _IntegerField(_l("Tahun"), validators=[InputRequired(_l("Tuliskan tahunnya.")),
                                                 NumberRange(2000, 2100, _l("Tahun tidak masuk akal."))])
    semester = SelectField(_l("Semester"), choices=[SelectChoice("1", _l("Semester 1 (Januari-Juni)")),
                                                   SelectChoice("2", _l("Semester 2 (Juli-Desember)"))],
                           validators=[DataRequired(_l("Pilih semester."))])
    quota = _IntegerField(_l("Kuota utusan per provinsi"), default=2, validators=[
        InputRequired(_l("Tuliskan kuota per provinsi.")),
        NumberRange(1, MAX_QUOTA, _l("Kuota per provinsi harus antara 1 dan %(max)d.", max=MAX_QUOTA))])
    workshop_name = StringField(_l("Nama lokakarya"), default="Lokakarya Penulisan Best Practice Tingkat Pusat",
                                validators=[DataRequired(_l("Tuliskan nama lokakarya.")), Length(max=200)])
    workshop_date = _DateField(_l("Tanggal lokakarya"), validators=[
        InputRequired(_l("Tuliskan tanggal lokakarya."))])
    workshop_place = StringField(_l("Tempat lokakarya"), default="Jakarta", validators=[
        DataRequired(_l("Tuliskan tempat lokakarya.")), Length(max=200)])


class _WriterChoices(SelectMultipleField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Pilihan penulis tidak dikenali; muat ulang halaman lalu pilih lagi.")) from exc


class ConfirmForm(FlaskForm):
    writers = _WriterChoices(_l("Utusan provinsi"), coerce=int, option_widget=CheckboxInput(),
                                  widget=ListWidget(prefix_label=False), validate_choice=False)
    reason = TextAreaField(_l("Alasan penggantian (wajib jika pilihan berbeda dari usulan)"),
                           validators=[Optional(), Length(max=MAX_REASON_CHARS)])
