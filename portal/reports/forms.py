"""Filters (GET, validated) and the bundle request form (POST, CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from portal.period import PeriodField

TIERS = [
    SelectChoice("province", _l("Provinsi (KMW)")),
    SelectChoice("city", _l("Kota (Korkot)")),
    SelectChoice("national", _l("Nasional (KMP)")),
]


class FilterForm(FlaskForm):
    """Dashboard filters read from the query string: ?periode=2026-11&provinsi=3&tingkat=province."""

    class Meta:
        csrf = False

    periode = PeriodField(validators=[Optional()])
    provinsi = SelectField(_l("Provinsi"), coerce=int, validators=[Optional()])
    tingkat = SelectField(_l("Tingkat penilaian"), choices=TIERS, validators=[Optional()])


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    periode = PeriodField(validators=[Optional()])


class BundleForm(FlaskForm):
    """Ask for a monthly bundle; the permission to the node is checked in the view."""

    cakupan = HiddenField(validators=[DataRequired(_l("Pilih paket dari halaman rekap."))])
    simpul = IntegerField(validators=[Optional()])  # the city or KMW id; absent for the national bundle
    periode = PeriodField(validators=[InputRequired(_l("Isi bulan paket."))])
    isi = SelectField(
        _l("Isi paket"),
        choices=[
            SelectChoice("sent", _l("Tulisan yang dikirim ke atas")),
            SelectChoice("all", _l("Semua tulisan bulan ini")),
        ],
        default="sent",
    )
