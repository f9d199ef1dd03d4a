"""Placeholder until this feature lands; replaced by the feature's own views."""
from flask import render_template

from portal.reports import bp


@bp.route("/")
def index():
    return render_template("placeholder.html")
