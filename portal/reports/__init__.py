"""Recaps (Lampiran 2 and 3), monthly bundles, obligation tracking and dashboards."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/laporan")

from portal.reports import routes  # noqa: E402,F401
