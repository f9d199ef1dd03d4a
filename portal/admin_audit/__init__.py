"""The audit log page for administrators: logins, refused accesses, score changes and decisions.

Register with ``app.register_blueprint(portal.admin_audit.bp)`` (URL prefix ``/admin/audit``).
"""
from flask import Blueprint

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit")

from portal.admin_audit import routes  # noqa: E402,F401
