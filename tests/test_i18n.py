"""English is selectable for real: the catalogue is complete, compiled, and the pages switch language."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask import session
from flask_babel import gettext, ngettext, refresh
from flask_wtf import FlaskForm
from wtforms import IntegerField

from portal.models.people import Role

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%")


def read_catalog(path: Path = PO):
    with open(path, "rb") as fh:
        return read_po(fh)


def forms(message) -> list[tuple[str, str]]:
    """(source, translation) pairs of one message; a plural message gives its singular and plural pair."""
    if isinstance(message.id, (tuple, list)):
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        return [(message.id[0], strings[0] if strings else ""), (message.id[1], strings[1] if len(strings) > 1 else "")]
    return [(message.id, message.string)]


def body(response) -> str:
    return response.get_data(as_text=True)


def switch(client, lang: str, next_path: str = "/akun/masuk"):
    """Follow the footer link. The test app keeps one app context (and so one ``g``) across requests, where
    Flask-Babel caches the locale; a real request starts afresh, so forget the cached locale here too."""
    response = client.get(f"/akun/bahasa/{lang}?next={next_path}")
    refresh()
    return response


# --- the pages ---------------------------------------------------------------------------------------------------

def test_indonesian_is_the_default(client):
    page = body(client.get("/akun/masuk"))
    assert '<html lang="id">' in page
    assert "<h1>Masuk</h1>" in page
    assert "Kata sandi" in page
    assert ">English</a>" in page  # the footer offers the other language


def test_language_link_switches_the_login_page_to_english(client):
    response = client.get("/akun/bahasa/en?next=/akun/masuk")
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/masuk"
    page = body(client.get("/akun/masuk"))
    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page
    assert "Password" in page and "Remember me on this device" in page  # lazy form labels follow the locale
    assert "No reader account yet?" in page
    assert "Kata sandi" not in page and "<h1>Masuk</h1>" not in page
    assert ">Bahasa Indonesia</a>" in page  # and the way back


def test_language_link_back_to_indonesian(client):
    switch(client, "en")
    assert '<html lang="en">' in body(client.get("/akun/masuk"))
    switch(client, "id")
    page = body(client.get("/akun/masuk"))
    assert '<html lang="id">' in page and "<h1>Masuk</h1>" in page


def test_unknown_language_is_refused_and_changes_nothing(client):
    assert client.get("/akun/bahasa/fr?next=/akun/masuk").status_code == 404
    assert '<html lang="id">' in body(client.get("/akun/masuk"))


def test_validation_and_flash_messages_in_english(client, make_user):
    user = make_user(Role.READER)
    client.get("/akun/bahasa/en?next=/akun/masuk")
    page = body(client.post("/akun/masuk", data={"email": "", "password": ""}))
    assert "Enter your email." in page and "Enter your password." in page
    assert "Isi email Anda." not in page
    page = body(client.post("/akun/masuk", data={"email": user.email, "password": "salah-sekali-123"}, follow_redirects=True))
    assert "Wrong email or password." in page and "Email atau kata sandi salah." not in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_forms_never_look_for_a_catalogue_on_disk_and_keep_their_messages(client, monkeypatch, language):
    """Flask-WTF looked for WTForms' catalogue on disk at every request that built a form (portal.config,
    ``WTF_I18N_ENABLED``). Nothing is looked for, and a form's messages are what they were: the portal's own in
    the reader's language, and WTForms' own, which it has no Indonesian for, in its English."""
    from babel import support

    switch(client, language)
    looked_for = []
    load = support.Translations.load.__func__
    monkeypatch.setattr(support.Translations, "load",
                        classmethod(lambda cls, *a, **k: looked_for.append(k.get("domain")) or load(cls, *a, **k)))
    assert client.get("/akun/masuk").status_code == 200
    page = body(client.post("/akun/masuk", data={"email": "bukan-email", "password": ""}))
    assert ("Enter your password." if language == "en" else "Isi kata sandi Anda.") in page
    assert "wtforms" not in looked_for

    class Number(FlaskForm):
        class Meta:
            csrf = False
        n = IntegerField()  # no label of its own, and WTForms' own message

    with client.application.test_request_context("/", method="POST", data={"n": "x"}):
        form = Number()
        assert form.n.label.text == "N" and not form.validate()
        assert form.n.errors == ["Not a valid integer value."]
    assert "wtforms" not in looked_for


def test_error_pages_in_english(client):
    switch(client, "en")
    page = body(client.get("/tidak-ada-halaman-ini"))
    assert "Page not found" in page and "Halaman tidak ditemukan" not in page
    switch(client, "id")
    page = body(client.get("/tidak-ada-halaman-ini"))
    assert "Halaman tidak ditemukan" in page and "Page not found" not in page


def test_account_locale_is_used_when_the_browser_chose_none(app, client, make_user, login):
    login(make_user(Role.READER, locale="en"))
    page = body(client.get("/", follow_redirects=True))
    assert '<html lang="en">' in page and "E-learning: selected best practice" in page
    switch(client, "id", "/")  # the browser's explicit choice wins over the account's
    page = body(client.get("/", follow_redirects=True))
    assert '<html lang="id">' in page and "E-learning: best practice terpilih" in page


def test_plural_forms_and_placeholders_in_english(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        refresh()
        assert ngettext("%(num)d tulisan", "%(num)d tulisan", 1) == "1 piece"
        assert ngettext("%(num)d tulisan", "%(num)d tulisan", 3) == "3 pieces"
        assert gettext("Selamat datang, %(name)s", name="Siti") == "Welcome, Siti"
    with app.test_request_context("/"):
        refresh()
        assert ngettext("%(num)d tulisan", "%(num)d tulisan", 3) == "3 tulisan"
        assert gettext("Selamat datang, %(name)s", name="Siti") == "Selamat datang, Siti"


def test_templates_follow_the_locale_within_one_request(app):
    """Templates read the catalogue once per request (portal.i18n.request_translations); a locale changed in the
    middle of a request (force_locale, refresh after a language change) is still obeyed."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = '{{ _("Selamat datang, %(name)s", name="<b>") }}|{{ ngettext("%(num)d tulisan", "%(num)d tulisan", 3) }}'
    with app.test_request_context("/"):
        assert render_template_string(template) == "Selamat datang, &lt;b&gt;|3 tulisan"
        with force_locale("en"):
            assert render_template_string(template) == "Welcome, &lt;b&gt;|3 pieces"
        assert render_template_string(template) == "Selamat datang, &lt;b&gt;|3 tulisan"
        session["lang"] = "en"
        refresh()
        assert render_template_string(template) == "Welcome, &lt;b&gt;|3 pieces"
        assert render_template_string("{{ current_locale() }}") == "en"
    with app.app_context():  # no request: the default language, nothing kept
        assert render_template_string(template) == "Selamat datang, &lt;b&gt;|3 tulisan"


def test_template_gettext_keeps_jinja_newstyle_semantics(app):
    """portal.i18n installs its own template callables (one call per ``_()`` instead of three): every form renders
    as Jinja's own newstyle callables render it over the same catalogue, escaped where the template autoescapes
    and not in plain text (mail)."""
    from jinja2 import Environment

    from portal.i18n import request_translations

    sources = [
        '{{ _("Selamat datang, %(name)s", name="<b>") }}',
        '{{ gettext("Selamat datang, %(name)s", name="Siti & Ani") }}',
        '{{ ngettext("%(num)d tulisan", "%(num)d tulisan", 1) }}|{{ ngettext("%(num)d tulisan", "%(num)d tulisan", n) }}',
        '{% trans name="<i>" %}Selamat datang, {{ name }}{% endtrans %}',
        "{% trans count=n %}{{ count }} tulisan{% pluralize %}{{ count }} tulisan <{% endtrans %}",
        '{{ pgettext("menu", "Beranda") }}|{{ npgettext("x", "%(num)d buah", "%(num)d buah", n) }}',
        '{{ _("Naik 100%% & <lebih>") }}|{{ _("Tanpa tanda persen & <apa pun>") }}',  # no variables
        '{{ _("Tanpa tanda persen & <apa pun>") + "<b>" }}',  # marked safe, the added text is escaped, or not
    ]
    with app.test_request_context("/"):
        session["lang"] = "en"
        refresh()
        for autoescape in (True, False, True):  # each twice: once made, once kept (``_plain_messages``)
            reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
            translations = request_translations()
            reference.install_gettext_callables(  # type: ignore[attr-defined]
                translations.ugettext, translations.ungettext, newstyle=True,
                pgettext=translations.upgettext, npgettext=translations.unpgettext)
            portal_env = app.jinja_env.overlay(autoescape=autoescape)
            for source in sources * 2:
                assert portal_env.from_string(source).render(n=3) == reference.from_string(source).render(n=3), source
        assert app.jinja_env.from_string(sources[0]).render() == "Welcome, &lt;b&gt;"
        assert app.jinja_env.overlay(autoescape=False).from_string(sources[0]).render() == "Welcome, <b>"
        # a message given as a value: a lazy string (a role's label) is translated as it is, never kept
        from flask_babel import lazy_gettext
        for _ in range(2):
            assert app.jinja_env.from_string("{{ _(m) }}").render(m=lazy_gettext("Beranda")) == gettext("Beranda")
    assert app.jinja_env.globals["_"].__module__ == "portal.i18n"  # not replaced by an extension set up later


def test_macros_imported_without_context_follow_each_requests_language(app):
    """A template imported without context ({% from "_form.html" import errors_summary %}) is rendered once and kept
    by Jinja for every later request: its messages must still be looked up in each request's language."""
    from flask import render_template_string

    template = '{% from "_form.html" import errors_summary %}{{ errors_summary(form) }}'

    class Form:
        errors = {"x": ["?"]}

        def __contains__(self, name):
            return False

    for lang, expected in (("id", "Periksa kembali isian berikut:"), ("en", "Please check the following:"),
                           ("id", "Periksa kembali isian berikut:")):
        with app.test_request_context("/"):
            session["lang"] = lang
            refresh()
            assert expected in render_template_string(template, form=Form()), lang


# --- the catalogue -----------------------------------------------------------------------------------------------

def test_every_message_has_an_english_translation_with_the_same_placeholders():
    catalog = read_catalog()
    assert catalog.locale and str(catalog.locale) == "en"
    assert catalog.num_plurals == 2
    messages = [m for m in catalog if m.id]
    assert len(messages) > 800
    problems = []
    for m in messages:
        if m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
        for source, translation in forms(m):
            if not (translation or "").strip():
                problems.append(f"untranslated: {source!r}")
            elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                problems.append(f"placeholders differ: {source!r} -> {translation!r}")
    assert not problems, "\n".join(problems)


def as_dict(catalog) -> dict:
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def test_compiled_catalogue_matches_the_po_file():
    """Compile the .po in memory and compare with the committed .mo (mtimes mean nothing after a git checkout)."""
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog())
    compiled.seek(0)
    fresh = as_dict(read_mo(compiled))
    with open(MO, "rb") as fh:
        committed = as_dict(read_mo(fh))
    stale = sorted(str(k) for k in set(fresh) ^ set(committed) | {k for k in fresh if committed.get(k) != fresh[k]})
    assert not stale, "messages.mo is stale; run scripts/update_translations.sh. Differs: " + "; ".join(stale[:20])


def test_catalogue_covers_every_string_in_the_source(tmp_path):
    """Extract exactly as scripts/update_translations.sh does; a new string without an English entry fails here."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "lazy_gettext",
                                "-k", "_l", "-o", str(pot), str(ROOT)])
    with open(pot, "rb") as fh:
        source = {m.id for m in read_po(fh) if m.id}
    assert any(isinstance(i, str) and i == "Masuk" for i in source)  # templates were extracted
    assert "Kata sandi" in source  # and Python (lazy_gettext) too
    translated = {m.id for m in read_catalog() if m.id}
    missing = sorted(str(i) for i in source - translated)
    assert not missing, "run scripts/update_translations.sh and translate: " + "; ".join(missing)


def test_strings_translated_as_variables_are_listed_for_extraction():
    """errors.py and the home sections pass variables to gettext; runtime_strings.py must list every one of them."""
    from portal.errors import MESSAGES

    catalog = read_catalog()
    needed = {s for pair in MESSAGES.values() for s in pair}
    # The header's and the home's section and role labels (portal/home/sections.py marks them with N_).
    needed |= set(re.findall(r'N_\("([^"]+)"\)', (ROOT / "portal" / "home" / "sections.py").read_text(encoding="utf-8")))
    assert needed
    missing = sorted(s for s in needed if not (catalog.get(s) and catalog.get(s).string))
    assert not missing, "add to portal/translations/runtime_strings.py and run scripts/update_translations.sh: " + \
        "; ".join(missing)


@pytest.mark.parametrize("path", [PO, MO, TRANSLATIONS / "messages.pot"])
def test_catalogue_files_exist(path):
    assert path.is_file() and path.stat().st_size > 1000
