"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from flask import Flask
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.meta import DefaultMeta
from wtforms.widgets import HiddenInput

from portal import cycle, permissions, storage, timeutil
from portal.i18n import current_locale
from portal.period import Period
from portal.text import render_markdown, stored_or_rendered


def install_template_helpers(app: Flask) -> None:
    @app.template_filter("tanggal")
    def _date(value, tz_name: str | None = None):
        return timeutil.format_date(value, current_locale(), tz_name)

    @app.template_filter("waktu")
    def _datetime(value, tz_name: str | None = None):
        if tz_name is None:
            tz_name = permissions.home_timezone(current_user)
        return timeutil.format_datetime(value, tz_name, current_locale())

    @app.template_filter("bulan")
    def _period(value: str):
        return Period(value).label(current_locale())

    @app.template_filter("sisa_waktu")
    def _time_left(deadline):
        """What is left until an aware deadline, counted now: "2 hari 3 jam 15 menit", or that time is up."""
        left = cycle.time_left(deadline)
        if not left:
            return gettext("Waktu habis")
        days, hours, minutes = cycle.format_time_left(left)
        return gettext("%(d)d hari %(h)d jam %(m)d menit", d=days, h=hours, m=minutes)

    @app.template_filter("markdown")
    def _markdown(value: str):
        return render_markdown(value)

    @app.template_filter("piece_text")
    def _piece_text(piece):
        """A piece's text as readers see it (a mapped piece, or a row that selected its rendering): its stored
        rendering, else converted now."""
        return stored_or_rendered(piece.body_md, piece.body_html, piece.body_html_rendering)

    @app.template_filter("na")
    def _na(value):
        if value is None:
            return "–"
        return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") if current_locale() == "id" \
            else f"{value:,.2f}"

    @app.template_filter("ukuran")
    def _size(value: int):
        return storage.format_size(value or 0)

    # Template globals, not a context processor: the same for every page, and a template imported without context
    # (its macros kept by Jinja, instead of run again at each rendering) sees them too.
    app.jinja_env.globals.update(perm=permissions, current_locale=current_locale, Role=permissions.Role,
                                 hidden_fields=hidden_fields)


def hidden_fields(form) -> Markup:
    """What Flask-WTF's ``form.hidden_tag()`` renders (the CSRF token and every hidden field, one per line), the same
    markup byte for byte, written here: WTForms 3.3 formats each attribute of a widget through ``Markup.format``,
    which cost a score sheet 6.5 % of its instructions for its two hidden fields. A hidden field with attributes
    of its own (``render_kw``, a validation flag, another widget or form rendering) is rendered by WTForms."""
    plain = form.meta.render_field.__func__ is DefaultMeta.render_field
    out = []
    for field in form:
        widget = field.widget
        if not isinstance(widget, HiddenInput):
            continue
        if plain and type(widget) is HiddenInput and not field.render_kw and getattr(field, "_datalist", None) is None \
                and not any(getattr(field.flags, name, False) for name in widget.validation_attrs):
            out.append(f'<input id="{escape(field.id)}" name="{escape(field.name)}" type="hidden" '
                       f'value="{escape(field._value())}">')
        else:
            out.append(str(field()))
    return Markup("\n".join(out))
