"""Demo pieces for the current month: most submitted, one draft, one returned; and a knowledge product.

Photos are drawn with Pillow and stored through the real photo pipeline.
"""
from __future__ import annotations

import io
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from portal import cycle, photos
from portal.extensions import db
from portal.models.pieces import KnowledgeProduct, Photo, Piece, PieceForm, PieceStatus
from portal.submissions.demo_texts import TEXTS
from portal.timeutil import now_utc

# (team code, status, text index, form)
PIECES = [
    ("3374-TF01", "submitted", 0, "artikel"), ("3374-TF02", "draft", 1, "narasi"), ("3374-TF03", "submitted", 2, "feature"),
    ("3374-TF04", "submitted", 1, "artikel"), ("3374-TF05", "submitted", 0, "narasi"), ("3374-KK", "submitted", 2, "artikel"),
    ("3321-TF01", "submitted", 1, "feature"), ("3321-TF02", "returned", 0, "artikel"),
    ("7371-TF01", "submitted", 1, "artikel"), ("7371-TF02", "submitted", 0, "feature"), ("7371-TF03", "submitted", 2, "narasi"),
    ("9171-TF01", "submitted", 2, "artikel"), ("9171-TF02", "submitted", 0, "artikel"),
]
CAPTIONS = ["Rembug warga merencanakan kegiatan di balai RW", "Kerja bakti warga bersama KSM",
            "Hasil pekerjaan yang kini dirawat bersama"]
PALETTES = [((46, 125, 50), (255, 193, 7)), ((21, 101, 192), (239, 83, 80)), ((121, 85, 72), (129, 212, 250))]


def _photo_bytes(rng: random.Random, label: str, palette) -> bytes:
    bg, accent = palette
    image = Image.new("RGB", (1280, 960), bg)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 620, 1280, 960), fill=tuple(max(0, c - 40) for c in bg))
    for _ in range(6):
        x, y = rng.randint(40, 1100), rng.randint(380, 620)
        draw.rectangle((x, y, x + rng.randint(90, 200), y + rng.randint(60, 160)), fill=accent, outline=(255, 255, 255))
        draw.polygon([(x - 10, y), (x + 70, y - 70), (x + 150, y)], fill=(255, 255, 255))
    for _ in range(8):
        x, y = rng.randint(40, 1240), rng.randint(640, 900)
        draw.ellipse((x, y, x + 28, y + 28), fill=(250, 224, 200))
        draw.line((x + 14, y + 28, x + 14, y + 80), fill=(30, 30, 30), width=6)
    draw.ellipse((1020, 60, 1160, 200), fill=(255, 235, 59))
    font = ImageFont.load_default(size=44)
    draw.rectangle((30, 30, 900, 110), fill=(0, 0, 0))
    draw.text((50, 45), label[:34], fill=(255, 255, 255), font=font)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _submitted_at(period: str, tz_name: str) -> datetime:
    """10.30 local on the 10th of the month, or now when that is still to come (never in the future)."""
    due = cycle.stage_due_day(period, "writing")
    return min(datetime.combine(due.replace(day=10), time(10, 30), tzinfo=ZoneInfo(tz_name)).astimezone(UTC),
               now_utc())


def seed(ctx) -> None:
    """Add the month's pieces to the demo tree (called by ``portal.demo.load_demo_data``)."""
    rng = random.Random(2010)
    now = now_utc()
    author = ctx.users.get("writer_tf1")
    app = current_app._get_current_object()
    pool = ThreadPoolExecutor(max_workers=4)
    work = []
    for n, (code, status, text_index, form) in enumerate(PIECES):
        team = ctx.teams.get(code)
        if team is None:
            continue
        tz = team.city.province.timezone
        if status == "draft" and cycle.writing_period(tz, now) == cycle.current_period(tz, now):
            team = ctx.teams.get("3374-TF07", team)  # before the 15th: keep the panels' demo teams submitted
        period = cycle.current_period(tz, now) if status != "draft" else cycle.writing_period(tz, now)
        title, theme, body = TEXTS[text_index]
        kelurahan = team.kelurahan[0].name.replace("Kelurahan ", "") if team.kelurahan else team.city.name
        piece = Piece(
            team=team, period=period, status=PieceStatus(status), form=PieceForm(form), title=f"{title} di {kelurahan}",
            theme=theme, body_md=body.format(kelurahan=kelurahan, kota=team.city.name, bkm=f"BKM {kelurahan} Sejahtera"),
            facts=f"{40 + 7 * n} KK terlibat; swadaya {15 + n}% dari nilai kegiatan", institution_name=f"BKM {kelurahan} Sejahtera",
            institution_address=f"Jl. Merdeka No. {n + 3}, Kelurahan {kelurahan}, {team.city.name}",
            institution_phone=f"08{11 + n}-4000-{1000 + n}", author_name=f"Penulis {team.name}",
            author_position="Fasilitator Kelurahan" if "TF" in code else "Korkot", author_place=team.city.name,
            author_phone=f"0812-55{n:02d}-7788", created_by_id=author.id if author and code == "3374-TF01" else None,
        )
        if status == "submitted":
            piece.submitted_at = _submitted_at(period, tz)
        if status == "returned":
            piece.submitted_at = _submitted_at(period, tz)
            piece.return_reasons = ("Keterangan foto 3 terlalu umum; sebutkan kegiatan dan tempatnya.\n"
                                    "Nomor kontak lembaga tidak dapat dihubungi; periksa kembali.")
        jobs = [(_photo_bytes(rng, f"{team.city.name} · {caption.split()[0]} {i + 1}", PALETTES[(n + i) % 3]),
                 caption) for i, caption in enumerate(CAPTIONS)]
        work.append((piece, kelurahan, [pool.submit(_store, app, data) for data, _c in jobs], jobs))
        db.session.add(piece)
    for piece, kelurahan, futures, jobs in work:
        for i, (future, (_data, caption)) in enumerate(zip(futures, jobs)):
            stored = future.result()
            piece.photos.append(Photo(position=i, caption=f"{caption} ({kelurahan})", storage_key=stored.key,
                                      width=stored.width, height=stored.height, byte_size=stored.byte_size))
    pool.shutdown()
    _knowledge_product(ctx, now)
    db.session.flush()


def _store(app, data: bytes):
    # Pillow releases the GIL while encoding, so the demo's photos are made in parallel threads.
    with app.app_context():
        return photos.store_photo(data)


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
