"""Mail over real SMTP: an aiosmtpd server on a loopback port (STARTTLS or implicit TLS, self-signed certificate)
and a real huey consumer of the task queue. Received messages are parsed with the email package.

Cases: an invitation and a reminder as they arrive (parts, headers, absolute links, Message-ID, the unsubscribe
headers only where they belong); a header-injection attempt through a name; the server down, then up: everything
arrives late and nothing twice, over few connections; a 550 fails the message and marks the address; a 4xx
defers it with backoff and it goes later; claims are exclusive and a sent message is never claimed again.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.jobs import real_now
from portal.mail import delivery, messages, outbox
from portal.models import MailState, OutboxMessage, Role, User
from tests.browser_support import free_port
from tests.builders_jobs import consumer_thread, wait_for
from tests.builders_mail import mail_settings, parts, self_signed_certificate, smtp_server

BASE = "https://bp.contoh.id"


def states() -> dict[str, int]:
    db.session.rollback()
    counts: dict[str, int] = {}
    for state in db.session.scalars(select(OutboxMessage.state)):
        counts[state.value] = counts.get(state.value, 0) + 1
    return counts


def wait_until_sent(n: int, timeout: float = 60):
    return wait_for(lambda: states().get("sent") == n, timeout, f"{n} messages sent (now {states()})")


def reminder_for(user):
    message = messages.reminder(user, team="TF 01 Kota Semarang", month="November 2026", deadline="15 November")
    db.session.commit()
    outbox.announce()
    return message


@pytest.fixture
def server(tmp_path, app_config, request):
    kind = getattr(request, "param", "smtp")
    with smtp_server(tmp_path / "tls", kind=kind) as running:
        mail_settings(app_config, running)
        yield running


@pytest.mark.parametrize("server", ["smtp", "smtps"], indirect=True)
def test_an_invitation_arrives_with_both_parts_absolute_links_and_no_unsubscribe(server, app, make_user, client,
                                                                                  login):
    admin = make_user(Role.ADMIN, None, name="Admin")
    login(admin)
    response = client.post("/akun-pengguna/baru", data={"email": "siti@contoh.id", "name": "Siti Aminah",
                                                       "role": "reader", "scope_code": ""})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with consumer_thread(app, workers=1):
        wait_until_sent(1)
    [received] = server.recorder.received
    assert received.rcpt_tos == ["siti@contoh.id"] and received.mail_from == "noreply@localhost"
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"].addresses[0].display_name == "Siti Aminah"
    assert message["Subject"] == "Akun Portal Best Practice Anda"
    assert re.fullmatch(r"<[^@<>]+@bp\.contoh\.id>", message["Message-ID"])
    assert message["Date"].datetime is not None
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    text, html = parts(message)
    link = re.search(r"https://\S+", text).group(0)
    assert link.startswith(f"{BASE}/akun/atur-sandi/")
    assert f'href="{link}"' in html and "Siti Aminah" in html
    row = db.session.scalar(select(OutboxMessage))
    assert row.message_id == message["Message-ID"] and row.state == MailState.SENT and row.attempts == 1
    # the link works: the path of the mailed link opens the set-password page
    client.post("/akun/keluar")
    assert client.get(link[len(BASE):]).status_code == 200


@pytest.mark.parametrize("server", ["smtps"], indirect=True)
def test_a_reminder_carries_a_one_click_unsubscribe_that_works_without_a_session(server, app, make_user):
    writer = make_user(Role.WRITER, None, name="Budi", locale="en")
    reminder_for(writer)
    with consumer_thread(app, workers=1):
        wait_until_sent(1)
    message = server.recorder.messages()[0]
    url = re.fullmatch(r"<(https://bp\.contoh\.id/surel/berhenti/[^>]+)>", message["List-Unsubscribe"]).group(1)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert url in text and url in html
    assert '<html lang="en">' in html, "rendered in the recipient's language (User.locale)"
    # the mail program's one-click POST: no cookies, no CSRF token
    app.config["WTF_CSRF_ENABLED"] = True
    anonymous = app.test_client()
    for _ in range(2):  # idempotent
        response = anonymous.post(url[len(BASE):], data="List-Unsubscribe=One-Click",
                                  content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
    assert outbox.wants(writer, "reminder") is False
    assert messages.reminder(writer, team="x", month="y", deadline="z") is None, "not queued once turned off"
    assert outbox.wants(writer, "invitation") is True


def test_a_name_with_a_line_break_cannot_add_headers(server, app, make_user):
    user = make_user(Role.WRITER, None, name="Budi\r\nBcc: penyusup@jahat.id\r\nX-Evil: 1",
                     email="budi@contoh.id")
    reminder_for(user)
    with consumer_thread(app, workers=1):
        wait_until_sent(1)
    [received] = server.recorder.received
    message = received.message
    assert received.rcpt_tos == ["budi@contoh.id"]
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["To"].addresses[0].display_name == "Budi Bcc: penyusup@jahat.id X-Evil: 1"
    assert "\n" not in message["Subject"]


@pytest.fixture
def down_then_up(tmp_path, app_config):
    """Settings for a server that is not there yet (nothing listens on the port): (port, certificate folder)."""
    port = free_port()
    self_signed_certificate(tmp_path / "tls")
    # the first retry 5 s after a deferral: long enough that all 20 first attempts are over before any second one
    # on a slow, busy machine (with 1 s a second attempt came before the last deferral), short enough for the test
    mail_settings(app_config, port, tmp_path / "tls" / "smtp-cert.pem", MAIL_RETRY_FIRST_SECONDS=5,
                  MAIL_BATCH_SIZE=8)
    return port, tmp_path / "tls"


def test_the_server_down_then_up_delivers_everything_late_and_nothing_twice(down_then_up, app, make_user):
    port, folder = down_then_up
    users = [make_user(Role.WRITER, None, name=f"Penulis {i}", email=f"p{i}@contoh.id") for i in range(20)]
    for user in users:
        reminder_for(user)
    with consumer_thread(app, workers=2):
        wait_for(lambda: states() == {"deferred": 20}, 30, f"every message deferred (now {states()})")
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert all(r.attempts == 1 and "tidak dapat dihubungi" in r.last_error for r in rows)
        assert all(r.next_attempt_at > r.created_at for r in rows)
        assert "rahasia" not in rows[0].last_error, "the password never appears in an error"
        with smtp_server(folder, port=port) as server:
            wait_until_sent(20)
            db.session.rollback()
            # more deliveries (the periodic catch-up, a late scheduled retry) send nothing again
            assert delivery.deliver_due() == {}
            received = server.recorder.received
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(u.email for u in users)
    ids = [r.message["Message-ID"] for r in received]
    assert len(set(ids)) == 20
    connections = {r.connection for r in received}
    assert len(connections) <= 6, f"batches of 8 share a connection ({len(connections)} connections for 20)"


def test_a_550_fails_the_message_and_marks_the_address_on_the_account_pages(server, app, make_user, client,
                                                                             login):
    server.recorder.refuse["hilang@contoh.id"] = "550 5.1.1 <hilang@contoh.id>: Recipient address rejected"
    lost = make_user(Role.WRITER, None, name="Alamat Hilang", email="hilang@contoh.id")
    fine = make_user(Role.WRITER, None, name="Alamat Baik", email="baik@contoh.id")
    reminder_for(lost)
    reminder_for(fine)
    with consumer_thread(app, workers=1):
        wait_for(lambda: states() == {"failed": 1, "sent": 1}, 30, f"one failed, one sent (now {states()})")
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.state == MailState.FAILED))
    assert failed.recipient == "hilang@contoh.id" and failed.last_error.startswith("550")
    db.session.refresh(lost)
    assert lost.mail_failed_at is not None and "Recipient address rejected" in lost.mail_failure
    assert [r.rcpt_tos for r in server.recorder.received] == [["baik@contoh.id"]]
    # shown to the managers: the account page says when and why, the list marks it
    login(make_user(Role.ADMIN, None))
    page = client.get(f"/akun-pengguna/{lost.id}").get_data(as_text=True)
    assert "surel gagal" in page and "Recipient address rejected" in page
    listing = client.get("/akun-pengguna/?q=Alamat").get_data(as_text=True)
    assert listing.count("surel gagal") == 1
    # later non-account mail to that address is not even queued; account mail still is
    assert messages.reminder(lost, team="x", month="y", deadline="z") is None
    assert messages.password_reset(lost, "token", 2) is not None
    db.session.rollback()


def test_a_4xx_defers_with_backoff_and_the_message_goes_later(server, app_config, app, make_user):
    app.config["MAIL_RETRY_FIRST_SECONDS"] = 3  # "not due yet" below holds on a slow machine too
    server.recorder.refuse["penuh@contoh.id"] = "452 4.2.2 Mailbox full, try later"
    user = make_user(Role.WRITER, None, email="penuh@contoh.id")
    reminder_for(user)
    assert delivery.deliver_due() == {"deferred": 1}
    row = db.session.scalar(select(OutboxMessage))
    assert row.state == MailState.DEFERRED and row.attempts == 1 and row.last_error.startswith("452")
    assert delivery.deliver_due() == {}, "not due before next_attempt_at"
    del server.recorder.refuse["penuh@contoh.id"]
    with consumer_thread(app, workers=1):  # the retry scheduled by the deferral runs it
        wait_until_sent(1, timeout=30)
    db.session.refresh(row)
    assert row.attempts == 2 and row.last_error == "" and server.recorder.count() == 1


def test_the_backoff_doubles_to_an_hour_and_gives_up_after_26_hours(server, app, make_user):
    assert [delivery.retry_delay(n) for n in (1, 2, 3, 4, 7, 8, 20)] == [60, 120, 240, 480, 3600, 3600, 3600]
    server.recorder.refuse["penuh@contoh.id"] = "450 4.2.1 Try again"
    user = make_user(Role.WRITER, None, email="penuh@contoh.id")
    message = reminder_for(user)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(
        created_at=real_now() - timedelta(hours=26, minutes=1)))
    db.session.commit()
    assert delivery.deliver_due() == {"failed": 1}
    db.session.refresh(message)
    assert message.state == MailState.FAILED and "450" in message.last_error
    assert db.session.get(User, user.id).mail_failed_at is None, "a temporary failure does not mark the address"


def test_claims_are_exclusive_and_a_sent_message_is_never_claimed_again(server, app, make_user):
    for i in range(5):
        reminder_for(make_user(Role.WRITER, None, email=f"k{i}@contoh.id"))
    first_token, first = delivery.claim_batch(3)
    second_token, second = delivery.claim_batch(3)
    assert len(first) == 3 and len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}
    assert delivery.claim_batch(10)[1] == [], "claimed messages are not due while their lease runs"
    # a consumer that died: its lease runs out and another consumer takes the messages over
    db.session.execute(update(OutboxMessage).where(OutboxMessage.claim == first_token).values(
        claimed_until=real_now() - timedelta(seconds=1)))
    db.session.commit()
    assert delivery.deliver_due() == {"sent": 3}
    # the dead consumer's late writes change nothing: the messages are no longer its own
    delivery._sent(first_token, first[0])
    delivery._deferred(first_token, first[1], "late")
    assert delivery.send_batch(outbox.parse_mail_url(app.config["MAIL_URL"]), second_token, second) == \
        {"sent": 2}
    assert delivery.deliver_due() == {}
    assert states() == {"sent": 5} and server.recorder.count() == 5
    assert all(r.attempts in (1, 2) for r in db.session.scalars(select(OutboxMessage)))
