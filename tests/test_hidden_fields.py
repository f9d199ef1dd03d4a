"""``hidden_fields(form)`` writes what ``form.hidden_tag()`` renders, byte for byte, for every form of the portal.

The templates use it instead of Flask-WTF's ``hidden_tag`` (portal/templating.py says why); a page's hidden
inputs, its CSRF token among them, must not change by a character, whatever a hidden field holds.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired
from wtforms.widgets import HiddenInput

import portal
from portal.templating import hidden_fields
from tests.support import PASSWORD

NASTY = 'a"b<c>&d\'e “f” ø'


def _portal_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith(("forms", "routes")) or ".forms" in module.name:
            importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("portal."):
            found.append(cls)
    return found


def _built(cls):
    try:
        return cls(formdata=None)
    except TypeError:  # a form that needs arguments of its own: none of the portal's do so far
        pytest.fail(f"{cls.__module__}.{cls.__name__} could not be built without arguments")


def test_every_portal_form_gets_the_same_hidden_inputs(app):
    forms = _portal_forms()
    assert len(forms) >= 20, [f.__name__ for f in forms]
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: every form carries its token
    with_hidden = protected = 0
    with app.test_request_context("/", method="GET"):
        for cls in forms:
            form = _built(cls)
            assert hidden_fields(form) == form.hidden_tag(), cls.__name__
            hidden = [f for f in form if isinstance(f.widget, HiddenInput) and f.name != "csrf_token"]
            for field in hidden:
                field.data = NASTY
            if hidden:
                with_hidden += 1
                expected = form.hidden_tag()
                assert "&#34;" in expected and "&lt;c&gt;" in expected  # the value was escaped, not dropped
                assert hidden_fields(form) == expected, cls.__name__
            assert isinstance(hidden_fields(form), Markup)
            # a form that posts carries its token; a filter form (GET, ``csrf = False``) carries none
            assert ('name="csrf_token"' in hidden_fields(form)) == bool(form.meta.csrf), cls.__name__
            protected += bool(form.meta.csrf)
    assert with_hidden >= 5 and protected >= 20


def test_fields_with_attributes_of_their_own_are_rendered_by_wtforms(app):
    class Odd(FlaskForm):
        plain = HiddenField(default=NASTY)
        decorated = HiddenField(render_kw={"data-role": "x", "class": "y"})
        required = HiddenField(validators=[DataRequired()])
        number = IntegerField(widget=HiddenInput(), default=7)
        disabled = HiddenField(render_kw={"disabled": True})
        shown = StringField()

    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context("/", method="GET"):
        form = Odd(formdata=None, prefix="odd")
        rendered = hidden_fields(form)
        assert rendered == form.hidden_tag()
        assert 'data-role="x"' in rendered and " disabled " in rendered and 'value="7"' in rendered
        assert 'id="odd-shown"' not in rendered
        assert rendered.count("<input ") == 6  # the CSRF token and the five hidden fields


def test_a_page_sends_the_same_token_it_checks(client, app, make_tree, make_user, login):
    """A form rendered through hidden_fields posts back a token the portal accepts (the sign-in form)."""
    import re

    from portal.models import Role

    make_tree()
    user = make_user(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/akun/masuk").get_data(as_text=True)
    token = re.search(r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)">', page).group(1)
    assert client.post("/akun/masuk", data={"email": user.email, "password": PASSWORD}).status_code == 400
    response = client.post("/akun/masuk", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
