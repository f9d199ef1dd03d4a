"""The signed-in landing page: each role sees its own work first."""
from flask import Blueprint

bp = Blueprint("home", __name__)

from portal.home import routes  # noqa: E402,F401
