"""Placeholder until this feature lands; replaced by the feature's own views."""
from flask import render_template

from portal.submissions import bp


@bp.route("/")
def home():
    return render_template("placeholder.html")
