"""Demo pieces for the current month: most submitted, one draft, one returned; and a knowledge product.

Each piece tells its own story (``demo_texts``) in its team's kelurahan; its photos, scenes of that kind of work,
are planned here and drawn by a background job (``portal/demo_photos.py``) through the real photo pipeline.
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from portal import cycle, demo_photos
from portal.extensions import db
from portal.models.pieces import KnowledgeProduct, Piece, PieceForm, PieceStatus
from portal.submissions.demo_texts import AUTHORS, SCENES, TEXTS
from portal.timeutil import now_utc

# (team code, status, text index, form)
PIECES = [
    ("3374-TF01", "submitted", 0, "artikel"), ("3374-TF02", "draft", 1, "narasi"), ("3374-TF03", "submitted", 2, "feature"),
    ("3374-TF04", "submitted", 3, "artikel"), ("3374-TF05", "submitted", 4, "narasi"), ("3374-KK", "submitted", 5, "artikel"),
    ("3321-TF01", "submitted", 6, "feature"), ("3321-TF02", "returned", 7, "artikel"),
    ("7371-TF01", "submitted", 8, "artikel"), ("7371-TF02", "submitted", 9, "feature"), ("7371-TF03", "submitted", 10, "narasi"),
    ("9171-TF01", "submitted", 11, "artikel"), ("9171-TF02", "submitted", 1, "artikel"),
]
# Three captions for the photos of each kind of scene ({k}: the kelurahan).
CAPTIONS = {
    "saluran": ["Warga menggali saluran baru di RW 03 {k}", "Kerja bakti membersihkan lumpur dari saluran lama",
                "Saluran yang selesai dengan bak kontrol di ujung gang"],
    "pasar": ["Pedagang menata lapak baru di samping balai {k}", "Rapat paguyuban membagi lapak dengan undian",
              "Pasar pagi yang tertib dan bersih"],
    "sanitasi": ["MCK komunal yang dibangun bersama warga {k}", "Warga mengangkut bahan ke lereng bukit",
                 "Pengurus kelompok pemanfaat memeriksa tangki septik"],
    "bank_sampah": ["Penimbangan sampah nasabah bank sampah {k}", "Ibu-ibu memilah plastik, kertas, dan logam",
                    "Karung sampah terpilah siap diambil pengepul"],
    "rembug": ["Rembug warga di balai RW {k}", "Kader perempuan memandu diskusi kelompok",
               "Warga menandai prioritas di peta kampung"],
    "posyandu": ["Penimbangan balita di posyandu {k}", "Kader mencatat berat badan di buku register",
                 "Ibu-ibu menunggu giliran di ruang posyandu yang baru"],
    "jalan": ["Pemasangan paving block di gang {k}", "Pemuda mengangkut paving dengan gerobak",
              "Gang yang kini bisa dilalui dalam segala cuaca"],
    "taman_baca": ["Anak-anak membaca di taman baca {k}", "Relawan membacakan cerita untuk anak usia dini",
                   "Rak buku hasil sumbangan warga dan alumni"],
    "becak": ["Anggota koperasi becak di pangkalan {k}", "Bengkel koperasi memperbaiki becak anggota",
              "Rapat anggota bulanan koperasi becak"],
    "kerja_bakti": ["Relawan turun ke gang-gang {k}", "Kerja bakti warga pada Minggu pagi",
                    "Pengurus RT dan relawan memeriksa hasil pekerjaan"],
}


def plan_photos(piece: Piece, text_index: int, kelurahan: str, count: int = 3) -> None:
    """Plan the piece's photos: scenes of its kind of work with captions naming its kelurahan."""
    scene = SCENES[text_index % len(SCENES)]
    for i, caption in enumerate(CAPTIONS.get(scene, CAPTIONS["kerja_bakti"])[:count]):
        demo_photos.plan(piece, i, caption.format(k=kelurahan), scene, f"{piece.team.code}/{piece.period}/{i}")


def _submitted_at(period: str, tz_name: str) -> datetime:
    """10.30 local on the 10th of the month, or now when that is still to come (never in the future)."""
    due = cycle.stage_due_day(period, "writing")
    return min(datetime.combine(due.replace(day=10), time(10, 30), tzinfo=ZoneInfo(tz_name)).astimezone(UTC),
               now_utc())


def seed(ctx) -> None:
    """Add the month's pieces to the demo tree (called by ``portal.demo.load_demo_data``)."""
    now = now_utc()
    author = ctx.users.get("writer_tf1")
    for n, (code, status, text_index, form) in enumerate(PIECES):
        team = ctx.teams.get(code)
        if team is None:
            continue
        tz = team.city.province.timezone
        if status == "draft" and cycle.writing_period(tz, now) == cycle.current_period(tz, now):
            team = ctx.teams.get("3374-TF07", team)  # before the 15th: keep the panels' demo teams submitted
        period = cycle.current_period(tz, now) if status != "draft" else cycle.writing_period(tz, now)
        text_index = ctx.take_text(period, text_index, len(TEXTS))
        title, theme, body = TEXTS[text_index]
        kelurahan = team.kelurahan[0].name.replace("Kelurahan ", "") if team.kelurahan else team.city.name
        piece = Piece(
            team=team, period=period, status=PieceStatus(status), form=PieceForm(form), title=f"{title} di {kelurahan}",
            theme=theme, body_md=body.format(kelurahan=kelurahan, kota=team.city.name, bkm=f"BKM {kelurahan} Sejahtera"),
            facts=f"{40 + 7 * n} KK terlibat; swadaya {15 + n}% dari nilai kegiatan", institution_name=f"BKM {kelurahan} Sejahtera",
            institution_address=f"Jl. Merdeka No. {n + 3}, Kelurahan {kelurahan}, {team.city.name}",
            institution_phone=f"08{11 + n}-4000-{1000 + n}", author_name=AUTHORS[n % len(AUTHORS)],
            author_position="Fasilitator Kelurahan" if "TF" in code else "Korkot", author_place=team.city.name,
            author_phone=f"0812-55{n:02d}-7788", created_by_id=author.id if author and code == "3374-TF01" else None,
        )
        if status == "submitted":
            piece.submitted_at = _submitted_at(period, tz)
        if status == "returned":
            piece.submitted_at = _submitted_at(period, tz)
            piece.return_reasons = ("Keterangan foto 3 terlalu umum; sebutkan kegiatan dan tempatnya.\n"
                                    "Nomor kontak lembaga tidak dapat dihubungi; periksa kembali.")
        db.session.add(piece)
        db.session.flush()
        plan_photos(piece, text_index, kelurahan)
    _knowledge_product(ctx, now)
    db.session.flush()


def _knowledge_product(ctx, now) -> None:
    expert = ctx.users.get("expert")
    kmw = ctx.kmws.get("KMW-JTG")
    if expert is None or kmw is None:
        return
    db.session.add(KnowledgeProduct(
        author_id=expert.id, kmw_id=kmw.id, year=now.year, submitted_at=now,
        title="Panduan praktis pemeliharaan prasarana oleh KSM",
        summary="Ringkasan pengalaman dua belas kelurahan di Jawa Tengah dalam membentuk iuran pemeliharaan, "
                "jadwal kerja bakti, dan pelaporan kas yang terbuka.",
        body_md="## Temuan utama\n\n- Iuran kecil tetapi rutin lebih berhasil daripada iuran besar sekali-sekali.\n"
                "- Papan informasi kas meningkatkan kepercayaan warga.\n- Pemeliharaan direncanakan sejak awal.",
    ))
