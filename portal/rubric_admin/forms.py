from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, IntegerField, StringField, TextAreaField
from wtforms.fields import FieldList
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class InstrumentForm(Form):
    code = IntegerField(_l("Nomor"), validators=[InputRequired(_l("Isi nomor instrumen.")), NumberRange(min=1)])
    name = StringField(_l("Nama instrumen"), validators=[DataRequired(_l("Isi nama instrumen.")), Length(max=120)])
    description = TextAreaField(_l("Yang dicari penilai"), validators=[Length(max=2000)])
    weight = IntegerField(_l("Bobot"), validators=[InputRequired(_l("Isi bobot (bilangan bulat)."))])


class RubricForm(FlaskForm):
    version = StringField(_l("Nama versi"), validators=[DataRequired(_l("Isi nama versi, misalnya pob-2027.")),
                                                          Length(max=40)])
    passing_grade = IntegerField(_l("Passing grade"), validators=[InputRequired(_l("Isi passing grade."))])
    min_score = IntegerField(_l("Skor terendah"), validators=[InputRequired(_l("Isi skor terendah."))])
    max_score = IntegerField(_l("Skor tertinggi"), validators=[InputRequired(_l("Isi skor tertinggi."))])
    instruments = FieldList(FormField(InstrumentForm), min_entries=1)
