"""The audit log filter: a GET form, so the filtered page can be bookmarked (no CSRF on a read)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

# Labels for the actions the portal records; unknown actions are shown by their code.
ACTION_LABELS = {
    "login": _l("Masuk"),
    "login_failed": _l("Gagal masuk"),
    "logout": _l("Keluar"),
    "access_refused": _l("Akses ditolak"),
    "password_changed": _l("Kata sandi diganti"),
    "password_set_by_link": _l("Kata sandi diatur lewat tautan"),
    "password_link_issued": _l("Tautan kata sandi dibuat"),
    "account_created": _l("Akun dibuat"),
    "accounts_imported": _l("Akun diimpor"),
    "account_enabled": _l("Akun diaktifkan"),
    "account_disabled": _l("Akun dinonaktifkan"),
    "reader_registered": _l("Pembaca mendaftar"),
    "tree_imported": _l("Struktur organisasi diimpor"),
    "org_node_created": _l("Unit organisasi dibuat"),
    "piece_submitted": _l("Tulisan dikirim"),
    "piece_withdrawn": _l("Tulisan ditarik"),
    "piece_moved": _l("Tulisan dipindah ke bulan berikutnya"),
    "extension_granted": _l("Perpanjangan waktu diberikan"),
    "knowledge_product_submitted": _l("Produk pengetahuan dikirim"),
    "knowledge_product_published": _l("Produk pengetahuan diterbitkan"),
    "knowledge_product_withdrawn": _l("Produk pengetahuan ditarik"),
    "panel_opened": _l("Panel dibuka"),
    "panel_members_set": _l("Anggota panel ditetapkan"),
    "entries_collected": _l("Tulisan masuk panel"),
    "entry_checked": _l("Persyaratan diperiksa"),
    "entry_returned": _l("Tulisan dikembalikan"),
    "recusal_declared": _l("Penilai mundur"),
    "recusal_automatic": _l("Penilai mundur otomatis"),
    "score_submitted": _l("Nilai dikirim"),
    "score_changed": _l("Nilai diubah"),
    "tie_decided": _l("Nilai seri diputuskan"),
    "panel_closed": _l("Keputusan panel"),
    "award_recorded": _l("Penghargaan dicatat"),
    "comment_hidden": _l("Komentar disembunyikan"),
    "comment_restored": _l("Komentar ditampilkan lagi"),
    "password_reset_requested": _l("Atur ulang kata sandi diminta"),
    "mail_unsubscribed": _l("Berhenti berlangganan surel"),
    "mail_subscribed": _l("Berlangganan surel lagi"),
    "mail_preferences_set": _l("Pilihan pemberitahuan diubah"),
    "mail_resent": _l("Surel dikirim ulang"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def count_label(n: int, locale: str = "id") -> str:
    """``1.101`` in Indonesian, ``1,101`` in English."""
    return f"{n:,}".replace(",", ".") if locale == "id" else f"{n:,}"


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Jenis kejadian"), choices=[], validate_choice=False, validators=[Optional()])
    user = StringField(_l("Pengguna (email atau nama)"), validators=[Optional(), Length(max=120)])
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal awal."))
