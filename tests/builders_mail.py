"""A real SMTP server for the mail tests: aiosmtpd on a loopback port, with TLS from a self-signed certificate
made here (``cryptography``), recording every message it accepts. It can refuse chosen recipients (550, 450 ...)
and report which connection carried each message. Every server is stopped when its test ends."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.browser_support import free_port


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    connection: tuple

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


class Recorder:
    """aiosmtpd handler: accepts every message except for the recipients in ``refuse`` (address -> reply)."""

    def __init__(self):
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                                          session.peer))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@dataclass
class SmtpServer:
    recorder: Recorder
    port: int
    cert: Path
    kind: str

    @property
    def url(self) -> str:
        return f"{self.kind}://portal:rahasia@127.0.0.1:{self.port}"


@contextmanager
def smtp_server(folder: Path, kind: str = "smtp", port: int | None = None, recorder: Recorder | None = None):
    """A running server: ``smtp`` offers STARTTLS (and requires it), ``smtps`` speaks TLS from the first byte.
    Any user name and password are accepted (over TLS only)."""
    cert, key = self_signed_certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = recorder or Recorder()
    port = port or free_port()
    # aiosmtpd counts only STARTTLS as TLS; on an implicit-TLS port the whole connection is encrypted anyway
    options = {"authenticator": _accept_any, "auth_require_tls": kind != "smtps"}
    if kind == "smtps":
        controller = Controller(recorder, hostname="127.0.0.1", port=port, ssl_context=context,
                                **options)
    else:
        controller = Controller(recorder, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True, **options)
    controller.start()
    try:
        yield SmtpServer(recorder, port, cert, kind)
    finally:
        controller.stop()


def _accept_any(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=True)


def mail_settings(app_config: dict, server_or_port, cert: Path | None = None, **extra) -> None:
    """Point the test app at a server (or at a port where nothing listens)."""
    if isinstance(server_or_port, SmtpServer):
        app_config.update(MAIL_URL=server_or_port.url, MAIL_TLS_CA_FILE=str(server_or_port.cert))
    else:
        app_config.update(MAIL_URL=f"smtp://portal:rahasia@127.0.0.1:{server_or_port}",
                          MAIL_TLS_CA_FILE=str(cert) if cert else None)
    app_config.update(PORTAL_BASE_URL="https://bp.contoh.id", **extra)


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a received message."""
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())
