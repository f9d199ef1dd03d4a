"""Forms of the account pages; role choices are filled by the view (a data manager cannot grant admin)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

SCOPE_HINT = _l(
    "Kode tim atau KMW untuk penulis; kode kota/kabupaten atau KMW untuk pengelola data dan penilai; "
    "kosong untuk tingkat nasional, pembaca dan administrator. Bila kode sama di dua tingkat, tulis "
    "kota:KODE atau kmw:KODE."
)


class RoleFields:
    role = SelectField(_l("Peran"), choices=[])
    scope_code = StringField(_l("Kode lingkup"), validators=[Optional(), Length(max=40)])


class AccountForm(RoleFields, FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Isi email.")), Email(_l("Alamat email tidak valid.")), Length(max=254)],
    )
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Isi nama.")), Length(max=160)])
    phone = StringField(_l("Telepon"), validators=[Optional(), Length(max=40)])
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=160)])


class RoleForm(RoleFields, FlaskForm):
    pass


class ActionForm(FlaskForm):
    """Only the CSRF token (remove a role, disable, enable, new link)."""


class AccountImportForm(FlaskForm):
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV."))])
