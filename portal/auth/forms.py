from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from portal.auth.passwords import password_problems


class NewPasswordMixin:
    def validate_password(self, field):
        problems = password_problems(field.data or "", email=getattr(getattr(self, "email", None), "data", "") or "")
        if problems:
            raise ValidationError(" ".join(problems))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Isi email Anda."))])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Isi kata sandi Anda."))])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(_l("Isi kata sandi saat ini."))])
    password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(_l("Isi kata sandi baru."))])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[EqualTo("password", _l("Kedua kata sandi tidak sama."))]
    )


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(_l("Isi kata sandi baru."))])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[EqualTo("password", _l("Kedua kata sandi tidak sama."))]
    )


class RegisterForm(NewPasswordMixin, FlaskForm):
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Isi nama Anda.")), Length(max=160)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Isi email Anda.")),
                                                Email(_l("Alamat email tidak valid.")), Length(max=254)])
    phone = StringField(_l("Nomor telepon (tidak wajib)"), validators=[Length(max=40)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Isi kata sandi."))])
    confirm = PasswordField(_l("Ulangi kata sandi"), validators=[EqualTo("password", _l("Kedua kata sandi tidak sama."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Isi email Anda.")),
                                                Email(_l("Alamat email tidak valid.")), Length(max=254)])
