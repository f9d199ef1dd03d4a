"""Forms of the tree pages. Fields that do not apply to a level are removed by the view."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.models.org import TIMEZONES

TIMEZONE_CHOICES = [SelectChoice(tz, f"{tz} ({label})") for tz, label in TIMEZONES.items()]
KIND_CHOICES = [SelectChoice("tf", _l("Tim Fasilitator (TF)")), SelectChoice("korkot", _l("Tim Korkot"))]


class NodeForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(_l("Isi kode.")), Length(max=30)])
    name = StringField(_l("Nama"), validators=[DataRequired(_l("Isi nama.")), Length(max=160)])
    parent_code = StringField(_l("Kode induk"), validators=[Optional(), Length(max=30)])
    timezone = SelectField(_l("Zona waktu"), choices=TIMEZONE_CHOICES)
    kind = SelectField(_l("Jenis tim"), choices=KIND_CHOICES)


class DeleteForm(FlaskForm):
    """Only the CSRF token."""


class TreeImportForm(FlaskForm):
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV."))])
