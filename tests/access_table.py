"""THE access table: for every endpoint of the app and every role, the expected answer.

Answers: "ok" (2xx, or 3xx to a page that is not the login page), "login" (redirect to the login page),
"deny" (403 or 404). Endpoints that cannot be probed meaningfully carry ``NA("reason")``.

The walk lives in tests/test_access_table.py; tests/test_csrf_everywhere.py takes its actors and form data
from the POST rows.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.builders_security import EARLIER, PERIOD, ROLES
from tests.builders_submissions import complete_fields, jpeg

SIGNED = [r for r in ROLES if r != "anonymous"]
TEAM_WRITERS = ["writer_a", "writer_b", "writer_other_city", "writer_korkot"]
DMS = ["city_dm", "other_city_dm", "kmw_dm", "other_kmw_dm", "national_dm", "admin"]
SMG = ["city_dm", "kmw_dm", "national_dm", "admin"]  # data managers covering Semarang
KMWA = ["kmw_dm", "national_dm", "admin"]
KMWB = ["other_kmw_dm", "national_dm", "admin"]
NAT = ["national_dm", "admin"]
KMW_DMS = ["kmw_dm", "other_kmw_dm", "national_dm", "admin"]  # who follows the workshop nominations


def allow(*groups, anon: str = "login", others: str = "deny") -> dict[str, str]:
    """``ok`` for the roles named (lists or names), ``anon`` for anonymous, ``others`` for everyone else."""
    chosen = set()
    for g in groups:
        chosen.update([g] if isinstance(g, str) else g)
    out = {r: ("ok" if r in chosen else others) for r in ROLES}
    if "anonymous" not in chosen:
        out["anonymous"] = anon
    return out


PUBLIC = allow(ROLES)


@dataclass
class Probe:
    endpoint: str
    url: Callable
    expect: dict
    method: str = "GET"
    data: Callable | None = None
    json: Callable | None = None
    done: Callable | None = None  # for writes answered by re-rendering a form: did the write happen?


@dataclass
class NA:
    endpoint: str
    reason: str
    probes: list = field(default_factory=list)


def _get(endpoint, url, expect):
    return Probe(endpoint, url, expect)


def _post(endpoint, url, expect, data=None, json=None, done=None):
    return Probe(endpoint, url, expect, "POST", data or (lambda s: {}), json, done)


def _extension_granted(s) -> bool:
    from portal.extensions import db
    from portal.models.pieces import Extension

    return db.session.scalar(db.select(Extension).where(Extension.city_id == s.semarang.id)) is not None


def _team_moved(s) -> bool:
    return s.tree.team["semarang-TF09"].city_id == s.tree.city["demak"].id


def _account_created(s) -> bool:
    from portal.extensions import db
    from portal.models.people import User

    return db.session.scalar(db.select(User).where(User.email == "baru@uji.bp.id")) is not None


def _award_corrected(s) -> bool:
    from portal.extensions import db
    from portal.models.elearning import Award

    return db.session.get(Award, s.award.id).revision == 2


def _award_revoked(s) -> bool:
    from portal.extensions import db
    from portal.models.elearning import Award

    return db.session.get(Award, s.award.id).revoked_at is not None


def _unsubscribe_path(s) -> str:
    """The unsubscribe link of the scenario's stored reminder (to writer A), as a path."""
    from urllib.parse import urlsplit

    from portal.extensions import db
    from portal.models.mail import OutboxMessage

    return urlsplit(db.session.get(OutboxMessage, s.mail_id).unsubscribe_url).path


def _photo_form(s):
    return {"photo": (io.BytesIO(jpeg(900, 700)), "foto.jpg"), "caption": "Foto baru"}


def _word_form(s):
    from tests.builders_word import word_document

    return {**complete_fields(), "action": "import_word",
            "word_file": (io.BytesIO(word_document(pictures=((800, 600),), paragraphs=1)), "naskah.docx")}


def _word_imports(s) -> list:
    """The Word imports waiting for review (their stored descriptions)."""
    from pathlib import Path

    from flask import current_app

    return list((Path(current_app.config["UPLOAD_DIR"]) / "imports").rglob("*.json"))
def _book_form(s):
    return {"ditampilkan": [str(s.published.id)], "pilih": [str(s.published.id)], "judul": "Buku uji akses",
            "pengantar": "", "ukuran": "A4", "aksi": "simpan"}


def _book_saved(s) -> bool:
    from portal.extensions import db
    from portal.models.books import AnthologyBook

    return db.session.scalar(db.select(AnthologyBook).where(AnthologyBook.title == "Buku uji akses")) is not None


def _piece_form(s):
    fields = complete_fields()
    fields.update(version=str(s.draft.version), action="save")
    return fields


GETS = [
    _get("home.index", lambda s: "/", PUBLIC),
    _get("home.favicon_ico", lambda s: "/favicon.ico", PUBLIC),
    _get("home.favicon_svg", lambda s: "/favicon.svg", PUBLIC),
    _get("auth.login", lambda s: "/akun/masuk", PUBLIC),
    _get("auth.register", lambda s: "/akun/daftar", PUBLIC),
    _get("auth.set_language", lambda s: "/akun/bahasa/id", PUBLIC),
    _get("auth.set_password", lambda s: "/akun/atur-sandi/token-palsu-yang-tidak-ada", allow(anon="deny")),
    _get("auth.change_password", lambda s: "/akun/kata-sandi", allow(SIGNED)),
    # organisation tree
    _get("org.index", lambda s: "/admin/struktur/", allow(DMS)),
    _get("org.level_list", lambda s: "/admin/struktur/kota/", allow(DMS)),
    _get("org.node", lambda s: f"/admin/struktur/kota/{s.semarang.id}", allow(SMG)),
    _get("org.create", lambda s: f"/admin/struktur/tim/baru?induk={s.semarang.id}", allow(SMG)),
    _get("org.edit", lambda s: f"/admin/struktur/tim/{s.team_a.id}/ubah", allow(SMG)),
    _get("org.import_tree", lambda s: "/admin/struktur/impor", allow("admin")),
    _get("org.export_tree", lambda s: "/admin/struktur/ekspor", allow("admin")),
    # accounts
    _get("accounts.index", lambda s: "/akun-pengguna/", allow(DMS)),
    _get("accounts.create", lambda s: "/akun-pengguna/baru", allow(DMS)),
    _get("accounts.show", lambda s: f"/akun-pengguna/{s.target.id}", allow(SMG)),
    _get("accounts.show", lambda s: f"/akun-pengguna/{s.users['national_dm'].id}", allow(NAT)),
    _get("accounts.show", lambda s: f"/akun-pengguna/{s.users['admin'].id}", allow("admin")),
    _get("accounts.import_accounts", lambda s: "/akun-pengguna/impor", allow(DMS)),
    # submissions
    _get("submissions.home", lambda s: "/tulisan/", allow(TEAM_WRITERS, "expert", DMS)),
    _get("submissions.edit", lambda s: f"/tulisan/{s.draft.id}", allow("writer_a")),
    _get("submissions.view", lambda s: f"/tulisan/{s.draft.id}/lihat", allow("writer_a", SMG, anon="deny")),
    _get("submissions.view", lambda s: f"/tulisan/{s.sub_m.id}/lihat", allow("other_panel", KMWB, anon="deny")),
    _get("submissions.photo", lambda s: f"/tulisan/foto/{s.photo.id}/thumb", allow("writer_a", SMG, anon="deny")),
    _get("submissions.photo_webp", lambda s: f"/tulisan/foto/{s.photo.id}/thumb.webp", allow("writer_a", SMG, anon="deny")),
    _get("submissions.word_review", lambda s: f"/tulisan/{s.draft.id}/impor-word/{s.word_key}", allow("writer_a")),
    _get("submissions.word_picture", lambda s: f"/tulisan/{s.draft.id}/impor-word/{s.word_key}/gambar/1",
         allow("writer_a")),
    _get("submissions.extensions", lambda s: "/tulisan/perpanjangan", allow(DMS)),
    _get("submissions.knowledge_product", lambda s: "/tulisan/produk-pengetahuan", allow("expert")),
    _get("submissions.knowledge_document", lambda s: f"/tulisan/produk-pengetahuan/{s.kp_published.id}/dokumen",
         allow(SIGNED)),
    _get("submissions.knowledge_missing", lambda s: f"/tulisan/produk-pengetahuan/belum/{s.kmw_a.id}", allow(KMWA)),
    # panels
    _get("panels.my_panels", lambda s: "/penilaian/", allow(SIGNED)),
    _get("panels.panel", lambda s: f"/penilaian/panel/{s.city_panel.id}", allow("city_panel", SMG)),
    _get("panels.panel", lambda s: f"/penilaian/panel/{s.other_panel.id}", allow("other_panel", KMWB)),
    _get("panels.panel", lambda s: f"/penilaian/panel/{s.kmw_panel.id}", allow(KMWA)),
    _get("panels.check", lambda s: f"/penilaian/entri/{s.city_entry_b.id}/periksa", allow("city_panel", SMG)),
    _get("panels.sheet", lambda s: f"/penilaian/entri/{s.other_entry.id}/nilai", allow("other_panel")),
    _get("panels.sheet", lambda s: f"/penilaian/entri/{s.kmw_entry_a.id}/nilai", allow()),
    _get("panels.results", lambda s: f"/penilaian/panel/{s.other_panel.id}/hasil", allow("other_panel", KMWB)),
    _get("panels.results", lambda s: f"/penilaian/panel/{s.city_panel.id}/hasil", allow("city_panel", SMG)),
    _get("panels.letter", lambda s: f"/penilaian/panel/{s.city_panel.id}/surat.pdf", allow("city_panel", SMG)),
    _get("panels.manage", lambda s: "/penilaian/kelola", allow(DMS)),
    _get("panels.members", lambda s: f"/penilaian/panel/{s.other_panel.id}/anggota", allow(KMWB)),
    # e-learning (public)
    _get("elearning.index", lambda s: "/elearning/", PUBLIC),
    _get("elearning.national", lambda s: "/elearning/nasional", PUBLIC),
    _get("elearning.provinces", lambda s: "/elearning/provinsi", PUBLIC),
    _get("elearning.province", lambda s: f"/elearning/provinsi/{s.province.id}", PUBLIC),
    _get("elearning.month", lambda s: f"/elearning/bulan/{EARLIER}", PUBLIC),
    _get("elearning.piece", lambda s: f"/elearning/tulisan/{s.published.id}", PUBLIC),
    _get("elearning.piece", lambda s: f"/elearning/tulisan/{s.sub_a.id}", allow(anon="deny")),
    _get("elearning.search", lambda s: "/elearning/cari?q=gotong", PUBLIC),
    _get("elearning.feed_national", lambda s: "/elearning/feed/nasional.atom", PUBLIC),
    _get("elearning.feed_province", lambda s: f"/elearning/feed/provinsi/{s.province.id}.atom", PUBLIC),
    _get("elearning.honour_roll", lambda s: "/elearning/penghargaan", PUBLIC),
    _get("elearning.knowledge_products", lambda s: "/elearning/produk-pengetahuan", PUBLIC),
    _get("elearning.knowledge_product", lambda s: f"/elearning/produk-pengetahuan/{s.kp_published.id}", PUBLIC),
    _get("elearning.knowledge_product", lambda s: f"/elearning/produk-pengetahuan/{s.kp_pending.id}",
         allow(anon="deny")),
    _get("elearning.knowledge_document",
         lambda s: f"/elearning/produk-pengetahuan/{s.kp_published.id}/dokumen", PUBLIC),
    _get("elearning.notifications", lambda s: "/elearning/notifikasi", PUBLIC),  # 301 to /notifikasi
    _get("elearning.moderation", lambda s: "/elearning/moderasi", allow(DMS)),
    _get("elearning.knowledge_pending", lambda s: "/elearning/produk-pengetahuan/menunggu",
         allow("kmw_dm", "other_kmw_dm", NAT)),
    _get("elearning.award_new", lambda s: f"/elearning/penghargaan/{s.published.id}/tambah", allow(NAT)),
    # rewards: certificates (public verification; the team and the national data manager download), awards,
    # workshop nominations (KMW and national data managers; the national one opens rounds)
    _get("rewards.verify_form", lambda s: "/sertifikat/", PUBLIC),
    _get("rewards.verify", lambda s: f"/sertifikat/{s.award_number}", PUBLIC),
    _get("rewards.certificate_download", lambda s: f"/sertifikat/{s.award_number}/unduh", allow("writer_a", NAT)),
    _get("rewards.award", lambda s: f"/penghargaan/{s.award.id}", allow(NAT)),
    _get("rewards.rounds", lambda s: "/nominasi/", allow(KMW_DMS)),
    _get("rewards.nomination_round", lambda s: f"/nominasi/{s.nomination_round.id}", allow(KMW_DMS)),
    _get("rewards.invitation_letter", lambda s: f"/nominasi/{s.nomination_round.id}/undangan.pdf", allow(KMW_DMS)),
    _get("rewards.invitation_letter",
         lambda s: f"/nominasi/{s.nomination_round.id}/undangan.pdf?provinsi={s.province.id}", allow(KMWA)),
    _get("rewards.participants", lambda s: f"/nominasi/{s.nomination_round.id}/peserta.xlsx", allow(KMW_DMS)),
    # reports
    _get("reports.index", lambda s: "/laporan/", allow(DMS)),
    _get("reports.obligations", lambda s: "/laporan/kepatuhan", allow(DMS)),
    _get("reports.obligations", lambda s: "/laporan/kepatuhan/unduh/xlsx", allow(DMS)),
    _get("reports.lampiran3", lambda s: f"/laporan/lampiran3/{s.semarang.id}", allow(SMG)),
    _get("reports.lampiran3", lambda s: f"/laporan/lampiran3/{s.semarang.id}/unduh/xlsx", allow(SMG)),
    _get("reports.lampiran3", lambda s: f"/laporan/lampiran3/{s.semarang.id}/unduh/pdf", allow(SMG)),
    _get("reports.lampiran2", lambda s: f"/laporan/lampiran2/{s.kmw_a.id}", allow(KMWA)),
    _get("reports.lampiran2", lambda s: f"/laporan/lampiran2/{s.kmw_a.id}/unduh/xlsx", allow(KMWA)),
    _get("reports.progress_index", lambda s: "/laporan/kemajuan", PUBLIC),
    _get("reports.progress", lambda s: f"/laporan/kemajuan/{s.kmw_a.id}", PUBLIC),
    _get("reports.calibration", lambda s: f"/laporan/panel/{s.other_panel.id}/kalibrasi",
         allow("other_panel", KMWB)),
    _get("reports.bundle_status", lambda s: f"/laporan/paket/{s.job_id}", allow("kmw_dm")),
    _get("reports.bundle_download", lambda s: f"/laporan/paket/{s.job_id}/unduh", allow("kmw_dm")),
    # the anthology book: national and KMW data managers (each KMW its provinces); the public list and downloads
    _get("anthology.index", lambda s: "/antologi/", allow("kmw_dm", "other_kmw_dm", NAT)),
    _get("anthology.edit", lambda s: "/antologi/2026/nasional", allow(NAT)),
    _get("anthology.edit", lambda s: f"/antologi/2026/provinsi/{s.province.id}", allow(KMWA)),
    _get("anthology.edit", lambda s: f"/antologi/2026/provinsi/{s.province_b.id}", allow(KMWB)),
    _get("anthology.status", lambda s: f"/antologi/buku/{s.book.id}", allow(NAT)),
    _get("anthology.status", lambda s: f"/antologi/buku/{s.province_book.id}", allow(KMWA)),
    _get("elearning.books", lambda s: "/elearning/buku", PUBLIC),
    _get("elearning.book_file", lambda s: f"/elearning/buku/{s.book.id}/pdf", PUBLIC),
    _get("elearning.book_file", lambda s: f"/elearning/buku/{s.book.id}/sampul", PUBLIC),
    _get("elearning.book_file", lambda s: f"/elearning/buku/{s.province_book.id}/pdf", allow(anon="deny")),
    # rubric versions
    _get("rubric_admin.index", lambda s: "/admin/rubrik/", allow("admin")),
    _get("rubric_admin.new", lambda s: "/admin/rubrik/baru", allow("admin")),
    # the audit page (blueprint portal.admin_audit; a row even while it is not registered)
    _get("admin_audit.index", lambda s: "/admin/audit/", allow("admin")),
    # mail: the administrators' outbox, the public unsubscribe link, "Lupa kata sandi" (signed in: a redirect)
    _get("outbox_admin.index", lambda s: "/admin/surat-keluar/?status=stored", allow("admin")),
    _get("outbox_admin.show", lambda s: f"/admin/surat-keluar/{s.mail_id}", allow("admin")),
    _get("outbox_admin.preview", lambda s: f"/admin/surat-keluar/{s.mail_id}/tampilan", allow("admin")),
    _get("mail.unsubscribe", lambda s: _unsubscribe_path(s), PUBLIC),
    # the scheduled steps' runs (administrators)
    _get("schedule_admin.index", lambda s: "/admin/langkah-terjadwal/?status=failed&bulan=2026-11", allow("admin")),
    _get("password_reset.forgot_password", lambda s: "/akun/lupa-sandi", PUBLIC),
    # notifications: everyone's own centre and delivery choices; the old e-learning address redirects there
    _get("notifications.index", lambda s: "/notifikasi", allow(SIGNED)),
    _get("notifications.preferences", lambda s: "/akun/pemberitahuan", allow(SIGNED)),
]

# Writes, in the order they are walked (each role on its own fresh scenario).
POSTS = [
    _post("submissions.edit", lambda s: f"/tulisan/{s.draft.id}", allow("writer_a"), data=_piece_form),
    _post("submissions.upload_photo", lambda s: f"/tulisan/{s.draft.id}/foto", allow("writer_a"), data=_photo_form),
    _post("submissions.autosave", lambda s: f"/tulisan/{s.draft.id}/simpan", allow("writer_a"),
          json=lambda s: {"title": "Judul baru", "version": s.draft.version}),
    _post("submissions.preview", lambda s: "/tulisan/pratinjau", allow(TEAM_WRITERS, "expert"),
          data=lambda s: {"body_md": "**tebal**"}),
    _post("submissions.word_upload", lambda s: f"/tulisan/{s.draft.id}/impor-word", allow("writer_a"),
          data=_word_form, done=lambda s: len(_word_imports(s)) == 3),
    _post("submissions.word_use", lambda s: f"/tulisan/{s.draft.id}/impor-word/{s.word_key}/pakai",
          allow("writer_a"), data=lambda s: {"use_1": "1"}, done=lambda s: s.draft.body_md == "Teks **impor** dari Word.\n"),
    _post("submissions.word_cancel", lambda s: f"/tulisan/{s.draft.id}/impor-word/{s.word_key_cancel}/batal",
          allow("writer_a"), done=lambda s: s.word_key_cancel not in {p.stem for p in _word_imports(s)}),
    _post("submissions.start", lambda s: f"/tulisan/mulai/{s.team_a.id}", allow("writer_a")),
    _post("submissions.extensions", lambda s: "/tulisan/perpanjangan", allow(SMG),
          data=lambda s: {"scope": f"city:{s.semarang.id}", "period": PERIOD, "stage": "writing",
                          "until": "2026-12-20T17:00", "reason": "Banjir"}, done=_extension_granted),
    _post("submissions.knowledge_product", lambda s: "/tulisan/produk-pengetahuan", allow("expert"),
          data=lambda s: {"year": "2026", "title": "Produk baru", "summary": "Ringkas", "body_md": "Isi",
                          "action": "save"}),
    _post("panels.sheet", lambda s: f"/penilaian/entri/{s.other_entry.id}/nilai", allow("other_panel"),
          data=lambda s: {**{f"score_{c}": "7" for c in range(1, 9)}, "version": "", "note": "", "save": "1"}),
    _post("panels.check", lambda s: f"/penilaian/entri/{s.city_entry_b.id}/periksa", allow("city_panel", SMG),
          data=lambda s: {**{f"point_{c}": "1" for c in range(1, 9)}, "note": "", "submit": "1"}),
    _post("panels.tie", lambda s: f"/penilaian/entri/{s.other_entry.id}/seri", allow("other_panel"),
          data=lambda s: {"decision": "yes", "reason": "Lebih kuat datanya", "submit": "1"}),
    _post("panels.members", lambda s: f"/penilaian/panel/{s.other_panel.id}/anggota", allow(KMWB),
          data=lambda s: {"members": [str(s.users["other_panel"].id)], "chair": str(s.users["other_panel"].id),
                          "mode": "individual"}),
    _post("panels.manage", lambda s: "/penilaian/kelola", allow(DMS),
          data=lambda s: {"node": "", "period": PERIOD}),
    _post("panels.collect", lambda s: f"/penilaian/panel/{s.kmw_panel.id}/kumpulkan", allow(KMWA)),
    _post("panels.recuse", lambda s: f"/penilaian/entri/{s.other_entry.id}/mundur", allow("other_panel"),
          data=lambda s: {"reason": "Saudara penulis", "submit": "1"}),
    _post("panels.close", lambda s: f"/penilaian/panel/{s.other_panel.id}/tutup", allow("other_panel")),
    _post("elearning.comment", lambda s: f"/elearning/tulisan/{s.published.id}/komentar", allow(SIGNED),
          data=lambda s: {"kind": "comment", "body": "Sangat menginspirasi"}),
    _post("elearning.confirm", lambda s: f"/elearning/tulisan/{s.published.id}/konfirmasi", allow(SIGNED)),
    _post("elearning.report_comment", lambda s: f"/elearning/komentar/{s.comment.id}/laporkan", allow(SIGNED),
          data=lambda s: {"reason": "Iklan"}),
    _post("elearning.moderate_comment", lambda s: f"/elearning/komentar/{s.comment.id}/moderasi", allow(SMG),
          data=lambda s: {"action": "hide", "reason": "Iklan"}),
    # writer A's own notification (the scenario's reminder): anybody else's answers 404
    _post("notifications.mark_read", lambda s: f"/notifikasi/{s.notification_id}/baca", allow("writer_a")),
    _post("notifications.mark_all_read", lambda s: "/notifikasi/baca-semua", allow(SIGNED)),
    _post("notifications.preferences", lambda s: "/akun/pemberitahuan", allow(SIGNED),
          data=lambda s: {"mode_piece_outcome": "digest", "mode_discussion": "portal"}),
    _post("elearning.award_new", lambda s: f"/elearning/penghargaan/{s.published.id}/tambah", allow(NAT),
          data=lambda s: {"title": "Juara Nasional 2026", "description": "Pemenang"}),
    _post("rewards.award_correct", lambda s: f"/penghargaan/{s.award.id}/koreksi", allow(NAT),
          data=lambda s: {"title": "Juara Nasional 2026 (koreksi)", "recipient_name": "", "description": "Pemenang",
                          "reason": "Salah ketik"}, done=_award_corrected),
    _post("rewards.award_revoke", lambda s: f"/penghargaan/{s.award.id}/cabut", allow(NAT),
          data=lambda s: {"revoke_reason": "Uji pencabutan"}, done=_award_revoked),
    _post("rewards.rounds", lambda s: "/nominasi/", allow(NAT),
          data=lambda s: {"year": "2027", "semester": "1", "quota": "2", "workshop_name": "Lokakarya 2027",
                          "workshop_date": "2027-06-01", "workshop_place": "Jakarta"}),
    _post("rewards.confirm", lambda s: f"/nominasi/{s.nomination_round.id}/provinsi/{s.province.id}", allow(KMWA),
          data=lambda s: {"writers": [str(s.users["writer_a"].id)], "reason": ""}),
    _post("elearning.knowledge_publish", lambda s: f"/elearning/produk-pengetahuan/{s.kp_pending.id}/terbitkan",
          allow(KMWA)),
    _post("elearning.knowledge_withdraw", lambda s: f"/elearning/produk-pengetahuan/{s.kp_published.id}/tarik",
          allow(KMWA)),
    _post("reports.start_bundle", lambda s: "/laporan/paket", allow(SMG),
          data=lambda s: {"cakupan": "city", "simpul": str(s.semarang.id), "periode": PERIOD, "isi": "sent"}),
    _post("reports.start_bundle", lambda s: "/laporan/paket", allow(NAT),
          data=lambda s: {"cakupan": "national", "periode": PERIOD, "isi": "sent"}),
    _post("reports.start_bundle", lambda s: "/laporan/paket", allow(KMWB),
          data=lambda s: {"cakupan": "kmw", "simpul": str(s.kmw_b.id), "periode": PERIOD, "isi": "sent"}),
    _post("anthology.edit", lambda s: "/antologi/2026/nasional", allow(NAT), data=_book_form, done=_book_saved),
    _post("anthology.edit", lambda s: f"/antologi/2026/provinsi/{s.province.id}", allow(KMWA),
          data=_book_form, done=_book_saved),
    _post("anthology.build", lambda s: f"/antologi/buku/{s.book.id}/susun", allow(NAT)),
    _post("anthology.build", lambda s: f"/antologi/buku/{s.province_book.id}/susun", allow(KMWA)),
    _post("reports.bundle_retry", lambda s: f"/laporan/paket/{s.failed_job_id}/ulang", allow("kmw_dm")),
    _post("accounts.create", lambda s: "/akun-pengguna/baru", allow(SMG),
          data=lambda s: {"email": "baru@uji.bp.id", "name": "Akun Baru", "phone": "", "position": "Faskel",
                          "role": "writer", "scope_code": "SEMARANG-TF04"}, done=_account_created),
    _post("accounts.add_role", lambda s: f"/akun-pengguna/{s.target.id}/peran", allow(SMG),
          data=lambda s: {"role": "writer", "scope_code": "SEMARANG-TF05"}),
    _post("accounts.reissue", lambda s: f"/akun-pengguna/{s.target.id}/tautan", allow(SMG)),
    _post("accounts.disable", lambda s: f"/akun-pengguna/{s.target.id}/nonaktifkan", allow(SMG)),
    _post("accounts.enable", lambda s: f"/akun-pengguna/{s.target.id}/aktifkan", allow(SMG)),
    _post("accounts.remove_role", lambda s: f"/akun-pengguna/{s.target.id}/peran/{s.target.roles[0].id}/hapus",
          allow(SMG)),
    _post("org.edit", lambda s: f"/admin/struktur/tim/{s.tree.team['semarang-TF09'].id}/ubah", allow(SMG),
          data=lambda s: {"code": "SEMARANG-TF09", "name": "TF 09 Baru", "parent_code": "SEMARANG", "kind": "tf",
                          "timezone": "Asia/Jakarta"}),
    # moving a team to another city needs the right over the new city too
    _post("org.edit", lambda s: f"/admin/struktur/tim/{s.tree.team['semarang-TF09'].id}/ubah", allow(KMWA),
          data=lambda s: {"code": "SEMARANG-TF09", "name": "TF 09 Pindah", "parent_code": "DEMAK", "kind": "tf"},
          done=_team_moved),
    _post("org.create", lambda s: f"/admin/struktur/tim/baru?induk={s.semarang.id}", allow(SMG),
          data=lambda s: {"code": "SEMARANG-TF10", "name": "TF 10", "parent_code": "SEMARANG", "kind": "tf",
                          "timezone": "Asia/Jakarta"}),
    _post("org.delete", lambda s: f"/admin/struktur/tim/{s.tree.team['semarang-TF08'].id}/hapus", allow(SMG)),
    _post("rubric_admin.new", lambda s: "/admin/rubrik/baru", allow("admin"),
          data=lambda s: {"version": "uji-2027", "passing_grade": "700", "min_score": "1", "max_score": "10",
                          "instruments-0-code": "1", "instruments-0-name": "Judul", "instruments-0-weight": "100"}),
    _post("outbox_admin.resend", lambda s: f"/admin/surat-keluar/{s.mail_id}/kirim-ulang", allow("admin")),
    _post("schedule_admin.run_again", lambda s: f"/admin/langkah-terjadwal/{s.run_id}/jalankan-ulang", allow("admin")),
    _post("mail.unsubscribe_post", lambda s: _unsubscribe_path(s), PUBLIC,
          data=lambda s: {"List-Unsubscribe": "One-Click"}),
    _post("rubric_admin.make_active", lambda s: f"/admin/rubrik/{s.city_panel.rubric_id}/aktifkan", allow("admin")),
    _post("submissions.withdraw", lambda s: f"/tulisan/{s.sub_a.id}/tarik", allow("writer_a")),
    # Signing out ends on the login page, for everyone.
    _post("auth.logout", lambda s: "/akun/keluar", allow(others="login")),
]

NOT_PROBED = [
    NA("static", "static files, public by design"),
    NA("submissions.media", "no media file in the scenario; the route loads the piece with load_piece exactly as "
       "submissions.view, whose rows cover it"),
    NA("auth.set_password", "POST: reached only with a one-time token sent by e-mail (tests/test_auth.py)"),
    NA("auth.login", "POST: signs in (tests/test_auth.py, tests/test_security_ratelimit.py)"),
    NA("auth.register", "POST: self-registration of readers (tests/test_auth.py)"),
    NA("auth.change_password", "POST: changes the tester's own password (tests/test_auth.py)"),
    NA("org.import_tree", "POST: admin-only like its GET row (tests/test_org_import.py)"),
    NA("accounts.import_accounts", "POST: same permission as its GET row (tests/test_accounts_pages.py)"),
    NA("password_reset.forgot_password", "POST: anyone, rate-limited, the same answer for every email "
       "(tests/test_mail_pages.py)"),
]
