"""Accounts: create one by one or from CSV, roles, one-time password links, disabling."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/akun-pengguna")

from portal.accounts import routes  # noqa: E402,F401
