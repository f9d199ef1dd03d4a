"""Monthly submissions: the writer's home, pieces, photos, media, knowledge products, extensions."""
from flask import Blueprint

bp = Blueprint("submissions", __name__, url_prefix="/tulisan")

from portal.submissions import routes, routes_files, routes_manage, routes_word  # noqa: E402,F401
