from __future__ import annotations

from flask import current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user

from portal.home import bp, month
from portal.home.sections import places, sections

FAVICON_MAX_AGE = 7 * 24 * 3600  # a week: the icon changes with a release, if ever


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("elearning.index"))
    return render_template(
        "home/index.html", places=places(current_user), sections=sections(current_user),
        writing=month.writer_months(current_user), expert=month.expert_year(current_user),
        panels=month.member_panels(current_user), managing=month.manager_month(current_user),
    )


@bp.route("/favicon.ico")
def favicon_ico():
    """Browsers ask for /favicon.ico whatever the page says; the small PNG-in-ICO is kept for a week."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=FAVICON_MAX_AGE)


@bp.route("/favicon.svg")
def favicon_svg():
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml",
                               max_age=FAVICON_MAX_AGE)
