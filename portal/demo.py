"""The demo dataset: three provinces in three time zones, cities above and below 8 teams, one account per role.

Feature modules add their part of "a month in progress" through ``portal.<feature>.demo.seed(ctx)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from portal import demo_photos
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.models.org import City, Kelurahan, Kmw, Province, Region, Team, TeamKind
from portal.models.people import Role, RoleAssignment, User
from portal.panels import demo as panels_demo
from portal.rubrics import ensure_default_rubric
from portal.submissions import demo as submissions_demo

DEMO_PASSWORD = "demo-portal-2026"

# (region, kmw code, kmw name, [(province code, name, tz, [(city code, name, facilitator teams)])])
TREE = [
    ("W1", "KMW-JTG", "KMW Jawa Tengah", [
        ("33", "Jawa Tengah", "Asia/Jakarta", [("3374", "Kota Semarang", 9), ("3321", "Kabupaten Demak", 4)]),
    ]),
    ("W2", "KMW-SLP", "KMW Sulawesi Selatan dan Papua", [
        ("73", "Sulawesi Selatan", "Asia/Makassar", [("7371", "Kota Makassar", 8), ("7372", "Kota Parepare", 3)]),
        ("91", "Papua", "Asia/Jayapura", [("9171", "Kota Jayapura", 3)]),
    ]),
]


# Three kelurahan for each facilitator team, in the team's order (real names of the cities' kelurahan).
KELURAHAN = {
    "3374": ["Bandarharjo", "Tanjung Mas", "Kemijen", "Rejomulyo", "Mlatiharjo", "Mlatibaru", "Kebonagung",
             "Bugangan", "Karangtempel", "Rejosari", "Sarirejo", "Kuningan", "Panggung Lor", "Panggung Kidul",
             "Dadapsari", "Purwosari", "Plombokan", "Bulu Lor", "Krobokan", "Tawangsari", "Tawangmas", "Gisikdrono",
             "Kembangarum", "Kalibanteng Kulon", "Kalibanteng Kidul", "Manyaran", "Bongsari"],
    "3321": ["Bintoro", "Betokan", "Kadilangu", "Mangunjiwan", "Katonsari", "Singorejo", "Bango", "Cabean",
             "Kalicilik", "Karangmlati", "Mulyorejo", "Bolo"],
    "7371": ["Tallo", "Buloa", "Lakkang", "Pannampu", "Rappokalling", "Kaluku Bodoa", "Suangga", "Lembo",
             "Wala-walaya", "Tammua", "Rappojawa", "Ujung Pandang Baru", "Kalukuang", "Bunga Ejaya", "Layang",
             "Parang Layang", "Tamalabba", "Bara-baraya", "Maccini", "Maradekaya", "Karuwisi", "Panaikang", "Pampang",
             "Tello Baru"],
    "7372": ["Lumpue", "Cempae", "Watang Soreang", "Bukit Harapan", "Kampung Pisang", "Labukkang", "Ujung Bulu",
             "Mallusetasi", "Lapadde"],
    "9171": ["Hamadi", "Argapura", "Entrop", "Tanjung Ria", "Imbi", "Gurabesi", "Bhayangkara", "Trikora", "Mandala"],
}


@dataclass
class DemoContext:
    """What feature seeders need: the tree by code and the demo accounts by key, and which texts a month has
    used (so that no two pieces of one month tell the same story)."""

    kmws: dict[str, Kmw] = field(default_factory=dict)
    cities: dict[str, City] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    texts_used: dict[str, set[int]] = field(default_factory=dict)

    def take_text(self, period: str, preferred: int, count: int) -> int:
        """The text ``preferred`` (an index of the demo texts), or the next one this month has not used yet."""
        used = self.texts_used.setdefault(str(period), set())
        for step in range(count):
            index = (preferred + step) % count
            if index not in used:
                used.add(index)
                return index
        return preferred % count


def demo_logins() -> list[tuple[str, str]]:
    return [(label, email) for key, label, email, _, _ in ACCOUNTS]


# (key, label, email, role, scope code: "team:..", "city:..", "kmw:..", or None)
ACCOUNTS: list[tuple[str, str, str, Role, str | None]] = [
    ("admin", "Administrator", "admin@demo.bp.id", Role.ADMIN, None),
    ("writer_tf1", "Penulis TF (Semarang TF-01)", "tf01.semarang@demo.bp.id", Role.WRITER, "team:3374-TF01"),
    ("writer_tf2", "Penulis TF (Semarang TF-02)", "tf02.semarang@demo.bp.id", Role.WRITER, "team:3374-TF02"),
    ("writer_korkot", "Penulis Tim Korkot (Semarang)", "korkot.semarang@demo.bp.id", Role.WRITER, "team:3374-KK"),
    ("writer_makassar", "Penulis TF (Makassar TF-01)", "tf01.makassar@demo.bp.id", Role.WRITER, "team:7371-TF01"),
    ("writer_jayapura", "Penulis TF (Jayapura TF-01)", "tf01.jayapura@demo.bp.id", Role.WRITER, "team:9171-TF01"),
    ("expert", "Tenaga Ahli KMW (produk pengetahuan)", "ta.jateng@demo.bp.id", Role.WRITER, "kmw:KMW-JTG"),
    ("dm_city", "Pengelola data Korkot Semarang", "data.semarang@demo.bp.id", Role.DATA_MANAGER, "city:3374"),
    ("dm_kmw", "Pengelola data KMW Jawa Tengah", "data.jateng@demo.bp.id", Role.DATA_MANAGER, "kmw:KMW-JTG"),
    ("dm_kmp", "Pengelola data KMP (Tim CB)", "data.kmp@demo.bp.id", Role.DATA_MANAGER, None),
    ("panel_city1", "Tim Penilai Korkot Semarang (ketua)", "penilai1.semarang@demo.bp.id", Role.PANEL_MEMBER, "city:3374"),
    ("panel_city2", "Tim Penilai Korkot Semarang", "penilai2.semarang@demo.bp.id", Role.PANEL_MEMBER, "city:3374"),
    ("panel_city3", "Tim Penilai Korkot Semarang", "penilai3.semarang@demo.bp.id", Role.PANEL_MEMBER, "city:3374"),
    ("panel_kmw1", "Tim Penilai KMW Jawa Tengah (ketua)", "penilai1.jateng@demo.bp.id", Role.PANEL_MEMBER, "kmw:KMW-JTG"),
    ("panel_kmw2", "Tim Penilai KMW Jawa Tengah", "penilai2.jateng@demo.bp.id", Role.PANEL_MEMBER, "kmw:KMW-JTG"),
    ("panel_kmw3", "Tim Penilai KMW Jawa Tengah", "penilai3.jateng@demo.bp.id", Role.PANEL_MEMBER, "kmw:KMW-JTG"),
    ("panel_kmp1", "Tim Penilai KMP (ketua)", "penilai1.kmp@demo.bp.id", Role.PANEL_MEMBER, "national"),
    ("panel_kmp2", "Tim Penilai KMP", "penilai2.kmp@demo.bp.id", Role.PANEL_MEMBER, "national"),
    ("panel_kmp3", "Tim Penilai KMP", "penilai3.kmp@demo.bp.id", Role.PANEL_MEMBER, "national"),
    ("panel_kmp4", "Tim Penilai KMP", "penilai4.kmp@demo.bp.id", Role.PANEL_MEMBER, "national"),
    ("panel_kmp5", "Tim Penilai KMP", "penilai5.kmp@demo.bp.id", Role.PANEL_MEMBER, "national"),
    ("reader", "Pembaca", "pembaca@demo.bp.id", Role.READER, None),
]


class DemoRefused(Exception):
    """The demo dataset goes into an empty database only; the message says what to do."""


def database_holds_data() -> bool:
    """True when the database already has an organisation tree or an account: the demo would collide with it."""
    return any(db.session.scalar(db.select(model.id).limit(1)) is not None for model in (Kmw, User))


def load_demo_data(*, if_empty: bool = False, photos_now: bool = True) -> bool:
    """Load the demo dataset in one transaction into an empty database; its photos are drawn by a background job
    (``portal/demo_photos.py``), run here before returning (``photos_now``) or left to a consumer of the task
    queue (the quick start's, which runs beside the server).

    When the database holds data: returns False with ``if_empty``, else raises :class:`DemoRefused`.
    """
    if database_holds_data():
        if if_empty:
            return False
        raise DemoRefused("Basis data sudah berisi data (pohon organisasi atau akun); data demo hanya dimuat ke "
                          "basis data kosong. Pakai `load-demo --if-empty` untuk melewatinya tanpa galat.")
    ctx = build_tree()
    build_accounts(ctx)
    ensure_default_rubric()
    db.session.flush()
    for seed in feature_seeders():
        seed(ctx)
    db.session.commit()
    job = demo_photos.queue_planned()
    if job is not None and photos_now:
        demo_photos.run_now(job)
    return True


def feature_seeders():
    """The features' demo seeders, in the order of the monthly cycle."""
    return [submissions_demo.seed, panels_demo.seed]


def build_tree() -> DemoContext:
    ctx = DemoContext()
    for region_code, kmw_code, kmw_name, provinces in TREE:
        region = db.session.scalar(db.select(Region).where(Region.code == region_code)) or Region(
            code=region_code, name=f"Wilayah {'I' if region_code == 'W1' else 'II'}"
        )
        kmw = Kmw(code=kmw_code, name=kmw_name, region=region)
        ctx.kmws[kmw_code] = kmw
        for prov_code, prov_name, tz, cities in provinces:
            province = Province(code=prov_code, name=prov_name, timezone=tz, kmw=kmw)
            for city_code, city_name, team_count in cities:
                city = City(code=city_code, name=city_name, province=province)
                ctx.cities[city_code] = city
                korkot = Team(code=f"{city_code}-KK", name=f"Tim Korkot {city_name}", kind=TeamKind.KORKOT, city=city)
                ctx.teams[korkot.code] = korkot
                for n in range(1, team_count + 1):
                    team = Team(code=f"{city_code}-TF{n:02d}", name=f"Tim Fasilitator {n:02d} {city_name}",
                                kind=TeamKind.TF, city=city)
                    for k, name in enumerate(KELURAHAN[city_code][3 * (n - 1):3 * n], 1):
                        team.kelurahan.append(Kelurahan(code=f"{city_code}{n:02d}{k}", name=f"Kelurahan {name}"))
                    ctx.teams[team.code] = team
                db.session.add(city)
        db.session.add(kmw)
    db.session.flush()
    return ctx


def build_accounts(ctx: DemoContext) -> None:
    password_hash = hash_password(DEMO_PASSWORD)
    for key, label, email, role, scope in ACCOUNTS:
        user = User(email=email, name=_person_name(key, label), phone="0812-0000-" + f"{len(ctx.users):04d}",
                    position=label, password_hash=password_hash)
        assignment = RoleAssignment(role=role)
        if scope and scope.startswith("team:"):
            assignment.team = ctx.teams[scope[5:]]
        elif scope and scope.startswith("city:"):
            assignment.city = ctx.cities[scope[5:]]
        elif scope and scope.startswith("kmw:"):
            assignment.kmw = ctx.kmws[scope[4:]]
        user.roles.append(assignment)
        db.session.add(user)
        ctx.users[key] = user
    db.session.flush()


NAMES = ["Siti Rahmawati", "Budi Santoso", "Agus Prasetyo", "Dewi Lestari", "Andi Saputra", "Yohanes Wenda",
         "Rina Wulandari", "Hendra Gunawan", "Nur Aini", "Made Wirawan", "Sri Mulyani", "Fajar Nugroho",
         "Maria Kambu", "Rudi Hartono", "Lina Marlina", "Ahmad Fauzi", "Yusuf Latif", "Ratna Sari",
         "Teguh Wibowo", "Wayan Sudarma", "Fitri Handayani", "Rahmat Hidayat"]


def _person_name(key: str, label: str) -> str:
    return NAMES[[a[0] for a in ACCOUNTS].index(key) % len(NAMES)]
