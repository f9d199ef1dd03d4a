"""What people are told: the notification centre, each user's delivery choice per category, the daily digest,
and the messages of the cycle's events, received by a real SMTP server (aiosmtpd on a loopback port) from a real
huey consumer.

Cases: a receipt; a return with the panel's reasons; the outcome of a city panel (forwarded / not passed with the
NA, never a scorer's name or score), the chair's "all sheets in", the data manager's Lampiran 3, the members'
assignment; a reply (to the parent comment's author and the writers, not to the replier); the choices honoured (at
once / daily digest / portal only) and the one-click unsubscribe setting "portal only"; the digest exactly once per
user and local day, in WIB and WIT; the unread count (one statement when signed in, none on public pages); marking
read, and another user's notification answering 404; bad input on the preferences page; the account page mailing
a new set-password link.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from querycount import count_queries
from sqlalchemy import func, select

from portal.extensions import db
from portal.mail import outbox
from portal.models import DeliveryMode, MailDigest, MailPreference, Notification, OutboxMessage, Role
from portal.notifications import operations as centre
from portal.panels import operations as panel_ops
from portal.submissions import operations as sub_ops
from tests.builders_elearning import add_comment, make_published
from tests.builders_jobs import consumer_thread, wait_for
from tests.builders_mail import mail_settings, parts, smtp_server
from tests.builders_panels import check_all, city_panel, make_pool, score_all

BASE = "https://bp.contoh.id"
WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")


@pytest.fixture
def server(tmp_path, app_config):
    with smtp_server(tmp_path / "tls") as running:
        mail_settings(app_config, running)
        yield running


def delivered(app, server, count: int, timeout: float = 60) -> list:
    """Run a consumer until the server holds ``count`` messages; the messages."""
    with consumer_thread(app, workers=1):
        wait_for(lambda: server.recorder.count() >= count, timeout,
                 f"{count} messages received (now {server.recorder.count()})")
    return server.recorder.messages()


def to(messages_, address: str) -> list:
    return [m for m in messages_ if m["To"].addresses[0].addr_spec == address]


def body(response) -> str:
    return response.get_data(as_text=True)


# --- messages of the cycle, over SMTP --------------------------------------------------------------------

def test_a_receipt_reaches_every_writer_of_the_team_by_mail_and_in_the_centre(server, app, make_tree, make_user,
                                                                              make_piece, client, login):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team, name="Budi Penulis", email="budi@contoh.id")
    co_writer = make_user(Role.WRITER, team, name="Sari Penulis", email="sari@contoh.id")
    make_user(Role.WRITER, tree.team["semarang-TF02"], email="lain@contoh.id")  # another team: not told
    piece = make_piece(team, period="2026-12", status="draft", title="Bank sampah <b>Kali</b>")
    sub_ops.submit_piece(writer, piece)
    received = delivered(app, server, 2)
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == ["budi@contoh.id", "sari@contoh.id"]
    message = to(received, "budi@contoh.id")[0]
    assert message["Subject"] == 'Tulisan "Bank sampah <b>Kali</b>" sudah diterima'
    assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert f"{BASE}/tulisan/{piece.id}/lihat" in text and f'href="{BASE}/tulisan/{piece.id}/lihat"' in html
    assert "Desember 2026" in text and "<b>Kali</b>" not in html and "&lt;b&gt;Kali&lt;/b&gt;" in html
    rows = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert [(n.user_id, n.category, n.delivery) for n in rows] == [
        (writer.id, "piece_receipt", DeliveryMode.NOW), (co_writer.id, "piece_receipt", DeliveryMode.NOW)]
    assert rows[0].link == f"/tulisan/{piece.id}/lihat", "a path: it works on whatever address the portal has"
    login(writer)
    page = body(client.get("/notifikasi"))
    assert "Bank sampah &lt;b&gt;Kali&lt;/b&gt;" in page and "1 belum dibaca" in page
    assert '<span class="count">1</span>' in body(client.get("/"))


def test_a_return_carries_the_panels_reasons(server, app, make_tree, make_user, make_piece):
    tree = make_tree()
    team = tree.team["demak-TF01"]
    make_user(Role.WRITER, team, email="penulis@contoh.id")
    admin = make_user(Role.ADMIN)
    make_piece(team, title="Kurang lengkap")
    pool = make_pool(make_user, 3, tree.city["demak"])
    panel = city_panel(tree, "demak", pool, admin)
    entry = panel.entries[0]
    panel_ops.check_entry(entry.id, pool[0], {c: c != 3 for c in range(1, 9)}, note="Foto kegiatan buram")
    # the return, and each member's assignment (the pieces were collected when the panel opened, before them)
    received = delivered(app, server, 1 + 3)
    [message] = to(received, "penulis@contoh.id")
    assert message["Subject"] == 'Tulisan "Kurang lengkap" dikembalikan untuk diperbaiki'
    text, html = parts(message)
    assert "poin 3" in text and "- Foto kegiatan buram" in text and "<li>Foto kegiatan buram</li>" in html
    assert f"{BASE}/tulisan/{entry.piece_id}" in text


def test_new_pieces_and_the_assignment_reach_the_panels_members(app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    pool = make_pool(make_user, 3, tree.city["demak"])
    panel = city_panel(tree, "demak", pool, admin)
    assert db.session.scalars(select(Notification.title).where(Notification.user_id == pool[0].id)).all() == [
        "Anda ketua Tim Penilai Korkot Kabupaten Demak"]
    make_piece(tree.team["demak-TF01"])
    make_piece(tree.team["demak-TF02"])
    assert panel_ops.collect_city_entries(panel.id) == 2
    assert panel_ops.collect_city_entries(panel.id) == 0  # nothing new: nobody told again
    for member in pool:
        assert db.session.scalars(select(Notification.title).where(
            Notification.user_id == member.id, Notification.category == "panel_work")).all() == [
            "2 tulisan baru di Tim Penilai Korkot Kabupaten Demak"]
    # the same members set again: nobody is assigned twice
    panel_ops.set_members(panel.id, [m.id for m in pool], pool[0].id, panel.mode, admin)
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.category == "panel_assignment")) == 3


def test_a_city_decision_tells_outcomes_without_scorers_the_chair_and_the_data_manager(
        server, app, make_tree, make_user, make_piece):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    make_user(Role.DATA_MANAGER, tree.city["demak"], email="data.demak@contoh.id")
    writers = [make_user(Role.WRITER, tree.team[f"demak-TF{i:02d}"], email=f"tf{i}@contoh.id") for i in (1, 2, 3)]
    pieces = [make_piece(tree.team[f"demak-TF{i:02d}"], title=f"Kisah {i}") for i in (1, 2, 3)]
    pool = [make_user(Role.PANEL_MEMBER, tree.city["demak"], name=f"Juri Rahasia {i}", email=f"juri{i}@contoh.id")
            for i in (1, 2, 3)]
    panel = city_panel(tree, "demak", pool, admin)
    check_all(panel, admin)
    levels = {pieces[0].id: 9, pieces[1].id: 8, pieces[2].id: 5}
    score_all(panel, pool, lambda e: levels[e.piece_id])
    chair_told = db.session.scalars(select(Notification.title).where(
        Notification.user_id == pool[0].id, Notification.category == "panel_chair")).all()
    assert chair_told == ["Semua lembar nilai Tim Penilai Korkot Kabupaten Demak sudah masuk"], chair_told
    panel_ops.close_panel(panel.id, pool[0])
    # per member: the assignment; the chair: all sheets in; 3 outcomes; the Lampiran
    received = delivered(app, server, 3 + 1 + 3 + 1)
    first = to(received, "tf1@contoh.id")
    third = to(received, "tf3@contoh.id")
    assert [m["Subject"] for m in first] == ['Tulisan "Kisah 1" diteruskan ke tim penilai KMW']
    assert [m["Subject"] for m in third] == ['Tulisan "Kisah 3" tidak lulus']
    text1, _html = parts(first[0])
    assert "900,00" in text1
    assert "500,00" in parts(third[0])[0]
    for message in first + third + to(received, "tf2@contoh.id"):
        text, html = parts(message)
        for member in pool:
            assert member.name not in text and member.name not in html and member.email not in text
        assert "Juri" not in text and "lembar nilai" not in text.lower()
    [lampiran] = to(received, "data.demak@contoh.id")
    assert lampiran["Subject"] == "Lampiran 3 bulan November 2026 siap dikirim"
    assert f"{BASE}/laporan/lampiran3/{tree.city['demak'].id}?periode=2026-11" in parts(lampiran)[0]
    assigned = [m["Subject"] for m in to(received, "juri2@contoh.id")]
    assert "Anda anggota Tim Penilai Korkot Kabupaten Demak" in assigned
    assert writers[0].id != writers[1].id


def test_ties_at_the_cut_off_are_sent_to_the_chair(app, make_tree, make_user, make_piece):
    from tests.builders_panels import tied_city_panel

    _admin, pool, _panel, _entries = tied_city_panel(make_tree, make_user, make_piece)
    titles = db.session.scalars(select(Notification.title).where(
        Notification.user_id == pool[0].id, Notification.category == "panel_chair").order_by(Notification.id)).all()
    assert titles == ["Semua lembar nilai Tim Penilai Korkot Kabupaten Demak sudah masuk",
                      "Nilai seri di Tim Penilai Korkot Kabupaten Demak perlu diputuskan"]
    assert not db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == pool[1].id, Notification.category == "panel_chair"))


def test_a_reply_tells_the_parent_author_and_the_writers_never_the_replier(server, app, make_tree, make_user,
                                                                         make_piece, client, login):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    make_user(Role.WRITER, team, email="penulis@contoh.id")
    asker = make_user(Role.READER, name="Pembaca Bertanya", email="tanya@contoh.id")
    replier = make_user(Role.READER, name="Pembaca Menjawab", email="jawab@contoh.id")
    piece = make_published(make_piece, team, "province", title="Kebun warga")
    top = add_comment(piece, asker, "Bagaimana cara memulainya?")
    db.session.query(Notification).delete()
    db.session.commit()
    login(replier)
    r = client.post(f"/elearning/tulisan/{piece.id}/komentar",
                    data={"body": "Mulai dari rembug warga.\nLalu <script>x</script>", "parent_id": str(top.id)})
    assert r.status_code == 302
    received = delivered(app, server, 2)
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == ["penulis@contoh.id", "tanya@contoh.id"]
    message = to(received, "tanya@contoh.id")[0]
    assert message["Subject"] == 'Balasan baru pada tulisan "Kebun warga"'
    text, html = parts(message)
    assert "Pembaca Menjawab membalas: Mulai dari rembug warga. Lalu <script>x</script>" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert re.search(rf"{BASE}/elearning/tulisan/{piece.id}#komentar-\d+", text)
    assert not to(received, "jawab@contoh.id")


# --- delivery choices ------------------------------------------------------------------------------------

def test_each_choice_is_honoured_and_the_unsubscribe_link_means_portal_only(app, make_tree, make_user, make_piece,
                                                                            client, login):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    at_once = make_user(Role.WRITER, team, email="segera@contoh.id")
    digest = make_user(Role.WRITER, team, email="ringkas@contoh.id")
    portal = make_user(Role.WRITER, team, email="portal@contoh.id")
    for user, mode in ((digest, "digest"), (portal, "portal")):
        login(user)
        r = client.post("/akun/pemberitahuan", data={"mode_piece_receipt": mode, "mode_discussion": "now"})
        assert r.status_code == 302
        assert "Pilihan pemberitahuan tersimpan" in body(client.get("/akun/pemberitahuan"))
        client.post("/akun/keluar")
    sub_ops.submit_piece(at_once, make_piece(team, period="2026-12", status="draft"))
    mailed = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert mailed == ["segera@contoh.id"]
    deliveries = dict(db.session.execute(select(Notification.user_id, Notification.delivery)).tuples().all())
    assert deliveries == {at_once.id: DeliveryMode.NOW, digest.id: DeliveryMode.DIGEST,
                          portal.id: DeliveryMode.PORTAL}
    # the one-click unsubscribe of the receipt: that category goes to the portal only
    message = db.session.scalar(select(OutboxMessage))
    path = urlsplit(message.unsubscribe_url).path
    assert app.test_client().post(path, data="List-Unsubscribe=One-Click",
                                  content_type="application/x-www-form-urlencoded").status_code == 200
    assert outbox.mode_of(at_once, "piece_receipt") == DeliveryMode.PORTAL
    assert outbox.mode_of(at_once, "discussion") == DeliveryMode.NOW
    login(at_once)
    page = body(client.get("/akun/pemberitahuan"))
    assert re.search(r'name="mode_piece_receipt" value="portal" checked', page)


def test_bad_input_on_the_preferences_page_says_what_to_fix_and_keeps_the_choices(app, make_user, client, login):
    user = make_user(Role.READER)
    login(user)
    r = client.post("/akun/pemberitahuan", data={"mode_discussion": "digest", "mode_rahasia": "now"})
    assert r.status_code == 400
    assert "Jenis pemberitahuan &#34;rahasia&#34; tidak dikenal" in body(r) or \
        'Jenis pemberitahuan "rahasia" tidak dikenal' in body(r)
    assert re.search(r'name="mode_discussion" value="digest" checked', body(r)), "what was chosen is kept"
    r = client.post("/akun/pemberitahuan", data={"mode_discussion": "setiap-jam"})
    assert r.status_code == 400
    assert "Diskusi: pertanyaan dan balasan" in body(r) and "pilih Segera, Ringkasan harian, atau Hanya di portal" \
        in body(r)
    assert db.session.scalar(select(func.count()).select_from(MailPreference)) == 0, "nothing saved"
    # account mail is not a choice
    r = client.post("/akun/pemberitahuan", data={"mode_invitation": "portal"})
    assert r.status_code == 400 and db.session.scalar(select(func.count()).select_from(MailPreference)) == 0


def test_the_preferences_page_lists_every_category_but_account_mail(app, make_user, client, login):
    login(make_user(Role.WRITER, None))
    page = body(client.get("/akun/pemberitahuan"))
    for label in ("Tanda terima tulisan", "Hasil penilaian tulisan", "Penugasan panel penilai",
                  "Lampiran siap dikirim", "Diskusi: pertanyaan dan balasan", "Segera", "Ringkasan harian",
                  "Hanya di portal"):
        assert label in page
    assert "Undangan akun" not in page and 'name="mode_password_reset"' not in page


# --- the daily digest ------------------------------------------------------------------------------------

def _digest_user(make_user, scope, email):
    user = make_user(Role.WRITER, scope, email=email)
    db.session.add(MailPreference(user_id=user.id, category="reminder", channel="email", mode=DeliveryMode.DIGEST))
    db.session.commit()
    return user


def _remind(user, n=1):
    from portal.mail import messages

    for i in range(n):
        assert messages.reminder(user, team=f"TF {i}", month="November 2026", deadline="15 November") is None
    db.session.commit()


def test_the_digest_goes_once_per_user_and_local_day_in_wib_and_wit(app, make_tree, make_user):
    tree = make_tree()
    wib = _digest_user(make_user, tree.team["semarang-TF01"], "wib@contoh.id")
    wit = _digest_user(make_user, tree.team["jayapura-TF01"], "wit@contoh.id")
    _remind(wib, 2)
    _remind(wit, 1)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0, "nothing mailed at once"
    # 17:30 in Jayapura is 15:30 in Jakarta: only the WIT user's day has reached the digest hour
    moment = datetime(2026, 11, 23, 17, 30, tzinfo=WIT)
    assert centre.send_daily_digests(moment + timedelta(days=0)) == 1
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "wit@contoh.id" and message.category == "digest"
    assert message.subject == "Ringkasan harian Portal Best Practice: 1 pemberitahuan"
    assert "Pengingat: tulisan November 2026 tim TF 0" in message.text_body
    # two hours later it is 17:30 in Jakarta: the WIB user's digest; the WIT user had theirs today
    assert centre.send_daily_digests(moment + timedelta(hours=2)) == 1
    assert centre.send_daily_digests(moment + timedelta(hours=3)) == 0, "once per day"
    wib_message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "wib@contoh.id"))
    assert "2 pemberitahuan" in wib_message.subject and wib_message.text_body.count("Pengingat: tulisan") == 2
    # a notification later that day waits for tomorrow's digest; each is listed once
    _remind(wib)
    assert centre.send_daily_digests(moment + timedelta(hours=4)) == 0
    assert centre.send_daily_digests(moment + timedelta(days=1, hours=2)) == 1
    days = db.session.execute(select(MailDigest.user_id, MailDigest.day).order_by(MailDigest.id)).tuples().all()
    assert days == [(wit.id, datetime(2026, 11, 23).date()), (wib.id, datetime(2026, 11, 23).date()),
                    (wib.id, datetime(2026, 11, 24).date())]
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.digest_id.is_(None), Notification.delivery == DeliveryMode.DIGEST)) == 0
    listed = db.session.scalars(select(OutboxMessage.text_body).where(
        OutboxMessage.recipient == "wib@contoh.id").order_by(OutboxMessage.id)).all()
    assert [t.count("Pengingat: tulisan") for t in listed] == [2, 1]


def test_the_digest_is_mailed_by_the_consumers_periodic_task(server, app, app_config, make_tree, make_user):
    app.config["MAIL_DIGEST_HOUR"] = 0  # any hour of the suite's day
    tree = make_tree()
    user = _digest_user(make_user, tree.team["makassar-TF01"], "wita@contoh.id")
    _remind(user, 3)
    from portal import tasks

    tasks.queue_of(app).task(centre.DIGEST_TASK)()  # what the scheduler enqueues every ten minutes
    [message] = delivered(app, server, 1)
    assert message["Subject"] == "Ringkasan harian Portal Best Practice: 3 pemberitahuan"
    url = re.fullmatch(r"<(https://bp\.contoh\.id/surel/berhenti/[^>]+)>", message["List-Unsubscribe"]).group(1)
    text, html = parts(message)
    assert f"{BASE}/notifikasi" in text and f"{BASE}/akun/pemberitahuan" in text and f"{BASE}/tulisan/" in html
    # the digest's one-click unsubscribe: what went into the digest goes to the portal only
    assert app.test_client().post(url[len(BASE):], data="List-Unsubscribe=One-Click",
                                  content_type="application/x-www-form-urlencoded").status_code == 200
    assert outbox.mode_of(user, "reminder") == DeliveryMode.PORTAL
    tasks.queue_of(app).task(centre.DIGEST_TASK)()
    with consumer_thread(app, workers=1):
        wait_for(lambda: tasks.queue_of(app).huey.pending_count() == 0, 30, "the second run taken")
    assert server.recorder.count() == 1, "not twice"


# --- the centre ------------------------------------------------------------------------------------------

def _notes(user, n):
    from portal.mail import messages

    for i in range(n):
        messages.reminder(user, team=f"TF {i:02d}", month="November 2026", deadline="15 November")
    db.session.commit()


def test_unread_count_mark_one_and_all_and_nobody_elses(app, make_user, client, login):
    owner = make_user(Role.WRITER, None, email="pemilik@contoh.id")
    other = make_user(Role.WRITER, None, email="lain@contoh.id")
    _notes(owner, 23)
    _notes(other, 1)
    mine = db.session.scalars(select(Notification.id).where(Notification.user_id == owner.id)
                              .order_by(Notification.id)).all()
    theirs = db.session.scalar(select(Notification.id).where(Notification.user_id == other.id))
    login(owner)
    first = body(client.get("/notifikasi"))
    assert "23 belum dibaca" in first and "TF 22" in first and "TF 02" not in first, "newest first, 20 a page"
    assert "TF 02" in body(client.get("/notifikasi?halaman=2"))
    assert client.post(f"/notifikasi/{mine[0]}/baca").status_code == 302
    assert '<span class="count">22</span>' in body(client.get("/"))
    again = client.post(f"/notifikasi/{mine[0]}/baca")
    assert again.status_code == 302, "marking read again changes nothing"
    # another user's notification: as absent as a missing one, and left unread
    assert client.post(f"/notifikasi/{theirs}/baca").status_code == 404
    assert client.post("/notifikasi/999999/baca").status_code == 404
    assert db.session.get(Notification, theirs).read_at is None
    assert client.post("/notifikasi/baca-semua").status_code == 302
    assert "belum dibaca" not in body(client.get("/notifikasi"))
    db.session.expire_all()
    assert db.session.get(Notification, theirs).read_at is None
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == owner.id, Notification.read_at.is_(None))) == 0


def test_the_unread_count_costs_one_statement_signed_in_and_none_on_public_pages(app, make_user, client, login):
    user = make_user(Role.READER)
    _notes(user, 2)
    anonymous = app.test_client()
    anonymous.get("/elearning/")
    with count_queries(db.engine) as statements:
        assert anonymous.get("/elearning/").status_code == 200
    assert not [s for s in statements if "notification" in s]
    login(user)
    client.get("/elearning/")
    db.session.remove()
    with count_queries(db.engine) as statements:
        page = client.get("/elearning/")
    assert page.status_code == 200 and '<span class="count">2</span>' in body(page)
    assert len([s for s in statements if "notification" in s]) == 1


def test_the_account_pages_new_link_is_mailed(app, make_tree, make_user, client, login):
    tree = make_tree()
    dm = make_user(Role.DATA_MANAGER, tree.city["demak"])
    writer = make_user(Role.WRITER, tree.team["demak-TF01"], email="penulis.demak@contoh.id")
    login(dm)
    r = client.post(f"/akun-pengguna/{writer.id}/tautan")
    assert r.status_code == 200
    assert "Tautan baru sudah dikirim lewat surel ke penulis.demak@contoh.id" in body(r)
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "penulis.demak@contoh.id" and message.category == "invitation"
    shown = body(r).split("/akun/atur-sandi/")[1].split('"')[0]
    assert f"/akun/atur-sandi/{shown}" in message.text_body, "the mailed link is the one shown"
    assert message.unsubscribe_url is None
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0, "account mail is no notification"
