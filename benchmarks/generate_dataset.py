"""A national-scale dataset for load tests: the whole tree, accounts, N months of pieces and complete scoring.

    python benchmarks/generate_dataset.py --database-url sqlite:///instance/bench.db --months 24
    python benchmarks/generate_dataset.py --database-url postgresql://postgres@127.0.0.1:5432/bench --months 24

Defaults follow the spec's scale (PNPM Mandiri Perkotaan, 2012): 33 provinces (real names, real time zones),
268 cities, 1,300 facilitator teams plus one Korkot team per city, about 11,000 kelurahan. Every month: each
team's piece with 2-5 photo rows (rows only; ``--photo-files N`` writes tiny real files for the first N photos),
city panels (3 members, some in consensus mode) that check and score, KMW panels (3 members), the national panel
(5 members), every sheet and score, and the decisions (NA, rank, ties decided by the chair, selection, letters,
publication of provincial and national best practices, awards), as ``portal.panels.operations.close_panel`` would
store them. Rows go in with SQLAlchemy Core ``executemany`` in chunks, one transaction per month; ids are
assigned here, and PostgreSQL sequences are moved past them at the end.

The target database must be empty; missing tables are created from the models (``create_all``).
Every account's password is ``PASSWORD`` below; ``--print-logins`` lists a few.
"""
from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, inspect, select  # noqa: E402

import portal.models  # noqa: E402,F401
from portal import normalise_database_url  # noqa: E402
from portal.db import update_planner_statistics  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import (  # noqa: E402
    DeliveryMode,
    EntryStatus,
    PanelMode,
    PanelStatus,
    PieceForm,
    PieceStatus,
    Role,
    SheetStatus,
    TeamKind,
    Tier,
)
from portal.models.pieces import BestPractice  # noqa: E402
from portal.text import RENDERING, render_markdown  # noqa: E402

PASSWORD = "bench-portal-2026"
CHUNK = 5000
UTC = UTC

# (BPS code, name, time zone, cities in 2012 roughly, capital): 33 provinces, 268 cities in the program.
PROVINCES = [
    ("11", "Aceh", "Asia/Jakarta", 8, "Banda Aceh"), ("12", "Sumatera Utara", "Asia/Jakarta", 14, "Medan"),
    ("13", "Sumatera Barat", "Asia/Jakarta", 10, "Padang"), ("14", "Riau", "Asia/Jakarta", 7, "Pekanbaru"),
    ("15", "Jambi", "Asia/Jakarta", 5, "Jambi"), ("16", "Sumatera Selatan", "Asia/Jakarta", 8, "Palembang"),
    ("17", "Bengkulu", "Asia/Jakarta", 4, "Bengkulu"), ("18", "Lampung", "Asia/Jakarta", 7, "Bandar Lampung"),
    ("19", "Kepulauan Bangka Belitung", "Asia/Jakarta", 3, "Pangkalpinang"),
    ("21", "Kepulauan Riau", "Asia/Jakarta", 4, "Tanjungpinang"), ("31", "DKI Jakarta", "Asia/Jakarta", 6, "Jakarta Pusat"),
    ("32", "Jawa Barat", "Asia/Jakarta", 22, "Bandung"), ("33", "Jawa Tengah", "Asia/Jakarta", 30, "Semarang"),
    ("34", "DI Yogyakarta", "Asia/Jakarta", 5, "Yogyakarta"), ("35", "Jawa Timur", "Asia/Jakarta", 32, "Surabaya"),
    ("36", "Banten", "Asia/Jakarta", 7, "Serang"), ("51", "Bali", "Asia/Makassar", 6, "Denpasar"),
    ("52", "Nusa Tenggara Barat", "Asia/Makassar", 6, "Mataram"), ("53", "Nusa Tenggara Timur", "Asia/Makassar", 8, "Kupang"),
    ("61", "Kalimantan Barat", "Asia/Pontianak", 6, "Pontianak"),
    ("62", "Kalimantan Tengah", "Asia/Pontianak", 5, "Palangka Raya"),
    ("63", "Kalimantan Selatan", "Asia/Makassar", 6, "Banjarmasin"),
    ("64", "Kalimantan Timur", "Asia/Makassar", 6, "Samarinda"), ("71", "Sulawesi Utara", "Asia/Makassar", 6, "Manado"),
    ("72", "Sulawesi Tengah", "Asia/Makassar", 5, "Palu"), ("73", "Sulawesi Selatan", "Asia/Makassar", 12, "Makassar"),
    ("74", "Sulawesi Tenggara", "Asia/Makassar", 5, "Kendari"), ("75", "Gorontalo", "Asia/Makassar", 3, "Gorontalo"),
    ("76", "Sulawesi Barat", "Asia/Makassar", 3, "Mamuju"), ("81", "Maluku", "Asia/Jayapura", 4, "Ambon"),
    ("82", "Maluku Utara", "Asia/Jayapura", 3, "Ternate"), ("91", "Papua Barat", "Asia/Jayapura", 3, "Manokwari"),
    ("94", "Papua", "Asia/Jayapura", 4, "Jayapura"),
]
# KMW contracts: provinces grouped as the program grouped them; one KMW may cover several provinces.
KMW_GROUPS = [["11"], ["12"], ["13"], ["14", "21"], ["15", "17"], ["16", "19"], ["18"], ["31", "36"], ["32"],
              ["33"], ["34"], ["35"], ["51", "52"], ["53"], ["61", "62"], ["63", "64"], ["71", "75"], ["72", "76"],
              ["73"], ["74"], ["81", "82"], ["91", "94"]]
WEST = {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36"}

ACTIVITIES = ["Pembangunan jalan lingkungan", "Perbaikan drainase", "Pelatihan menjahit", "Bank sampah",
              "Sanitasi komunal", "Posyandu lansia", "Pinjaman bergulir", "Penghijauan bantaran sungai",
              "Rehabilitasi rumah tidak layak huni", "Sumur resapan", "Pelatihan relawan", "Perpustakaan warga"]
SENTENCES = [
    "Warga bergotong-royong sejak pagi hari dan membagi tugas menurut kemampuan masing-masing.",
    "Relawan BKM mencatat setiap rupiah swadaya dan mengumumkannya di papan informasi kelurahan.",
    "Fasilitator mendampingi rapat warga sehingga keputusan diambil bersama, bukan oleh segelintir orang.",
    "Perempuan kepala keluarga ikut merencanakan, mengawasi pekerjaan, dan menilai hasilnya.",
    "Setelah kegiatan selesai, kelompok pemelihara dibentuk agar manfaatnya bertahan bertahun-tahun.",
    "Pemerintah kelurahan menambah anggaran karena melihat hasil yang nyata dan laporan yang terbuka.",
    "Anak-anak muda mendokumentasikan proses dengan foto dan membagikannya kepada warga lain.",
    "Biaya ternyata lebih rendah dari rencana karena bahan dibeli bersama dan tenaga disumbangkan warga.",
    "Kelurahan tetangga datang belajar dan kini menerapkan cara yang sama di wilayahnya.",
    "Masalah sempat muncul ketika hujan deras, tetapi warga segera bermusyawarah dan mencari jalan keluar.",
]
NAMES = ["Siti", "Budi", "Agus", "Dewi", "Andi", "Yohanes", "Rina", "Hendra", "Nur", "Made", "Sri", "Fajar",
         "Maria", "Rudi", "Lina", "Ahmad", "Yusuf", "Ratna", "Teguh", "Wayan", "Fitri", "Rahmat"]
SURNAMES = ["Rahmawati", "Santoso", "Prasetyo", "Lestari", "Saputra", "Wenda", "Wulandari", "Gunawan", "Aini",
            "Wirawan", "Mulyani", "Nugroho", "Kambu", "Hartono", "Marlina", "Fauzi", "Latif", "Sari", "Wibowo"]


@dataclass
class Options:
    provinces: int = 33
    cities: int | None = None  # None: 268 scaled by provinces
    teams: int | None = None  # None: 1,300 scaled by cities
    kelurahan: int | None = None  # None: about 11,000 scaled by teams
    months: int = 24
    end_period: str | None = None  # the last (decided) month; None: the month before this one
    readers: int = 1000
    seed: int = 2012
    photo_files: int = 0
    upload_dir: str | None = None


@dataclass
class Ids:
    """Next id per table; rows get their ids here so children can point at them without a round trip."""

    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def next(self, table: str) -> int:
        self.counters[table] += 1
        return self.counters[table]


class Generator:
    def __init__(self, conn_engine, options: Options):
        self.engine = conn_engine
        self.o = options
        self.rng = random.Random(options.seed)
        self.ids = Ids()
        self.tables = {t.name: t for t in db.metadata.sorted_tables}
        self.counts: dict[str, int] = defaultdict(int)
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.bodies = [self._body(i) for i in range(24)]  # the knowledge products'
        self.texts_made = 0
        self.photo_keys_for_files: list[str] = []
        self.returned: list[tuple[int, str]] = []

    # --- plumbing ---------------------------------------------------------------------------

    def add(self, table: str, **values) -> int:
        if "id" not in values and "id" in self.tables[table].c:
            values["id"] = self.ids.next(table)
        self.rows[table].append(values)
        return values.get("id")

    def flush(self, conn) -> None:
        """Insert every buffered row, parents before children, in chunks of CHUNK."""
        for table in db.metadata.sorted_tables:
            rows = self.rows.pop(table.name, None)
            if not rows:
                continue
            for group in _by_keys(rows).values():
                for start in range(0, len(group), CHUNK):
                    conn.execute(table.insert(), group[start:start + CHUNK])
            self.counts[table.name] += len(rows)

    def key(self) -> str:
        return base64.urlsafe_b64encode(self.rng.randbytes(18)).decode()

    def _body(self, seed: int) -> str:
        """A piece's text, about 540 words in paragraphs under two headings and a list, different for every piece.
        The portal keeps the latest renderings of a text per worker (``portal.text.render_markdown``): texts
        repeated across pieces would be converted once, and a piece's first rendering would be measured without
        the Markdown conversion that every real piece needs (1.5 ms of CPU for such a text)."""
        rng = random.Random(seed)
        paragraphs = []
        words = 0
        while words < 540:
            paragraph = " ".join(rng.choice(SENTENCES) for _ in range(5))
            words += len(paragraph.split())
            paragraphs.append(paragraph)
        half = len(paragraphs) // 2
        results = "\n".join(f"- {rng.choice(SENTENCES)}" for _ in range(4))
        return ("## Latar belakang\n\n" + "\n\n".join(paragraphs[:half]) + "\n\n## Hasil\n\n" + results + "\n\n"
                + "\n\n".join(paragraphs[half:]))

    def text(self) -> dict:
        """A piece's text with its rendering, as the portal stores them when a writer saves it."""
        self.rng.randrange(len(self.bodies))  # drawn as when pieces shared these texts: every other choice stays
        self.texts_made += 1
        body = self._body(1000 + self.texts_made)
        return {"body_md": body, "body_html": str(render_markdown(body)), "body_html_rendering": RENDERING}

    def person(self) -> str:
        return f"{self.rng.choice(NAMES)} {self.rng.choice(SURNAMES)}"

    # --- the tree and the accounts -----------------------------------------------------------

    def build_tree(self) -> None:
        o = self.o
        provinces = PROVINCES[: o.provinces]
        n_cities = o.cities or max(len(provinces), round(268 * sum(p[3] for p in provinces) / ALL_CITY_WEIGHT))
        n_teams = o.teams or max(2 * n_cities, round(1300 * n_cities / 268))
        n_kel = o.kelurahan or round(11000 * n_teams / 1300)
        weights = _spread(n_cities, [p[3] for p in provinces], minimum=1)
        self.region = {"W1": self.add("region", code="W1", name="Wilayah I"),
                       "W2": self.add("region", code="W2", name="Wilayah II")}
        chosen = {p[0] for p in provinces}
        self.kmw_of_province: dict[str, int] = {}
        self.kmws: list[dict] = []
        for n, group in enumerate(KMW_GROUPS, start=1):
            group = [code for code in group if code in chosen]
            if not group:
                continue
            names = [p[1] for p in provinces if p[0] in group]
            kmw_id = self.add("kmw", code=f"KMW-{n:02d}", name="KMW " + " dan ".join(names),
                              region_id=self.region["W1" if group[0] in WEST else "W2"])
            self.kmws.append({"id": kmw_id, "provinces": group})
            for code in group:
                self.kmw_of_province[code] = kmw_id
        self.cities: list[dict] = []
        for (code, name, tz, _, capital), count in zip(provinces, weights):
            prov_id = self.add("province", code=code, name=name, timezone=tz, kmw_id=self.kmw_of_province[code])
            for c in range(1, count + 1):
                city_name = f"Kota {capital}" if c == 1 else f"Kabupaten {name} {c - 1:02d}"
                city_code = f"{code}{c:02d}"
                city_id = self.add("city", code=city_code, name=city_name, province_id=prov_id)
                self.cities.append({"id": city_id, "code": city_code, "name": city_name, "tz": tz,
                                    "kmw": self.kmw_of_province[code], "teams": []})
        team_counts = _spread(n_teams, [self.rng.uniform(0.5, 2.0) for _ in self.cities], minimum=2)
        kel_counts = _spread(n_kel, [1.0] * n_teams, minimum=1)
        k = 0
        for city, count in zip(self.cities, team_counts):
            city["korkot"] = self.add("team", code=f"{city['code']}-KK", name=f"Tim Korkot {city['name']}",
                                      kind=TeamKind.KORKOT, city_id=city["id"])
            for t in range(1, count + 1):
                team_code = f"{city['code']}-TF{t:02d}"
                team_id = self.add("team", code=team_code, name=f"Tim Fasilitator {t:02d} {city['name']}",
                                   kind=TeamKind.TF, city_id=city["id"])
                city["teams"].append(team_id)
                for j in range(1, kel_counts[k] + 1):
                    self.add("kelurahan", code=f"{city['code']}{t:02d}{j:02d}",
                             name=f"Kelurahan {city['name'].split()[-1]} {t}-{j}", team_id=team_id)
                k += 1

    def user(self, email: str, role: Role, *, team=None, city=None, kmw=None, position: str = "") -> int:
        uid = self.add("user_account", email=email, name=self.person(), phone=f"0812-{self.rng.randrange(10**8):08d}",
                       position=position, password_hash=self.password_hash, active=True, session_version=1,
                       created_at=datetime(2024, 1, 1, tzinfo=UTC))
        self.add("role_assignment", user_id=uid, role=role, team_id=team, city_id=city, kmw_id=kmw)
        return uid

    def build_accounts(self) -> None:
        from werkzeug.security import generate_password_hash

        self.password_hash = generate_password_hash(PASSWORD)
        self.admin = self.user("admin@bench.bp.id", Role.ADMIN)
        self.national_dm = self.user("data.kmp@bench.bp.id", Role.DATA_MANAGER, position="Tim CB KMP")
        self.national_panel = [self.user(f"penilai{i}.kmp@bench.bp.id", Role.PANEL_MEMBER) for i in range(1, 6)]
        self.writers: dict[int, list[int]] = {}
        for kmw in self.kmws:
            kmw["dm"] = self.user(f"data.kmw{kmw['id']}@bench.bp.id", Role.DATA_MANAGER, kmw=kmw["id"])
            kmw["panel"] = [self.user(f"penilai{i}.kmw{kmw['id']}@bench.bp.id", Role.PANEL_MEMBER, kmw=kmw["id"])
                            for i in range(1, 4)]
            kmw["expert"] = self.user(f"ta.kmw{kmw['id']}@bench.bp.id", Role.WRITER, kmw=kmw["id"],
                                      position="Tenaga Ahli KMW")
        for city in self.cities:
            city["dm"] = self.user(f"data.{city['code']}@bench.bp.id", Role.DATA_MANAGER, city=city["id"])
            city["panel"] = [self.user(f"penilai{i}.{city['code']}@bench.bp.id", Role.PANEL_MEMBER, city=city["id"])
                             for i in range(1, 4)]
            for team_id in [city["korkot"], *city["teams"]]:
                self.writers[team_id] = [
                    self.user(f"penulis{i}.t{team_id}@bench.bp.id", Role.WRITER, team=team_id, position="Faskel")
                    for i in (1, 2)]
        self.readers = [self.user(f"pembaca{i}@bench.bp.id", Role.READER) for i in range(1, self.o.readers + 1)]

    def build_rubric(self) -> None:
        import scoring

        rubric = scoring.default_rubric()
        self.rubric_id = self.add("rubric_version", version=rubric.version, passing_grade=rubric.passing_grade,
                                  min_score=rubric.min_score, max_score=rubric.max_score, active=True,
                                  created_at=datetime(2024, 1, 1, tzinfo=UTC))
        self.weights = {i.code: i.weight for i in rubric.instruments}
        self.passing = rubric.passing_grade
        for i in rubric.instruments:
            self.add("rubric_instrument", rubric_id=self.rubric_id, code=i.code, name=i.name,
                     description=i.description, weight=i.weight)

    # --- one month -----------------------------------------------------------------------------

    def month(self, period: str) -> None:
        year, month = (int(x) for x in period.split("-"))
        quality: dict[int, float] = {}
        korkot_pieces: dict[int, list[int]] = defaultdict(list)  # kmw -> Korkot pieces (outside city quota)
        province_in: dict[int, list[int]] = defaultdict(list)  # kmw -> pieces sent up by city panels
        piece_team: dict[int, int] = {}
        decided_at = {}
        for city in self.cities:
            tz = ZoneInfo(city["tz"])
            submitted_pieces = []
            for team_id in [city["korkot"], *city["teams"]]:
                roll = self.rng.random()
                if roll < 0.06:
                    continue  # no piece this month
                status = PieceStatus.DRAFT if roll < 0.09 else PieceStatus.SUBMITTED
                piece_id = self.piece(team_id, city, period, status, tz, year, month)
                piece_team[piece_id] = team_id
                quality[piece_id] = self.rng.gauss(7.0, 1.0)
                if status != PieceStatus.SUBMITTED:
                    continue
                if team_id == city["korkot"]:
                    korkot_pieces[city["kmw"]].append(piece_id)
                else:
                    submitted_pieces.append(piece_id)
            closed = datetime(year, month, 20, 15, 0, tzinfo=tz).astimezone(UTC)
            quota = 3 if len(city["teams"]) >= 8 else 2
            chosen = self.panel(Tier.CITY, period, submitted_pieces, quality, city["panel"], closed, quota,
                                require_pass=False, city_id=city["id"], scope=f"city:{city['id']}", tz=tz,
                                letter=f"{{n:03d}}/TPK-{city['code']}/{period}")
            province_in[city["kmw"]].extend(chosen)
        national_in: list[int] = []
        for kmw in self.kmws:
            tz = ZoneInfo(PROVINCE_TZ[kmw["provinces"][0]])
            closed = datetime(year, month, 25, 15, 0, tzinfo=tz).astimezone(UTC)
            outside = set(korkot_pieces[kmw["id"]])
            entries = province_in[kmw["id"]] + sorted(outside)
            chosen, passed = self.panel(Tier.PROVINCE, period, entries, quality, kmw["panel"], closed, 3,
                                        require_pass=True, kmw_id=kmw["id"], scope=f"kmw:{kmw['id']}", tz=tz,
                                        letter=f"{{n:03d}}/KMW-{kmw['id']:02d}/{period}", outside=outside,
                                        with_passed=True)
            national_in.extend(chosen)
            for piece_id in passed:
                decided_at[piece_id] = (BestPractice.PROVINCE, closed)
        closed = datetime(year, month, 28, 15, 0, tzinfo=ZoneInfo("Asia/Jakarta")).astimezone(UTC)
        winners = self.panel(Tier.NATIONAL, period, national_in, quality, self.national_panel, closed, 5,
                             require_pass=True, scope="national", tz=ZoneInfo("Asia/Jakarta"),
                             letter=f"{{n:03d}}/KMP/{period}")
        for piece_id in winners:
            decided_at[piece_id] = (BestPractice.NATIONAL, closed)
            self.add("award", piece_id=piece_id, title="Undangan lokakarya penulisan nasional",
                     description="", recorded_by_id=self.national_dm, recorded_at=closed + timedelta(days=1))
        self.publish(decided_at, piece_team)

    def piece(self, team_id, city, period, status, tz, year, month) -> int:
        form = self.rng.choices(list(PieceForm), weights=[70, 10, 10, 2, 4, 2, 2])[0]
        submitted = datetime(year, month, self.rng.randint(5, 15), self.rng.randint(7, 22), self.rng.randint(0, 59),
                             tzinfo=tz).astimezone(UTC)
        activity = self.rng.choice(ACTIVITIES)
        writer = self.writers[team_id][0]
        piece_id = self.add(
            "piece", team_id=team_id, period=period, moved_from_period=None, status=status, form=form,
            title=f"{activity} di {city['name']}: cerita warga", theme=activity, **self.text(),
            facts=f"{self.rng.randint(40, 400)} KK terlibat; swadaya Rp {self.rng.randint(2, 90)} juta",
            institution_name=f"BKM {self.rng.choice(SURNAMES)} Sejahtera", institution_address="Jl. Merdeka 1",
            institution_phone="0274-123456", author_name=self.person(), author_position="Faskel",
            author_place=city["name"], author_phone="0812-0000-1111", return_reasons="", created_by_id=writer,
            created_at=submitted - timedelta(days=4), updated_at=submitted,
            submitted_at=submitted if status == PieceStatus.SUBMITTED else None,
            best_practice=None, published_at=None, version=1)
        for position in range(self.rng.randint(2, 5)):
            key = self.key()
            if len(self.photo_keys_for_files) < self.o.photo_files:
                self.photo_keys_for_files.append(key)
            self.add("photo", piece_id=piece_id, position=position, caption=f"Foto {position + 1}: kegiatan warga",
                     storage_key=key, width=4000, height=3000, byte_size=2_400_000, created_at=submitted)
        if not form.is_written:
            ext, ctype = {"audio": ("mp3", "audio/mpeg"), "grafis": ("png", "image/png")}.get(
                form.value, ("mp4", "video/mp4"))
            self.add("media_file", piece_id=piece_id, storage_key=self.key(), content_type=ctype, extension=ext,
                     byte_size=120_000_000, duration_seconds=None if form == PieceForm.GRAFIS else 960.0,
                     created_at=submitted)
        return piece_id

    def panel(self, tier, period, pieces, quality, members, closed, quota, *, require_pass, scope, tz, letter,
              city_id=None, kmw_id=None, outside=frozenset(), with_passed=False):
        """One closed panel: entries, sheets, scores and decisions. Returns the selected pieces."""
        consensus = tier == Tier.CITY and self.rng.random() < 0.1
        panel_id = self.ids.next("panel")
        number = panel_id
        self.add("panel", id=panel_id, tier=tier, period=period, scope_key=scope, city_id=city_id, kmw_id=kmw_id,
                 mode=PanelMode.CONSENSUS if consensus else PanelMode.INDIVIDUAL, status=PanelStatus.CLOSED,
                 chair_id=members[0], rubric_id=self.rubric_id, closed_at=closed, closed_by_id=members[0],
                 closed_late=False, letter_number=letter.format(n=number), letter_date=closed.astimezone(tz).date(),
                 version=1)
        for user_id in members:
            self.add("panel_member", panel_id=panel_id, user_id=user_id)
        scored = []
        for piece_id in pieces:
            returned = tier == Tier.CITY and self.rng.random() < 0.03
            entry = dict(id=self.ids.next("entry"), panel_id=panel_id, piece_id=piece_id,
                         status=EntryStatus.RETURNED if returned else EntryStatus.ELIGIBLE,
                         outside_quota=piece_id in outside, checklist="", return_reasons="",
                         received_at=closed - timedelta(days=5), late=False, na=None, reviewers=None, passed=None,
                         rank=None, tied=None, selected=None, tie_reason="")
            if tier == Tier.CITY:
                entry["checklist"] = json.dumps({str(c): not returned for c in range(1, 9)})
            if returned:
                entry["return_reasons"] = "Foto kurang dari dua dan alamat lembaga tidak lengkap."
                self.returned.append((piece_id, entry["return_reasons"]))
                self.rows["entry"].append(entry)
                continue
            sheet_members = [members[0]] if consensus else members
            totals = [self.sheet(entry["id"], user_id, quality[piece_id], closed, consensus) for user_id in sheet_members]
            entry["reviewers"] = len(totals)
            entry["na"] = sum(totals) / len(totals)
            entry["passed"] = entry["na"] >= self.passing
            scored.append(entry)
            self.rows["entry"].append(entry)
        decide(scored, quota, require_pass)
        chosen = [e["piece_id"] for e in scored if e["selected"]]
        if with_passed:
            return chosen, [e["piece_id"] for e in scored if e["passed"]]
        return chosen

    def sheet(self, entry_id, user_id, quality, closed, consensus) -> int:
        sheet_id = self.add("score_sheet", entry_id=entry_id, user_id=user_id, consensus=consensus,
                            status=SheetStatus.SUBMITTED, rubric_id=self.rubric_id, note="",
                            created_at=closed - timedelta(days=3), updated_at=closed - timedelta(days=1),
                            submitted_at=closed - timedelta(days=1), version=1)
        total = 0
        for code, weight in self.weights.items():
            score = min(10, max(1, round(self.rng.gauss(quality, 1.0))))
            total += score * weight
            self.add("score", sheet_id=sheet_id, instrument_code=code, score=score)
        return total

    def publish(self, decided: dict, piece_team: dict) -> None:
        by_id = {row["id"]: row for row in self.rows["piece"]}
        for piece_id, reason in self.returned:
            by_id[piece_id]["status"] = PieceStatus.RETURNED
            by_id[piece_id]["return_reasons"] = reason
        self.returned = []
        for piece_id, (kind, at) in decided.items():
            row = by_id[piece_id]
            if row["best_practice"] == BestPractice.NATIONAL:
                continue
            row["best_practice"] = kind
            row["published_at"] = row["published_at"] or at
            writer = self.writers[piece_team[piece_id]][0]
            self.add("notification", user_id=writer, piece_id=piece_id, category="piece_published",
                     title="Tulisan Anda menjadi best practice.", body="", link="", delivery=DeliveryMode.PORTAL,
                     digest_id=None, created_at=at, read_at=None)
            for n in range(self.rng.randint(0, 3)):
                reader = self.rng.choice(self.readers)
                self.add("comment", piece_id=piece_id, user_id=reader, parent_id=None,
                         kind="question" if n == 0 else "comment", body="Bagaimana warga menjaga hasilnya?",
                         created_at=at + timedelta(days=n + 1), hidden=False, hidden_reason="", hidden_by_id=None,
                         hidden_at=None)
            for reader in set(self.rng.sample(self.readers, min(2, len(self.readers)))):
                self.add("confirmation", piece_id=piece_id, user_id=reader, created_at=at + timedelta(days=2))

    def knowledge_products(self, years: list[int]) -> None:
        for kmw in self.kmws:
            for year in years:
                at = datetime(year, 12, 1, tzinfo=UTC)
                self.add("knowledge_product", author_id=kmw["expert"], kmw_id=kmw["id"], year=year,
                         title=f"Produk pengetahuan {year}", summary="Ringkasan", body_md=self.bodies[year % 24],
                         document_key=None, document_type=None, document_ext=None, submitted_at=at, published_at=at,
                         created_at=at)


PROVINCE_TZ = {p[0]: p[2] for p in PROVINCES}
ALL_CITY_WEIGHT = sum(p[3] for p in PROVINCES)


def decide(entries: list[dict], quota: int, require_pass: bool) -> None:
    """NA ranking, ties and selection exactly as ``portal.scoring_adapter.panel_results`` and ``close_panel``:
    competition ranks (1, 2, 2, 4); the best ``quota`` go up (passing required at province and national); a tie
    across the cut-off is decided by the chair, who takes the earliest entries and records why."""
    for e in entries:
        e["rank"] = 1 + sum(1 for o in entries if o["na"] > e["na"])
        e["tied"] = sum(1 for o in entries if o["na"] == e["na"]) > 1
    pool = [e for e in entries if e["passed"] or not require_pass]
    for e in entries:
        e["selected"] = False
    ties = []
    for e in pool:
        best = 1 + sum(1 for o in pool if o["na"] > e["na"])
        worst = sum(1 for o in pool if o["na"] >= e["na"])
        if worst <= quota:
            e["selected"] = True
        elif best <= quota:
            ties.append(e)
    slots = quota - sum(1 for e in pool if e["selected"])
    for i, e in enumerate(sorted(ties, key=lambda x: x["id"])):
        e["selected"] = i < slots
        e["tie_reason"] = "Nilai sama di batas kuota; ketua memutuskan setelah musyawarah panel."


def _spread(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), each >= ``minimum``."""
    n = len(weights)
    total = max(total, minimum * n)
    base = [minimum] * n
    rest = total - minimum * n
    s = sum(weights)
    exact = [rest * w / s for w in weights]
    floors = [int(x) for x in exact]
    order = sorted(range(n), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: rest - sum(floors)]:
        floors[i] += 1
    return [b + f for b, f in zip(base, floors)]


def _by_keys(rows: list[dict]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(row)].append(row)
    return groups


def periods_ending(end: str, months: int) -> list[str]:
    year, month = (int(x) for x in end.split("-"))
    out = []
    for _ in range(months):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def generate(engine, options: Options, log=print) -> dict[str, int]:
    """Fill the empty database behind ``engine``; returns row counts per table."""
    from portal.db import register_sqlite_pragmas

    register_sqlite_pragmas()
    missing = [t for t in db.metadata.sorted_tables if not inspect(engine).has_table(t.name)]
    if missing:
        db.metadata.create_all(engine)
    with engine.connect() as conn:
        filled = [t.name for t in db.metadata.sorted_tables
                  if conn.execute(select(func.count()).select_from(t)).scalar()]
    if filled:
        raise SystemExit(f"the database is not empty ({', '.join(filled)}); use an empty one")
    if options.end_period is None:
        today = date.today().replace(day=1) - timedelta(days=1)
        options.end_period = f"{today.year:04d}-{today.month:02d}"
    gen = Generator(engine, options)
    started = time.perf_counter()
    with engine.begin() as conn:
        gen.build_tree()
        gen.build_rubric()
        gen.build_accounts()
        gen.flush(conn)
    log(f"tree and accounts: {time.perf_counter() - started:.1f} s")
    periods = periods_ending(options.end_period, options.months)
    for period in periods:
        with engine.begin() as conn:
            gen.month(period)
            gen.flush(conn)
        log(f"{period}: {sum(gen.counts.values()):,} rows so far, {time.perf_counter() - started:.1f} s")
    with engine.begin() as conn:
        gen.knowledge_products(sorted({int(p[:4]) for p in periods}))
        gen.flush(conn)
        if engine.dialect.name == "postgresql":
            from portal.maintenance import reset_sequences

            reset_sequences(conn)
    if options.photo_files and options.upload_dir:
        write_photo_files(Path(options.upload_dir), gen.photo_keys_for_files)
    indexed = build_search_index(engine)
    log(f"search index: {indexed} published pieces, {time.perf_counter() - started:.1f} s")
    update_planner_statistics(engine)  # what autovacuum would do some minutes later on a real server
    return dict(gen.counts)


def build_search_index(engine) -> int:
    """Index the published pieces for search the way the portal does (portal.search.rebuild_index: the entry
    table, plus the FTS5 table on SQLite); the rows above were written without the ORM, which indexes as it goes."""
    import tempfile

    from portal import create_app, search

    url = engine.url.render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "generator"}, instance_path=instance)
        with app.app_context():
            count = search.rebuild_index()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    return count


def write_photo_files(root: Path, keys: list[str]) -> None:
    """Tiny real JPEGs for a sample of photo rows, in the storage layout (photos/<k2>/<key>.<variant>.jpg)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 90)).save(buf, "JPEG", quality=70)
    data = buf.getvalue()
    for key in keys:
        folder = root / "photos" / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        for variant in ("original", "display", "phone", "thumb"):
            (folder / f"{key}.{variant}.jpg").write_bytes(data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--end-period", help="last month, YYYY-MM (default: last month)")
    parser.add_argument("--provinces", type=int, default=33)
    parser.add_argument("--cities", type=int)
    parser.add_argument("--teams", type=int)
    parser.add_argument("--kelurahan", type=int)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--photo-files", type=int, default=0, help="write tiny real files for the first N photos")
    parser.add_argument("--upload-dir", help="UPLOAD_DIR for --photo-files")
    args = parser.parse_args(argv)
    options = Options(provinces=args.provinces, cities=args.cities, teams=args.teams, kelurahan=args.kelurahan,
                      months=args.months, end_period=args.end_period, readers=args.readers, seed=args.seed,
                      photo_files=args.photo_files, upload_dir=args.upload_dir)
    engine = create_engine(normalise_database_url(args.database_url))
    started = time.perf_counter()
    counts = generate(engine, options)
    elapsed = time.perf_counter() - started
    width = max(len(n) for n in counts)
    for name in sorted(counts):
        print(f"  {name:<{width}} {counts[name]:>10,}")
    print(f"  {'total':<{width}} {sum(counts.values()):>10,} rows in {elapsed:.1f} s "
          f"({sum(counts.values()) / elapsed:,.0f} rows/s) on {engine.dialect.name}")
    print(f"Every account's password: {PASSWORD}. Examples: admin@bench.bp.id, data.kmp@bench.bp.id, "
          "penilai1.kmp@bench.bp.id, penulis1.t2@bench.bp.id")
    engine.dispose()


if __name__ == "__main__":
    main()
