"""Review panels: membership, checks, score sheets, results, decisions and letters."""
from flask import Blueprint

bp = Blueprint("panels", __name__, url_prefix="/penilaian")

from portal.panels import routes  # noqa: F401
