"""Where a signed-in person is: their roles with the place each covers, and the sections of the portal those roles
open. The header's menu and the home page both read these two functions; they read only ``user.roles`` as the
login read them (``portal.auth.identity``: each role's place is named there), so they send no query.

Who may open a section is the rule in ``portal.permissions``; this module only lists what those rules allow.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal import permissions as perm
from portal.anthology.rules import may_use_anthology
from portal.models.people import Role, RoleAssignment
from portal.rewards import rules as rewards_rules


def N_(message: str) -> str:
    """Mark a label for extraction; templates translate it where it is shown."""
    return message


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: str  # Indonesian source text, translated by the template
    role: Role


@dataclass(frozen=True)
class Place:
    role: Role
    role_label: str  # Indonesian source text, translated by the template
    place: str  # names of the tree's nodes (not translated), "" for roles without a node
    national: bool = False  # the national level: the template says "Nasional (KMP)" in the reader's language


def sections(user) -> list[Section]:
    """The sections this person's roles open, in the order of the monthly cycle (writing, scoring, managing,
    administering), ending with the public e-learning pages."""
    user = perm.unproxied(user)  # asked of a dozen rules
    found: list[Section] = []
    if perm.writes_for_a_team(user):
        found.append(Section("submissions.home", N_("Tulisan tim saya"), Role.WRITER))
    if perm.is_kmw_expert(user):
        found.append(Section("submissions.knowledge_product", N_("Produk pengetahuan"), Role.WRITER))
    if perm.has_role(user, Role.PANEL_MEMBER):
        found.append(Section("panels.my_panels", N_("Lembar nilai saya"), Role.PANEL_MEMBER))
    if perm.is_data_manager(user):
        found += [Section(endpoint, label, Role.DATA_MANAGER) for endpoint, label in _MANAGER_SECTIONS]
    if rewards_rules.can_see_rounds(user):
        found.append(Section("rewards.rounds", N_("Nominasi lokakarya penulisan"), Role.DATA_MANAGER))
    if may_use_anthology(user):
        found.append(Section("anthology.index", N_("Buku antologi tahunan"), Role.DATA_MANAGER))
    if perm.is_admin(user):
        found += [Section(endpoint, label, Role.ADMIN) for endpoint, label in _ADMIN_SECTIONS]
    found.append(Section("elearning.index", N_("E-learning: best practice terpilih"), Role.READER))
    return found


_MANAGER_SECTIONS = [
    ("panels.manage", N_("Kelola tim penilai")),
    ("reports.index", N_("Rekap dan laporan")),
    ("reports.obligations", N_("Kepatuhan dan tindak lanjut")),
    ("submissions.extensions", N_("Perpanjangan batas waktu")),
    ("elearning.moderation", N_("Moderasi komentar")),
    ("accounts.index", N_("Akun pengguna")),
    ("org.index", N_("Struktur organisasi")),
]
_ADMIN_SECTIONS = [
    ("rubric_admin.index", N_("Rubrik penilaian")),
    ("admin_audit.index", N_("Log audit")),
    ("outbox_admin.index", N_("Surat keluar")),
    ("schedule_admin.index", N_("Langkah terjadwal")),
]

_ROLE_LABELS = {
    Role.WRITER: N_("Penulis"),
    Role.PANEL_MEMBER: N_("Anggota tim penilai"),
    Role.DATA_MANAGER: N_("Pengelola data"),
    Role.READER: N_("Pembaca"),
    Role.ADMIN: N_("Administrator"),
}
_ORDER = [Role.WRITER, Role.PANEL_MEMBER, Role.DATA_MANAGER, Role.ADMIN, Role.READER]


def places(user) -> list[Place]:
    """Each role of this person with the place it covers (team, city and province; a city and its province; a
    KMW; the national level), writing first; a reader's role only when it is the only one."""
    user = perm.unproxied(user)
    if not getattr(user, "is_authenticated", False):
        return []
    found = [_place(a) for a in sorted(user.roles, key=lambda a: (_ORDER.index(a.role), a.id))]
    working = [p for p in found if p.role != Role.READER]
    return working or found


def _place(a: RoleAssignment) -> Place:
    label = N_("Tenaga Ahli KMW") if a.role == Role.WRITER and a.kmw_id is not None else _ROLE_LABELS[a.role]
    if a.level != "national":
        return Place(a.role, label, a.place)
    return Place(a.role, label, "", national=a.role in (Role.DATA_MANAGER, Role.PANEL_MEMBER))
