"""The forms of the anthology pages: opening a year (GET, no CSRF) and composing a book (POST, CSRF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from portal.anthology.content import FIRST_YEAR, LAST_YEAR
from portal.anthology.operations import FOREWORD_MAX, TITLE_MAX
from portal.models.books import PAGE_FORMATS

NATIONAL_CHOICE = "nasional"


class OpenForm(FlaskForm):
    """/antologi/?tahun=2026&cakupan=nasional (or a province's id)."""

    class Meta:
        csrf = False

    tahun = IntegerField(_l("Tahun"), validators=[InputRequired(_l("Isi tahun buku, misalnya 2026.")),
                                                   NumberRange(FIRST_YEAR, LAST_YEAR,
                                                               _l("Tulis tahun antara 2000 dan 2100."))])
    cakupan = SelectField(_l("Cakupan"), choices=[], validators=[InputRequired(_l("Pilih cakupan buku."))])


class BookForm(FlaskForm):
    judul = StringField(_l("Judul buku"), validators=[Optional(), Length(max=TITLE_MAX, message=_l("Judul buku paling banyak %(max)d karakter."))])
    pengantar = TextAreaField(_l("Kata pengantar"), validators=[
        Optional(), Length(max=FOREWORD_MAX, message=_l("Kata pengantar paling banyak %(max)d karakter."))])
    ukuran = RadioField(_l("Ukuran halaman PDF"), choices=[SelectChoice(f, f) for f in PAGE_FORMATS], default="A4",
                        validate_choice=False,
                        validators=[InputRequired(_l("Pilih ukuran halaman A4 atau A5.")),
                                    AnyOf(PAGE_FORMATS, _l("Pilih ukuran halaman A4 atau A5."))])
