"""Public e-learning pages: published best practices, search, discussion, feeds, honour roll."""
from flask import Blueprint

bp = Blueprint("elearning", __name__, url_prefix="/elearning")

from portal.elearning import routes, routes_books, routes_discussion, routes_manage  # noqa: F401
