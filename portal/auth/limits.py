"""Sign-in limits, per account and per address (OWASP ASVS 2.2.1).

Two limits guard ``POST /akun/masuk``, each with its own key:

- per account: the typed email, normalised, whether or not such an account exists (the limiter must not tell
  which accounts exist). Only failed attempts count (Flask-Limiter's ``deduct_when``), so a user who signs in
  at the first try never uses up the allowance; an account cannot be brute-forced from many addresses.
- per address: every attempt from one client address counts, with a ceiling high enough for an office of 30
  people behind one NAT address signing in at the start of a meeting, and low enough to stop one address
  trying a password on account after account (spraying).

The address is the connecting peer's, or the proxy's ``X-Forwarded-For`` hop when ``BEHIND_PROXY`` is set
(``ProxyFix`` rewrites ``REMOTE_ADDR``); a client-sent header is never trusted otherwise.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, g, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address

from portal.auth.operations import normalise_email

ACCOUNT = "account"
ADDRESS = "address"


def account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def address_limit() -> str:
    """``LOGIN_RATE_LIMIT`` (the setting's older name) still wins when an instance config sets it."""
    return current_app.config.get("LOGIN_RATE_LIMIT") or current_app.config["LOGIN_RATE_LIMIT_ADDRESS"]


def account_key() -> str:
    """The typed email, hashed: the counters' storage (Redis) never holds the addresses people typed."""
    email = normalise_email(request.form.get("email", ""))
    return "sign-in-account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def address_key() -> str:
    return "sign-in-address:" + (get_remote_address() or "unknown")


def note_failed_sign_in() -> None:
    """The view calls this when the credentials were refused; only such attempts count against the account."""
    g.sign_in_failed = True


def sign_in_failed(_response) -> bool:
    return bool(g.get("sign_in_failed"))


def _breached(which: str):
    def remember(limit: RequestLimit) -> None:
        g.sign_in_limit = (which, limit)

    return remember


on_account_breach = _breached(ACCOUNT)
on_address_breach = _breached(ADDRESS)


def breached_limit() -> tuple[str, int]:
    """Which limit refused this request (``ACCOUNT`` or ``ADDRESS``) and the seconds until it lets one through."""
    which, limit = g.get("sign_in_limit", (ADDRESS, None))
    wait = 60
    if limit is not None:
        try:
            wait = limit.reset_at - time.time()
        except Exception:  # the storage failed between the check and this page: a minute is a fair answer
            current_app.logger.warning("could not read the sign-in limit's reset time", exc_info=True)
    return which, max(1, math.ceil(wait))
