from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from portal import permissions as perm
from portal.home import bp
from portal.models.people import Role
from portal.rewards import rules as rewards_rules


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("elearning.index"))
    return render_template("home/index.html", tasks=role_tasks(current_user))


def role_tasks(user) -> list[dict]:
    """The entry points of each role this person holds, in the order of the monthly cycle."""
    tasks = []
    if perm.writer_teams(user) or perm.expert_kmws(user):
        tasks.append({"endpoint": "submissions.home", "label": "Tulisan tim saya", "role": Role.WRITER})
    if perm.has_role(user, Role.PANEL_MEMBER):
        tasks.append({"endpoint": "panels.my_panels", "label": "Penilaian (tim penilai)", "role": Role.PANEL_MEMBER})
    if perm.is_data_manager(user):
        tasks.append({"endpoint": "panels.manage", "label": "Kelola tim penilai", "role": Role.DATA_MANAGER})
        tasks.append({"endpoint": "reports.index", "label": "Rekap dan laporan", "role": Role.DATA_MANAGER})
        tasks.append({"endpoint": "submissions.extensions", "label": "Perpanjangan batas waktu", "role": Role.DATA_MANAGER})
        tasks.append({"endpoint": "elearning.moderation", "label": "Moderasi komentar", "role": Role.DATA_MANAGER})
        tasks.append({"endpoint": "accounts.index", "label": "Akun pengguna", "role": Role.DATA_MANAGER})
    if rewards_rules.can_see_rounds(user):
        tasks.append({"endpoint": "rewards.rounds", "label": "Nominasi lokakarya penulisan", "role": Role.DATA_MANAGER})
    if perm.is_admin(user):
        tasks.append({"endpoint": "org.index", "label": "Struktur organisasi", "role": Role.ADMIN})
        tasks.append({"endpoint": "rubric_admin.index", "label": "Rubrik penilaian", "role": Role.ADMIN})
        tasks.append({"endpoint": "admin_audit.index", "label": "Log audit", "role": Role.ADMIN})
        tasks.append({"endpoint": "outbox_admin.index", "label": "Surat keluar", "role": Role.ADMIN})
    tasks.append({"endpoint": "elearning.index", "label": "E-learning: best practice terpilih", "role": Role.READER})
    return tasks
