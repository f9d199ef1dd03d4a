"""Demo data of the review pipeline.

* the latest month whose writing deadline has passed (this month after the 15th, else the month before): the
  Semarang city panel decided, the KMW-JTG panel open with its entries, members set and some sheets submitted, so
  a newcomer can click through as panel_kmw1..3;
* the month before it: decided end to end (Semarang and Demak city panels, the KMW-JTG panel with provincial best
  practices published, the national panel with its winners).

Every step happens at a moment the procedure allows (never in the future, never before a panel's inputs were due),
so the demo shows no state the procedure forbids.

Pieces come from the submissions feature's demo when it made them; missing ones are created here, with photos.
"""
from __future__ import annotations

import io
import random
from datetime import UTC, datetime, time

from sqlalchemy import select

from portal import cycle
from portal.cycle import current_period
from portal.extensions import db
from portal.models.people import Role, RoleAssignment
from portal.models.pieces import Photo, Piece, PieceStatus
from portal.models.reviews import EntryStatus, Panel, PanelMode, Tier
from portal.panels import operations as ops
from portal.panels.rules import may_score
from portal.period import Period
from portal.timeutil import now_utc

THEMES = [
    ("Bank sampah yang menghidupi warga", "Lingkungan"),
    ("Jalan setapak yang dibangun bersama", "Infrastruktur"),
    ("Kader perempuan memimpin rembug warga", "Pemberdayaan perempuan"),
    ("Sumur resapan di gang sempit", "Lingkungan"),
    ("Pinjaman bergulir yang kembali utuh", "Ekonomi"),
    ("Relawan muda memetakan kampung", "Partisipasi"),
    ("Posyandu yang tak pernah sepi", "Kesehatan"),
    ("Drainase kampung bebas banjir", "Infrastruktur"),
    ("Pasar kaget yang tertata", "Ekonomi"),
    ("Taman baca di balai RW", "Pendidikan"),
    ("Sanitasi komunal untuk 60 KK", "Kesehatan"),
    ("Koperasi tukang becak", "Ekonomi"),
]

SENTENCES = [
    "Warga kelurahan berkumpul di balai RW untuk membahas masalah yang mereka hadapi setiap musim hujan.",
    "Fasilitator mendampingi relawan menyusun pemetaan swadaya dan menuliskan prioritas kebutuhan.",
    "Badan Keswadayaan Masyarakat mengelola dana dengan terbuka dan melaporkannya di papan informasi.",
    "Ibu-ibu kader menggerakkan tetangga untuk ikut kerja bakti setiap Minggu pagi.",
    "Hasilnya terlihat dalam tiga bulan: genangan berkurang dan anak-anak kembali bermain di gang.",
    "Pemerintah kelurahan kemudian menganggarkan pemeliharaan dari dana kelurahan tahun berikutnya.",
    "Kegiatan serupa kini ditiru oleh dua kelurahan tetangga yang belajar langsung ke lokasi.",
    "Pelatihan pembukuan sederhana membuat pengurus mampu menyusun laporan bulanan tanpa bantuan.",
]


def _body(title: str, rng: random.Random) -> str:
    paragraphs = []
    for _ in range(9):
        paragraphs.append(" ".join(rng.sample(SENTENCES, 7)))
    return f"## {title}\n\n" + "\n\n".join(paragraphs)


def _photo_bytes(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (960, 720), tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(0, 900), rng.randrange(0, 660)
        draw.rectangle([x, y, x + rng.randrange(40, 240), y + rng.randrange(30, 160)],
                       fill=tuple(rng.randrange(0, 255) for _ in range(3)))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _piece(team, period: str, n: int, submitted_at: datetime) -> Piece:
    """The team's submitted piece of the month, created (with 2 photos) when the submissions demo has none."""
    piece = db.session.scalar(select(Piece).where(Piece.team_id == team.id, Piece.period == period))
    if piece is not None:
        return piece
    from portal.photos import store_photo

    rng = random.Random(f"{team.code}-{period}")
    title, theme = THEMES[n % len(THEMES)]
    # Written by the team's demo writer account when it has one (the workshop nominations count per writer).
    writer_id = db.session.scalar(select(RoleAssignment.user_id).where(
        RoleAssignment.team_id == team.id, RoleAssignment.role == Role.WRITER).order_by(RoleAssignment.id).limit(1))
    piece = Piece(team=team, period=period, status=PieceStatus.SUBMITTED, title=f"{title} ({team.city.name})",
                  created_by_id=writer_id,
                  theme=theme, body_md=_body(title, rng), facts="120 KK terlibat; swadaya Rp 18.500.000.",
                  institution_name="BKM Maju Bersama", institution_address=f"Jl. Kenanga 7, {team.city.name}",
                  institution_phone="024-7601234", author_name=f"Faskel {team.name}", author_position="Fasilitator",
                  author_place=team.city.name, author_phone="0812-2000-3000", submitted_at=submitted_at)
    for i in range(2):
        stored = store_photo(_photo_bytes(hash((team.code, period, i)) & 0xFFFF))
        piece.photos.append(Photo(position=i, caption=f"Kegiatan warga {i + 1}", storage_key=stored.key,
                                  width=stored.width, height=stored.height, byte_size=stored.byte_size))
    db.session.add(piece)
    db.session.flush()
    return piece


def _at(period: str, day: int, hour: int = 3) -> datetime:
    """03:00 UTC (10:00 WIB) on that day of the month, or now if that is still to come."""
    return min(datetime.combine(Period(period).day(day), time(hour, 0), tzinfo=UTC), now_utc())


def latest_written_period() -> str:
    """The newest month whose writing stage has closed (in WIB, where the demo's panels sit)."""
    period = current_period("Asia/Jakarta")
    return period if not cycle.is_open(period, "writing", "Asia/Jakarta") else period.previous()


def _score(panel_id: int, members, quality: dict[int, int], *, only: int | None = None) -> None:
    """Members submit sheets: the piece's quality level, with each member's own small leniency."""
    panel = db.session.get(Panel, panel_id)
    day = {Tier.CITY: 18, Tier.PROVINCE: 23, Tier.NATIONAL: 26}[panel.tier]
    for entry in panel.entries:
        if entry.status != EntryStatus.ELIGIBLE:
            continue
        for k, member in enumerate(members[:only] if only else members):
            if not may_score(member, entry):
                continue
            rng = random.Random(f"{entry.id}-{member.id}")
            level = quality.get(entry.piece_id, 6)
            values = {c: max(1, min(10, level + rng.choice((-1, 0, 0, 1)) + (k == 2 and c == 8))) for c in range(1, 9)}
            ops.save_sheet(entry.id, member, values, version=None, submit=True, now=_at(panel.period, day))


def _city(ctx, code: str, period: str, teams: list[str], quality_of, close_day: int) -> None:
    users = ctx.users
    admin = users["admin"]
    for n, team_code in enumerate(teams):
        offset = 0 if period == latest_written_period() else 5  # other titles in the other month
        piece = _piece(ctx.teams[team_code], period, n + offset, _at(period, 10 + n % 4))
        quality_of.setdefault(piece.id, 9 - n % 6)
    panel = ops.open_panel(Tier.CITY, period, admin, city=ctx.cities[code])
    members = [users["panel_city1"], users["panel_city2"], users["panel_city3"]]
    if code != "3374":  # Demak has no demo panel accounts: the Semarang ones sit there through a second role
        _give_city_pool(members, ctx.cities[code])
    ops.set_members(panel.id, [m.id for m in members], members[0].id, PanelMode.INDIVIDUAL, admin)
    for entry in list(panel.entries):
        ops.check_entry(entry.id, members[0], {c: True for c in range(1, 9)})
    _score(panel.id, members, quality_of)
    ops.close_panel(panel.id, members[0], now=_at(period, close_day))


def _give_city_pool(members, city) -> None:
    from portal.models.people import Role, RoleAssignment

    for member in members:
        if not any(a.role == Role.PANEL_MEMBER and a.city_id == city.id for a in member.roles):
            member.roles.append(RoleAssignment(role=Role.PANEL_MEMBER, city=city))
    db.session.flush()


def seed(ctx) -> None:
    """The month before the latest written one decided end to end; the latest with the KMW-JTG panel in progress."""
    users = ctx.users
    now_period = latest_written_period()
    before = now_period.previous()
    kmw = ctx.kmws["KMW-JTG"]
    kmw_members = [users["panel_kmw1"], users["panel_kmw2"], users["panel_kmw3"]]
    kmp_members = [users[f"panel_kmp{i}"] for i in range(1, 6)]

    # --- the previous month, decided ---
    quality: dict[int, int] = {}
    sem_teams = ["3374-KK"] + [f"3374-TF{i:02d}" for i in range(1, 7)]
    _city(ctx, "3374", before, sem_teams, quality, 19)
    _city(ctx, "3321", before, [f"3321-TF{i:02d}" for i in range(1, 4)], quality, 19)
    province = ops.open_panel(Tier.PROVINCE, before, users["admin"], kmw=kmw)
    ops.set_members(province.id, [m.id for m in kmw_members], kmw_members[0].id, PanelMode.INDIVIDUAL, users["admin"])
    _score(province.id, kmw_members, quality)
    ops.close_panel(province.id, kmw_members[0], now=_at(before, 24))
    national = ops.open_panel(Tier.NATIONAL, before, users["admin"])
    ops.set_members(national.id, [m.id for m in kmp_members], kmp_members[0].id, PanelMode.INDIVIDUAL, users["admin"])
    _score(national.id, kmp_members, quality)
    ops.close_panel(national.id, kmp_members[0], now=_at(before, 28))

    # --- the latest written month: Semarang decided, KMW-JTG scoring in progress ---
    # TF01 and TF02 (the demo writers' teams) are left to the submissions demo this month: whatever it submitted
    # for them is collected too.
    quality = {}
    _city(ctx, "3374", now_period, ["3374-KK"] + [f"3374-TF{i:02d}" for i in range(3, 9)], quality, 19)
    province = ops.open_panel(Tier.PROVINCE, now_period, users["admin"], kmw=kmw)
    ops.set_members(province.id, [m.id for m in kmw_members], kmw_members[0].id, PanelMode.INDIVIDUAL, users["admin"])
    _score(province.id, kmw_members, quality, only=1)  # the chair has submitted; the two others have not
