"""Placeholder until this feature lands; replaced by the feature's own views."""
from flask import render_template

from portal.panels import bp


@bp.route("/")
def my_panels():
    return render_template("placeholder.html")


@bp.route("/kelola")
def manage():
    return render_template("placeholder.html")
