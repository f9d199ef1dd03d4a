"""Rubric administration: see the versions, write a new one (weights are configurable), choose the active one."""
from flask import Blueprint

bp = Blueprint("rubric_admin", __name__, url_prefix="/admin/rubrik")

from portal.rubric_admin import routes  # noqa: E402,F401
