"""Sign-in, sign-out, passwords, one-time links, reader registration and language choice."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/akun")

from portal.auth import routes  # noqa: E402,F401  (routes attach themselves to bp)
