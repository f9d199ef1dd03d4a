"""The yearly anthology book: data managers compose and build it (/antologi/); readers download it from the
public e-learning pages (portal/elearning/routes_books.py)."""
from flask import Blueprint

bp = Blueprint("anthology", __name__, url_prefix="/antologi")

from portal.anthology import routes  # noqa: E402,F401
