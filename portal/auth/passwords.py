"""The password policy and hashing (Werkzeug's scrypt)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

COMMON = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
# A hash to check against when the user does not exist, so both paths cost the same time.
_DUMMY_HASH: str | None = None


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in COMMON.read_text().splitlines() if line.strip())


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, in Indonesian; empty when it is acceptable."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("Kata sandi minimal %(n)d karakter.", n=minimum))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) <= 2:
        problems.append(_("Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain."))
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in lowered:
        problems.append(_("Kata sandi tidak boleh memuat alamat email Anda."))
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def verify_password(password_hash: str | None, password: str) -> bool:
    global _DUMMY_HASH
    if not password_hash:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("dummy-password-for-timing")
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
