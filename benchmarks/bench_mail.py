"""Mail benchmark: 1,500 reminder-sized messages queued, then delivered by one queue consumer to a local SMTP server.

    python benchmarks/bench_mail.py [--messages 1500] [--database-url URL] [--workers 1] [--batch 100]

The portal renders each reminder (text and HTML, in the recipient's language) into the outbox, announces it on the
task queue (SQLite, in a temporary instance folder), and one huey consumer (``--workers`` threads) sends them
over STARTTLS to an aiosmtpd server on a loopback port (a self-signed certificate, as the tests make it; in a
process of its own, like a real mail server), one connection per batch of ``MAIL_BATCH_SIZE``. Printed: the time to queue, the time from the first announcement to
the last message accepted, and the delivery rate. The target is at least 200 messages a second; the script exits 1
when it is missed. Needs the test extras (aiosmtpd, cryptography).
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_PER_SECOND = 200.0


def serve(folder: str, port: int, received, ready, stop) -> None:
    """The SMTP server process: counts the messages it accepts in ``received``."""
    from tests.builders_mail import Recorder, smtp_server

    class Counter(Recorder):
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += 1
            return "250 Message accepted for delivery"

    with smtp_server(Path(folder), port=port, recorder=Counter()):
        ready.set()
        stop.wait(900)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1500)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a SQLite file)")
    parser.add_argument("--workers", type=int, default=1, help="threads of the one consumer")
    parser.add_argument("--batch", type=int, default=100, help="MAIL_BATCH_SIZE: messages per SMTP connection")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from portal import create_app, tasks
    from portal.extensions import db
    from portal.mail import messages, outbox
    from portal.models import MailState, OutboxMessage, Role, RoleAssignment, User
    from tests.browser_support import free_port

    context = multiprocessing.get_context("spawn")
    received, ready, stop = context.Value("i", 0), context.Event(), context.Event()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = context.Process(target=serve, args=(str(Path(folder) / "tls"), port, received, ready, stop))
        server.start()
        if not ready.wait(60):
            server.kill()
            print("the SMTP server did not start")
            return 1
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "MAIL_URL": f"smtp://portal:rahasia@127.0.0.1:{port}",
                          "MAIL_TLS_CA_FILE": str(Path(folder) / "tls" / "smtp-cert.pem"),
                          "PORTAL_BASE_URL": "https://bp.contoh.id", "MAIL_BATCH_SIZE": args.batch},
                         instance_path=str(Path(folder) / "instance"))
        with app.app_context():
            db.create_all()
            db.session.add_all([User(email=f"penulis{i}@contoh.id", name=f"Penulis {i:04d}", password_hash=None,
                                     roles=[RoleAssignment(role=Role.WRITER)]) for i in range(args.messages)])
            db.session.commit()
            users = db.session.scalars(select(User).order_by(User.id)).all()  # as a reminder run loads them
            started = time.perf_counter()
            for user in users:
                messages.reminder(user, team="TF 01 Kota Semarang", month="November 2026",
                                  deadline="15 November 2026 23.59 WIB")
            db.session.commit()
            queued = time.perf_counter() - started
            size = len(db.session.scalar(select(OutboxMessage.html_body).limit(1)))
            consumer = tasks.make_consumer(app, args.workers, periodic=False, handle_signals=False)
            consumer.start()
            try:
                started = time.perf_counter()
                outbox.announce()
                deadline = started + 600
                while received.value < args.messages and time.perf_counter() < deadline:
                    time.sleep(0.01)
                delivered = time.perf_counter() - started
            finally:
                consumer.stop(graceful=True)
                stop.set()
                server.join(30)
            db.session.rollback()
            sent = db.session.scalar(select(func.count()).where(OutboxMessage.state == MailState.SENT))
            db.drop_all()
    rate = received.value / delivered
    print(f"queued {args.messages} reminders (HTML {size} bytes each) in {queued:.2f} s "
          f"({args.messages / queued:.0f}/s)")
    print(f"delivered {received.value} ({sent} marked sent) in {delivered:.2f} s over "
          f"{-(-args.messages // args.batch)} SMTP connections (batches of {args.batch}) by one consumer with "
          f"{args.workers} thread(s): {rate:.0f} messages/s (target at least {TARGET_PER_SECOND:.0f}/s)")
    ok = rate >= TARGET_PER_SECOND and sent == args.messages
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
