"""The signed-in header's "who and where" (templates/_who.html), rendered once per worker for what it shows.

It shows the person's name, their roles with their places and the sections those roles open, in the reader's
language: the same for every page until one of these changes. Its HTML is kept per worker under a key made of
exactly what it is rendered from (the account's id and name, every place and section as computed for this
request, the language and the application's path prefix), so a role added or taken away, a place renamed or
another language gives another key at once, and two people never share an entry. The logout form's CSRF token
differs per session and is put in at each request; the unread count is outside it (templates/base.html).
"""
from __future__ import annotations

import secrets

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from portal.home.sections import places, sections
from portal.i18n import current_locale

MAX_KEPT = 2048  # entries per worker; the whole store is dropped when full (a few KB each)

# Stands for the CSRF token in the kept HTML; random per worker so that no name or place can contain it.
_CSRF_SLOT = f"csrf-{secrets.token_hex(16)}"
_kept: dict[tuple, str] = {}


def who_header() -> Markup:
    user = current_user
    my_places = tuple(places(user))
    my_sections = tuple(sections(user))
    key = (user.id, user.name, my_places, my_sections, current_locale(), request.script_root)
    html = _kept.get(key)
    if html is None:
        html = render_template("_who.html", my_places=my_places, my_sections=my_sections, who_csrf=_CSRF_SLOT)
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = html
    return Markup(html.replace(_CSRF_SLOT, generate_csrf(), 1))
