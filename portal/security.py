"""Security headers on every response, and the safe-redirect check."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request, session
from flask_login import current_user

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


# Set on every response unless the view set its own: (lower-case name, name, value).
ALWAYS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
))
HSTS = "max-age=31536000; includeSubDomains"


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        # The names present are read once: Werkzeug's ``setdefault`` and ``in`` each walk the headers comparing
        # lower-cased names, which made this hook 5 % of a signed-in request.
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        for lower, name, value in ALWAYS:
            if lower not in present:
                headers.add(name, value)
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", HSTS)
        if "cache-control" not in present and request.endpoint != "static":
            headers.add("Cache-Control", "no-store" if _private(request) else "no-cache")
        return response


def _private(req) -> bool:
    if req.method != "GET" or "_user_id" in session:
        return True
    try:
        return bool(getattr(current_user, "is_authenticated", False))
    except Exception:  # loading the user failed (database down): the 503 page must still go out, privately
        return True


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site relative paths ("/x"), never "//host" or an absolute URL."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target
