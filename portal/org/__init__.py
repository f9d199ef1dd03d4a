"""Organisation tree (admin): regions, KMW, provinces, cities, teams, kelurahan; CSV import and export."""
from flask import Blueprint

bp = Blueprint("org", __name__, url_prefix="/admin/struktur")

from portal.org import routes  # noqa: E402,F401
