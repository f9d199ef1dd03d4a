"""Security headers on every response, and the safe-redirect check."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request, session
from flask_login import current_user

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "Cache-Control" not in headers and request.endpoint != "static":
            headers["Cache-Control"] = "no-store" if _private(request) else "no-cache"
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
