"""The page header (``templates/_header.html``), rendered once per worker for each distinct header.

Every page shows it: for a signed-in person their name, roles with places, the sections their roles open and the
unread notifications; for a visitor the sign-in links. It is the same HTML for everyone with the same values, in
the same language, so each worker keeps the latest ``SIZE`` renderings, keyed by exactly what the template is
given (``tests/test_home_pages.py`` checks that the template reads nothing else). A changed name, role, place name,
unread count or language is a different key, so nothing is ever stale, and no rendering is shared between apps.

The one per-request value, the logout form's CSRF token (signed with a timestamp, so different at each
request), is put in at the slot the rendering leaves for it.
"""
from __future__ import annotations

import functools

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from portal.home.sections import places, sections
from portal.i18n import current_locale
from portal.notifications.operations import unread_count

SIZE = 1024  # renderings kept per worker (a few hundred bytes to 3 kB each)
_CSRF_SLOT = "\x00csrf-token\x00"  # what the template writes where the token goes (the last one, the form's)
_EXTENSION = "portal_page_header"


def page_header() -> Markup:
    """The header of the page being rendered (a template global)."""
    user = current_user._get_current_object()  # read five times below: the proxy looks it up at each read
    signed_in = bool(getattr(user, "is_authenticated", False))
    if signed_in:
        values = (True, user.name, tuple(places(user)), tuple(sections(user)), unread_count(user.id))
    else:
        values = (False, "", (), (), 0)
    render = current_app.extensions.get(_EXTENSION, _render)
    before, after = render(current_locale(), request.script_root if has_request_context() else "", *values)
    if not signed_in:
        return Markup(before)
    return Markup(before + generate_csrf() + after)


def _render(locale: str, script_root: str, signed_in: bool, name: str, role_places: tuple, role_sections: tuple,
            unread: int) -> tuple[str, str]:
    """The header split at the token's slot. ``locale`` and ``script_root`` are not passed to the template: the
    messages and ``url_for`` read them from the request; they are arguments so that a kept rendering is keyed by
    them too."""
    template = current_app.jinja_env.get_template("_header.html")
    html = template.render(signed_in=signed_in, name=name, places=role_places, sections=role_sections,
                           unread=unread, csrf_slot=_CSRF_SLOT)
    before, slot, after = html.rpartition(_CSRF_SLOT)  # the form is the header's last part
    return (before, after) if slot else (html, "")


def install_page_header(app: Flask) -> None:
    """``page_header()`` for templates; renderings are kept unless templates reload when edited (development)."""
    app.jinja_env.globals["page_header"] = page_header
    if not app.jinja_env.auto_reload:  # this app's renderings, the latest SIZE kept (thread-safe)
        app.extensions[_EXTENSION] = functools.lru_cache(maxsize=SIZE)(_render)
