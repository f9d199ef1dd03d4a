"""The reward end of the program: verifiable certificates, corrections and revocations of awards, and the
twice-yearly nominations of writers to the national writing workshop."""
from flask import Blueprint

bp = Blueprint("rewards", __name__)

from portal.rewards import routes, routes_nominations  # noqa: E402,F401
