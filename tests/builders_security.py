"""Scenario builders for the security suite (access table, XSS corpus, CSRF everywhere).

``build_scenario`` makes one small world in which every role of the access table has something to look at:
two KMWs, a published (national) piece with a comment, a closed city panel of Semarang, an open KMW B panel
with a sheet, a writer's draft with a real photo, a submitted and a published knowledge product, and a
finished and a failed export job of the KMW A data manager.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import PanelStatus, Tier
from tests import builders_elearning as el
from tests import builders_reports as rb
from tests.builders_submissions import jpeg, pdf_document

PERIOD = "2026-11"
EARLIER = "2026-10"

# Every role of the access table, in the order the report lists them.
ROLES = [
    "anonymous",
    "writer_a",          # writer of team A (Semarang TF01)
    "writer_b",          # writer of team B (Semarang TF02, same city)
    "writer_other_city",  # writer of Demak TF01 (another city of the same KMW)
    "writer_korkot",     # writer of the Semarang Korkot team
    "expert",            # KMW A writing expert (knowledge products)
    "city_panel",        # panel member of Semarang, member and chair of its (closed) city panel
    "other_panel",       # panel member of KMW B, member and chair of KMW B's (open) panel
    "city_dm",           # data manager of Semarang
    "other_city_dm",     # data manager of Demak
    "kmw_dm",            # data manager of KMW A
    "other_kmw_dm",      # data manager of KMW B
    "national_dm",       # national data manager
    "reader",
    "admin",
]


def build_scenario(make_tree, make_user, make_piece, *, with_files: bool = True) -> SimpleNamespace:
    from portal.submissions import knowledge
    from portal.submissions import operations as sub_ops

    tree = make_tree()
    team_a, team_b = tree.team["semarang-TF01"], tree.team["semarang-TF02"]
    team_c, team_k = tree.team["demak-TF01"], tree.team["semarang-KK"]
    team_m = tree.team["makassar-TF01"]
    kmw_a, kmw_b = tree.kmw["A"], tree.kmw["B"]
    semarang = tree.city["semarang"]

    u = {}
    u["writer_a"] = make_user(Role.WRITER, team_a, name="Penulis A", email="writer.a@uji.bp.id")
    u["writer_b"] = make_user(Role.WRITER, team_b, name="Penulis B", email="writer.b@uji.bp.id")
    u["writer_other_city"] = make_user(Role.WRITER, team_c, name="Penulis Demak", email="writer.c@uji.bp.id")
    u["writer_korkot"] = make_user(Role.WRITER, team_k, name="Penulis Korkot", email="writer.k@uji.bp.id")
    u["expert"] = make_user(Role.WRITER, kmw_a, name="Tenaga Ahli A", email="expert.a@uji.bp.id")
    u["city_panel"] = make_user(Role.PANEL_MEMBER, semarang, name="Penilai Semarang", email="pm.smg@uji.bp.id")
    u["other_panel"] = make_user(Role.PANEL_MEMBER, kmw_b, name="Penilai KMW B", email="pm.kmwb@uji.bp.id")
    u["city_dm"] = make_user(Role.DATA_MANAGER, semarang, name="DM Semarang", email="dm.smg@uji.bp.id")
    u["other_city_dm"] = make_user(Role.DATA_MANAGER, tree.city["demak"], name="DM Demak", email="dm.dmk@uji.bp.id")
    u["kmw_dm"] = make_user(Role.DATA_MANAGER, kmw_a, name="DM KMW A", email="dm.kmwa@uji.bp.id")
    u["other_kmw_dm"] = make_user(Role.DATA_MANAGER, kmw_b, name="DM KMW B", email="dm.kmwb@uji.bp.id")
    u["national_dm"] = make_user(Role.DATA_MANAGER, None, name="DM Nasional", email="dm.nas@uji.bp.id")
    u["reader"] = make_user(Role.READER, None, name="Pembaca", email="reader@uji.bp.id")
    u["admin"] = make_user(Role.ADMIN, None, name="Admin", email="admin@uji.bp.id")
    # Accounts that only serve as targets of account management, and helpers of the panels.
    target = make_user(Role.WRITER, tree.team["semarang-TF03"], name="Akun Sasaran", email="target@uji.bp.id")
    helper_a = make_user(Role.PANEL_MEMBER, kmw_a, name="Penilai KMW A", email="pm.kmwa@uji.bp.id")
    helper_b = make_user(Role.PANEL_MEMBER, kmw_b, name="Penilai KMW B 2", email="pm.kmwb2@uji.bp.id")

    # A published national piece of team A (last month), with a comment of writer B.
    published = el.make_published(make_piece, team_a, level="national", period=EARLIER)
    comment = el.add_comment(published, u["writer_b"], "Komentar untuk diuji")
    city_panel_earlier = _panel(Tier.CITY, EARLIER, f"city:{semarang.id}")
    city_panel_earlier.chair_id = u["city_panel"].id

    # This month: submitted pieces of A, B, Korkot; a city panel of Semarang that is closed.
    sub_a = make_piece(team_a, period=PERIOD)
    sub_b = make_piece(team_b, period=PERIOD)
    sub_k = make_piece(team_k, period=PERIOD)
    sub_m = make_piece(team_m, period=PERIOD)
    city_panel = rb.make_panel(Tier.CITY, PERIOD, city=semarang, members=[u["city_panel"]], chair=u["city_panel"],
                               closed_at=rb.utc(2026, 11, 20), letter_number="001/KK-SMG/XI/2026")
    city_entry_a = rb.add_entry(city_panel, sub_a, na=810.0, rank=1, passed=True, selected=True)
    city_entry_b = rb.add_entry(city_panel, sub_b, na=650.0, rank=2, passed=False, selected=False)
    # KMW A's panel is open with a sheet (nobody of the table sits on it); KMW B's panel is open and
    # chaired by the "other panel" member, with an entry they score.
    kmw_panel = rb.make_panel(Tier.PROVINCE, PERIOD, kmw=kmw_a, members=[helper_a], chair=helper_a)
    kmw_entry_a = rb.add_entry(kmw_panel, sub_a)
    rb.add_entry(kmw_panel, sub_k)
    rb.add_sheet(kmw_entry_a, helper_a, 780)
    other_panel = rb.make_panel(Tier.PROVINCE, PERIOD, kmw=kmw_b, members=[u["other_panel"], helper_b],
                                chair=u["other_panel"])
    other_entry = rb.add_entry(other_panel, sub_m)
    rb.add_sheet(other_entry, helper_b, 720)

    # A draft of team A for next month, with one real photo.
    draft = make_piece(team_a, period="2026-12", status="draft", photos=0)
    photo = None
    if with_files:
        photo = sub_ops.add_photo(u["writer_a"], draft, jpeg(), "Foto uji")
    # Two Word imports of writer A waiting for review on that draft (one to use, one to cancel).
    word_keys = [_word_import(u["writer_a"], draft).key for _ in range(2)] if with_files else ["tidak-ada"] * 2

    # Knowledge products of the KMW A expert: one published (last year, with a document), one waiting.
    kp_published = knowledge.save_knowledge_product(
        u["expert"], kmw_a, 2025, title="Produk terbit", summary="Ringkasan", body_md="Isi",
        document=pdf_document() if with_files else None, submit=True)
    kp_published.published_at = el.BASE_TIME
    kp_pending = el.make_knowledge_product(u["expert"], kmw_a, year=2026, submitted=True)
    db.session.commit()

    # The national book of 2026 (with the published piece), built; Jawa Tengah's book composed but never built.
    from tests.builders_anthology import make_built_book

    book = make_built_book(published)
    province_book = make_built_book(published, province=tree.province["jateng"])
    province_book.file_key = None
    db.session.commit()
    # Rewards: writer A wrote the national piece, which has an award; a nomination round is open (its months
    # include the piece's).
    from datetime import date

    from portal.elearning import operations as el_ops
    from portal.rewards import certificates
    from portal.rewards import operations as reward_ops

    published.created_by_id = u["writer_a"].id
    db.session.commit()
    award = el_ops.record_award(published, u["national_dm"], "Juara Nasional 2026", "Pemenang")
    nomination_round = reward_ops.open_round(u["national_dm"], year=2026, semester=2, quota=2,
                                             workshop_name="Lokakarya Penulisan", workshop_date=date(2027, 1, 20),
                                             workshop_place="Jakarta")

    mail_id = make_stored_mail(u["writer_a"])
    run_id = make_failed_run(semarang)
    from portal.models.mail import Notification

    # the reminder is also writer A's notification (portal.mail.outbox.queue_message)
    notification_id = db.session.scalar(db.select(Notification.id).where(Notification.user_id == u["writer_a"].id)
                                        .order_by(Notification.id.desc()).limit(1))
    job_id = make_done_job(u["kmw_dm"]) if with_files else "tidak-ada"
    failed_job_id = make_failed_job(u["kmw_dm"], kmw_a) if with_files else "tidak-ada"

    return SimpleNamespace(
        tree=tree, users=u, target=target, team_a=team_a, team_b=team_b, team_k=team_k, kmw_a=kmw_a, kmw_b=kmw_b,
        semarang=semarang, published=published, comment=comment, sub_a=sub_a, sub_b=sub_b, sub_m=sub_m,
        city_panel=city_panel, city_panel_earlier=city_panel_earlier, city_entry_a=city_entry_a,
        city_entry_b=city_entry_b, kmw_panel=kmw_panel, kmw_entry_a=kmw_entry_a, other_panel=other_panel,
        other_entry=other_entry, draft=draft, photo=photo, kp_published=kp_published, kp_pending=kp_pending,
        word_key=word_keys[0], word_key_cancel=word_keys[1],
        job_id=job_id, failed_job_id=failed_job_id, mail_id=mail_id, run_id=run_id, notification_id=notification_id,
        province=tree.province["jateng"], helper_a=helper_a, helper_b=helper_b,
        book=book, province_book=province_book, province_b=tree.province["sulsel"],
        award=award, award_number=certificates.award_number(award), nomination_round=nomination_round,
    )


def _word_import(writer, piece):
    """A converted Word document waiting for its writer's review (the conversion itself: tests/test_word_import.py)."""
    from portal.submissions import word_import

    picture = word_import.Picture(caption="Gambar dari Word", data=jpeg(), width=1280, height=960,
                                  thumb=jpeg(400, 300))
    converted = word_import.Converted(markdown="Teks **impor** dari Word.\n", pictures=[picture])
    return word_import.keep_for_review(writer, piece, converted, "naskah.docx")


def _panel(tier, period, scope_key):
    from portal.models.reviews import Panel

    panel = db.session.scalar(db.select(Panel).where(Panel.tier == tier, Panel.period == period,
                                                     Panel.scope_key == scope_key))
    assert panel is not None and panel.status == PanelStatus.CLOSED
    return panel


def make_stored_mail(recipient) -> int:
    """A reminder to ``recipient`` kept in the outbox (the tests' MAIL_URL is outbox): its id."""
    from portal.mail import messages

    message = messages.reminder(recipient, team="TF 01", month="November 2026", deadline="15 November 2026")
    db.session.commit()
    return message.id


def make_failed_run(city) -> int:
    """A scheduled step that failed at ``city`` (as a consumer records it): its id."""
    from portal.jobs import real_now
    from portal.models.schedule import RunState, ScheduledRun

    run = ScheduledRun(step="collect_entries", node_kind="city", node_id=city.id, period="2026-11",
                       due_at=datetime(2026, 11, 15, 17, 0, tzinfo=UTC), state=RunState.FAILED, attempt=1,
                       started_at=real_now(), finished_at=real_now(), counts_json="{}",
                       error="OperationalError: basis data tidak menjawab")
    db.session.add(run)
    db.session.commit()
    return run.id


def make_done_job(owner) -> str:
    """A finished export bundle of ``owner`` (job row and zip), as a consumer leaves it."""
    import zipfile

    from portal import jobs

    job_id = "JobUjiKeamanan0123456789abcdefgh"
    folder = jobs.export_dir()
    with zipfile.ZipFile(folder / f"{job_id}.zip", "w") as z:
        z.writestr("isi.txt", "uji")
    _job_row(owner, job_id, state="done", progress_done=1, progress_total=1, result_file=f"{job_id}.zip",
             parameters={"scope": "national", "node_id": None, "period": PERIOD, "selection": "sent"})
    return job_id


def make_failed_job(owner, kmw) -> str:
    """A bundle of ``owner``'s KMW that failed after its attempts (its retry button starts a new job)."""
    job_id = "JobUjiGagal0123456789abcdefghijk"
    _job_row(owner, job_id, state="failed", attempt=3, failure="worker_lost",
             parameters={"scope": "kmw", "node_id": kmw.id, "period": PERIOD, "selection": "sent"})
    return job_id


def _job_row(owner, key: str, *, parameters: dict, **fields) -> None:
    from portal.models.jobs import Job, JobState

    now = datetime.now(UTC)
    fields["state"] = JobState(fields["state"])
    db.session.add(Job(key=key, kind="bundle", parameters_json=json.dumps(parameters), user_id=owner.id,
                       result_name="paket-uji.zip", failure_detail="", created_at=now, updated_at=now,
                       finished_at=now, **fields))
    db.session.commit()
