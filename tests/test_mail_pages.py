"""Mail settings, outbox mode, the administrators' outbox, unsubscribe links, invitations and "Lupa kata sandi".

Outbox mode (the default, ``MAIL_URL=outbox``) needs no server: messages are stored and shown. The page tests use
the real app, its forms and Flask-Limiter's counters; the command-line tests start ``flask --app portal`` as a
subprocess.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.mail import messages, outbox
from portal.mail.settings import MailSettingError, parse_mail_url
from portal.models import MailPreference, MailState, OutboxMessage, Role
from tests.builders_jobs import ROOT

BASE = "https://bp.contoh.id"


def stored() -> list[OutboxMessage]:
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def csrf_token(client, path="/akun/masuk") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


# --- settings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,kind,host,port,user,password", [
    ("outbox", "outbox", "", 0, "", ""),
    ("smtp://mail.contoh.id", "smtp", "mail.contoh.id", 587, "", ""),
    ("smtps://a%40b.id:p%3Ass@mail.contoh.id:2465", "smtps", "mail.contoh.id", 2465, "a@b.id", "p:ss"),
    ("smtp://u:p@127.0.0.1:25", "smtp", "127.0.0.1", 25, "u", "p"),
])
def test_mail_urls_that_work(value, kind, host, port, user, password):
    transport = parse_mail_url(value)
    assert (transport.kind, transport.host, transport.port, transport.username, transport.password) == \
        (kind, host, port, user, password)
    assert "p:ss" not in transport.describe()


@pytest.mark.parametrize("value", ["", "smtp", "smtp://", "http://mail.contoh.id", "smtp://h:port",
                                   "smtp://h:70000", "smtp://h/path", "smtp://h?tls=1", "smtp://:rahasia@h",
                                   "smtps://u:rahasia@h:0", "outbox://"])
def test_a_malformed_mail_url_stops_the_start_up(value, tmp_path, database_url):
    with pytest.raises(MailSettingError, match="MAIL_URL") as caught:
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_URL": value},
                   instance_path=str(tmp_path / "instance"))
    assert "rahasia" not in str(caught.value), "the password is never repeated"


@pytest.mark.parametrize("key,value", [("MAIL_FROM", "no address"), ("MAIL_FROM", "a@b.id\r\nBcc: x@y.id"),
                                       ("PORTAL_BASE_URL", "bp.contoh.id"), ("PORTAL_BASE_URL", "ftp://h"),
                                       ("MAIL_BATCH_SIZE", 0), ("MAIL_GIVE_UP_HOURS", "26")])
def test_other_unusable_mail_settings_stop_the_start_up(key, value, tmp_path, database_url):
    with pytest.raises(MailSettingError, match=key):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, key: value},
                   instance_path=str(tmp_path / "instance"))


def _flask(tmp_path, *args, **env_extra) -> subprocess.CompletedProcess:
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY="k",
               DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", **env_extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_flask_refuses_to_start_with_a_malformed_mail_url(tmp_path):
    result = _flask(tmp_path, "routes", MAIL_URL="smtp://portal:rahasia@mail.contoh.id:nomor")
    assert result.returncode != 0
    assert "MAIL_URL 'smtp://portal:***@mail.contoh.id:nomor' is not a mail server" in result.stderr
    assert "rahasia" not in result.stderr


def test_a_missing_base_url_is_a_warning_at_start_up_outside_tests(tmp_path, database_url, caplog):
    with caplog.at_level(logging.WARNING):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "k"},
                   instance_path=str(tmp_path / "instance"))
    assert any("PORTAL_BASE_URL is not set" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "k", "PORTAL_BASE_URL": BASE},
                   instance_path=str(tmp_path / "instance"))
    assert not any("PORTAL_BASE_URL" in r.getMessage() for r in caplog.records)


# --- outbox mode and the administrators' page -----------------------------------------------------------

@pytest.fixture
def app_config(app_config):
    app_config["PORTAL_BASE_URL"] = BASE
    return app_config


def test_outbox_mode_stores_the_invitation_and_the_admin_sees_it(app, make_user, client, login):
    admin = make_user(Role.ADMIN, None)
    login(admin)
    page = client.post("/akun-pengguna/baru", data={"email": "dewi@contoh.id", "name": "Dewi <b>Lestari</b>",
                                                   "role": "reader", "scope_code": ""}).get_data(as_text=True)
    assert "surat keluar" in page
    [message] = stored()
    assert message.state == MailState.STORED and message.category == "invitation" and message.attempts == 0
    assert message.unsubscribe_url is None
    assert f"{BASE}/akun/atur-sandi/" in message.text_body
    link = re.search(r"https://\S+", message.text_body).group(0)
    assert link in page, "the page shows the same link as the mail"
    listing = client.get("/admin/surat-keluar/").get_data(as_text=True)
    assert "dewi@contoh.id" in listing and "tersimpan" in listing and "outbox" in listing
    shown = client.get(f"/admin/surat-keluar/{message.id}").get_data(as_text=True)
    assert '<iframe class="mail-html" sandbox="" referrerpolicy="no-referrer"' in shown
    assert f'src="/admin/surat-keluar/{message.id}/tampilan"' in shown
    assert "<b>Lestari</b>" not in shown and "Dewi &lt;b&gt;Lestari" in shown
    assert link in shown
    # The HTML in the frame is the message's, as its recipient gets it, under a policy of its own: its inline
    # styles apply, nothing in it runs, and only the portal's own pages may frame it.
    framed = client.get(f"/admin/surat-keluar/{message.id}/tampilan")
    assert framed.status_code == 200 and framed.mimetype == "text/html"
    assert framed.get_data(as_text=True) == message.html_body
    assert "Dewi &lt;b&gt;Lestari" in message.html_body, "the name was escaped in the mail's HTML itself"
    policy = [part.strip() for part in framed.headers["Content-Security-Policy"].split(";")]
    assert {"sandbox", "default-src 'none'", "style-src 'unsafe-inline'", "frame-ancestors 'self'"} <= set(policy)
    assert not any(part.startswith(("script-src", "connect-src", "frame-src")) for part in policy)
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN" and framed.headers["Cache-Control"] == "no-store"


def test_the_outbox_page_filters_by_state_and_resends_a_copy(app, make_user, client, login):
    admin = make_user(Role.ADMIN, None)
    writer = make_user(Role.WRITER, None, email="penulis@contoh.id")
    first = messages.reminder(writer, team="TF 01", month="November 2026", deadline="15 November")
    db.session.commit()
    first.state = MailState.FAILED
    first.last_error = "550 5.1.1 no such user"
    second = messages.invitation(writer, "token", 72)
    db.session.commit()
    login(admin)
    failed = client.get("/admin/surat-keluar/?status=failed").get_data(as_text=True)
    assert "550 5.1.1 no such user" in failed and f"/admin/surat-keluar/{second.id}" not in failed
    assert f"/admin/surat-keluar/{first.id}" in failed
    assert client.get("/admin/surat-keluar/?status=bukan").status_code == 200
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/surat-keluar/{first.id}/kirim-ulang").status_code == 400
    token = csrf_token(client, f"/admin/surat-keluar/{first.id}")
    response = client.post(f"/admin/surat-keluar/{first.id}/kirim-ulang", data={"csrf_token": token})
    assert response.status_code == 302
    rows = stored()
    copy = rows[-1]
    assert len(rows) == 3 and copy.resent_from_id == first.id and copy.state == MailState.STORED
    assert copy.message_id != first.message_id and copy.text_body == rows[0].text_body
    assert rows[0].state == MailState.FAILED, "the original stays as it was"
    assert response.headers["Location"].endswith(f"/admin/surat-keluar/{copy.id}")
    assert client.post("/admin/surat-keluar/999999/kirim-ulang", data={"csrf_token": token}).status_code == 404


def test_a_message_still_queued_cannot_be_resent(app, make_user, client, login):
    admin = make_user(Role.ADMIN, None)
    message = messages.invitation(make_user(Role.READER, None), "token", 72)
    message.state = MailState.QUEUED
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/surat-keluar/{message.id}/kirim-ulang", follow_redirects=True)
    assert "Hanya pesan yang sudah terkirim" in response.get_data(as_text=True)
    assert len(stored()) == 1


def test_the_outbox_is_for_administrators_only(app, make_user, client, login):
    message = messages.invitation(make_user(Role.READER, None), "token", 72)
    db.session.commit()
    assert client.get("/admin/surat-keluar/").status_code == 302
    login(make_user(Role.DATA_MANAGER, None))
    for path in ("/admin/surat-keluar/", f"/admin/surat-keluar/{message.id}",
                 f"/admin/surat-keluar/{message.id}/tampilan"):
        assert client.get(path).status_code == 403
    assert client.post(f"/admin/surat-keluar/{message.id}/kirim-ulang").status_code == 403
    assert len(stored()) == 1


def test_the_csv_import_queues_one_invitation_per_new_account(app, make_user, client, login):
    login(make_user(Role.ADMIN, None))
    csv = "email,nama,peran\nsatu@contoh.id,Satu,reader\ndua@contoh.id,Dua,reader\n"
    import io

    page = client.post("/akun-pengguna/impor", data={"file": (io.BytesIO(csv.encode()), "akun.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert page.count(f"{BASE}/akun/atur-sandi/") == 2
    assert sorted(m.recipient for m in stored()) == ["dua@contoh.id", "satu@contoh.id"]
    assert {m.category for m in stored()} == {"invitation"}


def test_the_import_command_queues_invitations_and_prints_the_links(tmp_path):
    csv = tmp_path / "akun.csv"
    csv.write_text("email,nama,peran\ntiga@contoh.id,Tiga,reader\n")
    env = {"PORTAL_BASE_URL": "https://portal.contoh.id/bp"}
    assert _flask(tmp_path, "db-upgrade", **env).returncode == 0
    result = _flask(tmp_path, "import-accounts", str(csv), **env)
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip().split("\t")[1]
    assert link.startswith("https://portal.contoh.id/bp/akun/atur-sandi/")
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.connect() as conn:
        rows = conn.execute(select(OutboxMessage.recipient, OutboxMessage.state, OutboxMessage.text_body)).all()
    engine.dispose()
    assert [(r.recipient, r.state) for r in rows] == [("tiga@contoh.id", MailState.STORED)]
    assert link in rows[0].text_body


# --- unsubscribe -------------------------------------------------------------------------------------

def test_the_unsubscribe_link_confirms_on_get_and_unsubscribes_on_post(app, make_user, client):
    writer = make_user(Role.WRITER, None, email="w@contoh.id")
    message = messages.reminder(writer, team="TF", month="November", deadline="15")
    db.session.commit()
    path = message.unsubscribe_url[len(BASE):]
    page = client.get(path).get_data(as_text=True)
    assert "w@contoh.id" in page and "Ya, berhenti berlangganan" in page
    assert outbox.wants(writer, "reminder"), "a GET (a link preview, a scanner) changes nothing"
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "tidak akan lagi menerima" in done.get_data(as_text=True)
    assert client.post(path).status_code == 200, "again: the same answer"
    assert db.session.scalar(select(func.count()).select_from(MailPreference)) == 1
    assert "tidak akan lagi menerima" in client.get(path).get_data(as_text=True)


def test_a_changed_or_old_unsubscribe_link_says_so_and_changes_nothing(app, make_user, client):
    writer = make_user(Role.WRITER, None)
    token = outbox.unsubscribe_token(writer.id, "reminder")
    other = outbox.unsubscribe_token(writer.id + 1, "reminder")
    tampered = [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), other.split(".")[0] + token[len(
        token.split(".")[0]):], "tidak-ada", token + "x"]
    for bad in tampered:
        for method in (client.get, client.post):
            response = method(f"/surel/berhenti/{bad}")
            assert response.status_code == 400, bad
            assert "tidak sah" in response.get_data(as_text=True)

    class Earlier(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 181 * 86400

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=outbox.UNSUBSCRIBE_SALT, signer=Earlier).dumps(
        {"u": writer.id, "c": "reminder"})
    for method in (client.get, client.post):
        response = method(f"/surel/berhenti/{old}")
        assert response.status_code == 410 and "terlalu lama" in response.get_data(as_text=True)
    signed_elsewhere = URLSafeTimedSerializer("another-key", salt=outbox.UNSUBSCRIBE_SALT).dumps(
        {"u": writer.id, "c": "reminder"})
    assert client.post(f"/surel/berhenti/{signed_elsewhere}").status_code == 400
    account_mail = outbox.unsubscribe_token(writer.id, "password_reset")
    assert client.post(f"/surel/berhenti/{account_mail}").status_code == 404, "account mail cannot be turned off"
    assert db.session.scalar(select(func.count()).select_from(MailPreference)) == 0


# --- "Lupa kata sandi" -------------------------------------------------------------------------------------

def test_forgot_password_gives_the_same_answer_and_mails_only_a_real_account(app, make_user, client):
    user = make_user(Role.WRITER, None, email="ada@contoh.id", name="Ada")
    assert "Lupa kata sandi?" in client.get("/akun/masuk").get_data(as_text=True)
    assert client.get("/akun/lupa-sandi").status_code == 200
    answers = []
    for email in ("ada@contoh.id", "tidak-ada@contoh.id"):
        response = client.post("/akun/lupa-sandi", data={"email": email})
        assert response.status_code == 302 and response.headers["Location"].endswith("/akun/masuk")
        answers.append(client.get("/akun/masuk").get_data(as_text=True).replace(email, "EMAIL"))
    assert answers[0] == answers[1]
    [message] = stored()
    assert message.recipient == "ada@contoh.id" and message.category == "password_reset"
    assert message.unsubscribe_url is None
    link = re.search(r"https://\S+", message.text_body).group(0)
    path = link[len(BASE):]
    page = client.get(path)
    assert page.status_code == 200
    new = "sandi-baru-yang-kuat-81"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    from portal.auth.passwords import verify_password

    db.session.refresh(user)
    assert verify_password(user.password_hash, new)
    assert client.get(path).status_code == 410, "the link works once"


def test_a_disabled_account_gets_no_reset_mail(app, make_user, client):
    make_user(Role.WRITER, None, email="mati@contoh.id", active=False)
    assert client.post("/akun/lupa-sandi", data={"email": "mati@contoh.id"}).status_code == 302
    assert stored() == []


def test_forgot_password_is_limited_per_email_and_per_address(app_config, app, make_user, client):
    app.config.update(RATELIMIT_ENABLED=True, PASSWORD_RESET_RATE_LIMIT_EMAIL="2 per hour",
                      PASSWORD_RESET_RATE_LIMIT_ADDRESS="5 per hour")
    from portal.extensions import limiter

    limiter.init_app(app)
    make_user(Role.WRITER, None, email="ada@contoh.id")
    codes = [client.post("/akun/lupa-sandi", data={"email": "ada@contoh.id"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    unknown = [client.post("/akun/lupa-sandi", data={"email": "x@contoh.id"}).status_code for _ in range(3)]
    assert unknown == [302, 302, 429], "an unknown address is limited exactly the same"
    refused = client.post("/akun/lupa-sandi", data={"email": "ada@contoh.id"})
    assert "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    assert len(stored()) == 2
    # per address: other emails from the same client, until its own limit (5 counted so far: 4 + this one)
    assert client.post("/akun/lupa-sandi", data={"email": "lain@contoh.id"}).status_code == 302
    assert client.post("/akun/lupa-sandi", data={"email": "lagi@contoh.id"}).status_code == 429
    assert client.get("/akun/lupa-sandi").status_code == 200, "the form itself is never limited"
