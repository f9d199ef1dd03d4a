"""The mail settings: ``MAIL_URL`` (how messages leave), ``MAIL_FROM`` and ``PORTAL_BASE_URL`` (the links in them).

``MAIL_URL`` is ``outbox`` (the default: messages are stored and shown to administrators, never sent),
``smtp://user:pass@host:port`` (STARTTLS, port 587 by default) or ``smtps://user:pass@host:port`` (TLS from the
first byte, port 465 by default). User and password are optional and URL-encoded (``%40`` for ``@``). A value
that cannot be understood stops the start-up with :class:`MailSettingError`; its message never repeats the
password.
"""
from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from flask import Flask

OUTBOX, SMTP, SMTPS = "outbox", "smtp", "smtps"
DEFAULT_PORTS = {SMTP: 587, SMTPS: 465}
LOCAL_BASE_URL = "http://127.0.0.1:5000"


class MailSettingError(ValueError):
    """``MAIL_URL``, ``MAIL_FROM`` or ``PORTAL_BASE_URL`` cannot be used; the message says what to write."""


@dataclass(frozen=True)
class MailTransport:
    """Where messages go: ``kind`` outbox, smtp (STARTTLS) or smtps (implicit TLS)."""

    kind: str
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = ""

    @property
    def sends(self) -> bool:
        return self.kind != OUTBOX

    def describe(self) -> str:
        """For pages and logs: never the password."""
        if not self.sends:
            return "outbox"
        user = f"{self.username}@" if self.username else ""
        return f"{self.kind}://{user}{self.host}:{self.port}"


def _redacted(value: str) -> str:
    """The setting as it may be shown: the password part replaced."""
    scheme, sep, rest = value.partition("://")
    if not sep or "@" not in rest:
        return value
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else value


def parse_mail_url(value: str) -> MailTransport:
    text = (value or "").strip()
    help_text = "write 'outbox', 'smtp://user:password@host:587' (STARTTLS) or 'smtps://user:password@host:465'"
    if text == OUTBOX:
        return MailTransport(OUTBOX)
    shown = _redacted(text)
    try:
        parts = urlsplit(text)
        port = parts.port  # a port that is not a number raises ValueError
    except ValueError:
        raise MailSettingError(f"MAIL_URL {shown!r} is not a mail server: {help_text}") from None
    if parts.scheme not in (SMTP, SMTPS):
        raise MailSettingError(f"MAIL_URL {shown!r} is not a mail server: {help_text}")
    if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MailSettingError(f"MAIL_URL {shown!r}: name the server and nothing else, like {help_text}")
    if port is not None and not 0 < port < 65536:
        raise MailSettingError(f"MAIL_URL {shown!r}: the port must be between 1 and 65535")
    if parts.password is not None and not parts.username:
        raise MailSettingError(f"MAIL_URL {shown!r}: a password needs a user name")
    return MailTransport(parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme],
                         unquote(parts.username or ""), unquote(parts.password or ""))


def parse_sender(value: str) -> Address:
    """``MAIL_FROM``: ``Name <address>`` or a bare address."""
    name, address = parseaddr(value or "")
    if "\r" in (value or "") or "\n" in (value or "") or "@" not in address:
        raise MailSettingError(f"MAIL_FROM {value!r}: write 'Portal Best Practice <noreply@example.id>'")
    local, _, domain = address.rpartition("@")
    try:
        return Address(display_name=name, username=local, domain=domain)
    except (ValueError, IndexError) as exc:
        raise MailSettingError(f"MAIL_FROM {value!r}: {exc}") from None


def parse_base_url(value: str | None) -> str | None:
    """``PORTAL_BASE_URL`` without its trailing slash, or None when unset."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise MailSettingError(f"PORTAL_BASE_URL {value!r}: write the portal's address, like https://bp.example.id")
    return value.strip().rstrip("/")


def check_settings(app: Flask) -> None:
    """Stop the start-up on mail settings that cannot work; warn when mail links would point nowhere useful."""
    parse_mail_url(app.config["MAIL_URL"])
    parse_sender(app.config["MAIL_FROM"])
    parse_base_url(app.config.get("PORTAL_BASE_URL"))
    for key, least in (("MAIL_BATCH_SIZE", 1), ("MAIL_LEASE_SECONDS", 1), ("MAIL_TIMEOUT_SECONDS", 1),
                       ("MAIL_GIVE_UP_HOURS", 1)):
        value = app.config[key]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < least:
            raise MailSettingError(f"{key} {value!r}: a number of at least {least}")
    if not app.config.get("PORTAL_BASE_URL") and not (app.debug or app.testing):
        app.logger.warning("PORTAL_BASE_URL is not set: links in mail point to %s, which the recipients cannot open. "
                    "Set it to the portal's public address (https://...).", LOCAL_BASE_URL)
