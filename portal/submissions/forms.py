"""Forms of the submissions feature. Photo inputs and captions are read from the request by the views,
because their number varies; these forms carry the text fields and CSRF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.period import PeriodField

FORM_CHOICES = [
    SelectChoice("artikel", _l("Artikel")), SelectChoice("narasi", _l("Narasi")), SelectChoice("feature", _l("Feature")),
    SelectChoice("audio", _l("Audio (min. 15 menit)")), SelectChoice("video", _l("Video (min. 15 menit)")),
    SelectChoice("audiovisual", _l("Audiovisual (min. 15 menit)")), SelectChoice("grafis", _l("Grafis (gambar, foto, komik)")),
]


class PieceForm(FlaskForm):
    version = HiddenField()
    form = SelectField(_l("Bentuk karya"), choices=FORM_CHOICES, default="artikel")
    title = StringField(_l("Judul"), validators=[Optional(), Length(max=250)])
    theme = StringField(_l("Tema (bebas)"), validators=[Optional(), Length(max=160)])
    body_md = TextAreaField(_l("Isi tulisan"), render_kw={"class": "long"})
    facts = TextAreaField(_l("Data dan informasi faktual"))
    institution_name = StringField(_l("Nama lembaga atau tokoh"), validators=[Optional(), Length(max=200)])
    institution_address = StringField(_l("Alamat"), validators=[Optional(), Length(max=300)])
    institution_phone = StringField(_l("Nomor kontak"), validators=[Optional(), Length(max=40)],
                                    render_kw={"type": "tel"})
    author_name = StringField(_l("Nama penulis"), validators=[Optional(), Length(max=160)])
    author_position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=160)])
    author_place = StringField(_l("Tempat tugas (kota/kabupaten)"), validators=[Optional(), Length(max=160)])
    author_phone = StringField(_l("Telepon penulis"), validators=[Optional(), Length(max=40)], render_kw={"type": "tel"})


class ActionForm(FlaskForm):
    """A bare form for buttons that POST (start, submit, withdraw, delete): CSRF only."""


class ExtensionForm(FlaskForm):
    scope = SelectField(_l("Untuk"), validators=[DataRequired()])
    period = PeriodField(validators=[InputRequired(_l("Isi bulan, misalnya 2026-11."))])
    stage = SelectField(_l("Tahap"), choices=[SelectChoice("writing", _l("Penulisan (tanggal 15)")),
                                              SelectChoice("city", _l("Seleksi kota (tanggal 20)")),
                                              SelectChoice("province", _l("Penilaian provinsi (tanggal 25)"))])
    until = DateTimeLocalField(_l("Diperpanjang sampai (waktu setempat)"), format="%Y-%m-%dT%H:%M",
                               validators=[DataRequired()])
    reason = TextAreaField(_l("Alasan"), validators=[DataRequired(), Length(max=2000)])


class KnowledgeForm(FlaskForm):
    year = IntegerField(_l("Tahun"), validators=[DataRequired()])
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=250)])
    summary = TextAreaField(_l("Ringkasan"))
    body_md = TextAreaField(_l("Isi (Markdown, tidak wajib)"))
