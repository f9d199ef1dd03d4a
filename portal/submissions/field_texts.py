"""What the piece form's script says (static/js/submission.js): whether the text is saved on the server or kept on
the device, the offer of a draft left unsaved, and each photo's upload. Written here once, translated for the
user's language when the page is rendered, and read by the script from the form's ``data-texts``; ``%(name)s``
is left for the script to fill (as ``browser_checks`` does for the requirement messages)."""
from __future__ import annotations

from flask_babel import gettext


def field_texts() -> dict[str, str]:
    """The script's texts in the current language (gettext without values leaves ``%(...)s`` in place)."""
    return {
        "saved": gettext("Tersimpan di server %(time)s"),
        "saving": gettext("Menyimpan…"),
        "saving_first": gettext("Menyimpan dulu…"),
        "local": gettext("Belum tersimpan — disimpan di perangkat ini"),
        "unsaved": gettext("Belum tersimpan: koneksi terputus. Teks tetap di halaman ini dan akan dicoba lagi."),
        "conflict": gettext("Tulisan ini sudah diubah di tempat lain. Teks Anda tetap di halaman ini."),
        "offer": gettext("Ada teks yang belum tersimpan dari %(time)s."),
        "restore": gettext("Pulihkan"),
        "discard": gettext("Buang"),
        "restored": gettext("Teks dipulihkan dan akan disimpan ke server."),
        "caption_label": gettext("Keterangan foto %(n)d"),
        "new_caption": gettext("Keterangan"),
        "delete": gettext("Hapus"),
        "shrinking": gettext("Mengecilkan foto…"),
        "shrunk": gettext("dikecilkan dari %(before)s MB menjadi %(after)s MB"),
        "done": gettext("selesai"),
        "retry": gettext("Coba lagi"),
        "upload_offline": gettext("Belum terkirim: koneksi terputus. Dicoba lagi otomatis saat sambungan kembali."),
        "too_many": gettext("Sudah %(n)d foto (maksimal). Hapus satu foto dulu."),
        "too_big": gettext("Terlalu besar (%(mb)s MB). Kecilkan lalu coba lagi."),
        "too_big_request": gettext("Berkas terlalu besar untuk dikirim. Kecilkan lalu coba lagi."),
        "upload_refused": gettext("Foto ditolak. Foto lain dan teks Anda tidak hilang; pilih foto lain."),
    }
