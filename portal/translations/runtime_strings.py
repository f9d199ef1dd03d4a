"""Source strings that reach ``gettext`` only as variables, listed here so ``pybabel extract`` finds them.

Never imported by the app. ``portal/errors.py`` passes its ``MESSAGES`` through ``_(title)`` / ``_(text)`` and
``templates/home/index.html`` translates the home tiles with ``_(t.label)`` (labels from ``portal/home/routes.py``);
neither marks the literals for extraction. tests/test_i18n.py checks this list stays complete.
"""


def N_(message: str) -> str:  # noqa: N802 - Babel's default "mark only" keyword
    return message


ERROR_PAGES = (
    N_("Permintaan tidak dapat diproses"), N_("Periksa isian Anda lalu coba lagi."),
    N_("Akses ditolak"), N_("Anda tidak memiliki hak untuk membuka halaman ini."),
    N_("Halaman tidak ditemukan"), N_("Alamat yang Anda buka tidak ada atau sudah dipindahkan."),
    N_("Cara akses tidak diizinkan"), N_("Halaman ini tidak dapat dibuka dengan cara tersebut."),
    N_("Tautan tidak berlaku"), N_("Tautan ini sudah dipakai atau kedaluwarsa."),
    N_("Berkas terlalu besar"),
    N_("Berkas yang Anda kirim melebihi batas ukuran. Isian Anda yang sudah tersimpan tidak hilang; "
       "kecilkan berkas lalu coba lagi."),
    N_("Terlalu banyak percobaan"), N_("Tunggu sebentar lalu coba lagi."),
    N_("Terjadi kesalahan"), N_("Maaf, terjadi kesalahan di server. Tim teknis sudah dapat melihat catatannya."),
    N_("Layanan sedang tidak tersedia"),
    N_("Basis data sedang tidak dapat dihubungi. Isian Anda belum terkirim; "
       "jangan tutup halaman ini dan coba kirim lagi beberapa saat lagi."),
)

HOME_TILES = (
    N_("Tulisan tim saya"),
    N_("Penilaian (tim penilai)"),
    N_("Kelola tim penilai"),
    N_("Rekap dan laporan"),
    N_("Perpanjangan batas waktu"),
    N_("Moderasi komentar"),
    N_("Akun pengguna"),
    N_("Struktur organisasi"),
    N_("Rubrik penilaian"),
    N_("Log audit"),
    N_("Surat keluar"),
    N_("E-learning: best practice terpilih"),
)
