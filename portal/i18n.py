"""Locale and time-zone selection: Indonesian by default, English on request."""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, session
from flask.globals import _cv_app  # the application context's variable, which Flask's own ``g`` proxy reads
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    from portal.permissions import home_timezone

    if getattr(current_user, "is_authenticated", False):
        return home_timezone(current_user)
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_locale() -> str:
    """The request's language code; Flask-Babel chooses it once per request (templates ask for it often)."""
    if not has_request_context():
        return "id"
    kept = _kept_for_locale("portal_locale_code")
    if kept is not None:
        return kept
    locale = get_locale()
    code = str(locale) if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
    _keep_for_locale("portal_locale_code", code)
    return code


def request_translations():
    """The request's message catalogue, looked up once per request and locale.

    Flask-Babel's own ``gettext`` finds the catalogue anew at every call (the request context, the domain, the
    locale and its identifier: about 8 context-local look-ups); a page calls it 50 to 100 times. The kept copy
    is tied to the locale object Flask-Babel chose, so ``flask_babel.refresh`` and ``force_locale`` (which
    replace that object) are obeyed."""
    if not has_request_context():  # a command or a background job: Flask-Babel as it is
        return get_translations()
    kept = _kept_for_locale("portal_translations")
    if kept is not None:
        return kept
    translations = get_translations()
    _keep_for_locale("portal_translations", translations)
    return translations


def _kept_for_locale(name: str):
    # Read through the application context's variable: ``g.get`` through its proxy cost 0.8 microseconds, five
    # times the rest, and a page asks 50 to 100 times (every ``_()``, every date and number).
    app_ctx = _cv_app.get(None)
    ctx = app_ctx.g.__dict__.get("_flask_babel") if app_ctx is not None else None
    if ctx is None:
        return None
    kept = ctx.__dict__.get(name)
    if kept is None or kept[0] is not ctx.__dict__.get("babel_locale"):
        return None
    return kept[1]


def _keep_for_locale(name: str, value) -> None:
    ctx = g.get("_flask_babel")
    locale = ctx.__dict__.get("babel_locale") if ctx is not None else None
    if locale is not None:  # only once Flask-Babel has chosen the locale of this request
        setattr(ctx, name, (locale, value))


def install_template_gettext(app: Flask) -> None:
    """Jinja's ``_()``/``gettext``/``ngettext``/``pgettext``/``npgettext`` read :func:`request_translations` (call
    after ``babel.init_app``, which installs Flask-Babel's slower callables).

    Same behaviour as Jinja's newstyle callables (the message is a format string for the keyword arguments, marked
    safe where the template autoescapes, so that the arguments are escaped), in one call instead of three: Jinja's
    ``_`` looks ``gettext`` up in the context and calls it through the context, and its newstyle ``gettext`` calls
    the catalogue function through the context again. A page says ``_()`` 40 to 100 times."""
    app.jinja_env.newstyle_gettext = True  # {% trans %} blocks pass their variables as keyword arguments
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext,
                                 pgettext=_template_pgettext, npgettext=_template_npgettext)


def _formatted(context: Context, message: str, variables: dict) -> str:
    if context.eval_ctx.autoescape:
        message = Markup(message)
    if not variables and "%" not in message:
        return message  # what formatting would return, without its cost (most messages)
    return message % variables  # always a format string, as in Jinja's newstyle gettext


# A message without variables, as an autoescaping template gets it: (catalogue, message) -> its text, marked safe.
# A catalogue is one object per language for the process (Flask-Babel keeps them), and Markup is immutable.
# Bounded all the same: a template may translate a value it was given.
_plain_messages: dict[tuple[object, str], str] = {}
_PLAIN_MESSAGES_KEPT = 5000


@pass_context
def _template_gettext(__context: Context, __string: str, **variables) -> str:
    translations = request_translations()
    if variables or not __context.eval_ctx.autoescape or type(__string) is not str:  # a lazy string: as it is
        return _formatted(__context, translations.ugettext(__string), variables)
    key = (translations, __string)
    text = _plain_messages.get(key)
    if text is None:
        text = _formatted(__context, translations.ugettext(__string), variables)
        if len(_plain_messages) >= _PLAIN_MESSAGES_KEPT:
            _plain_messages.clear()
        _plain_messages[key] = text
    return text


@pass_context
def _template_ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables) -> str:
    variables.setdefault("num", __num)
    return _formatted(__context, request_translations().ungettext(__singular, __plural, __num), variables)


@pass_context
def _template_pgettext(__context: Context, __string_ctx: str, __string: str, **variables) -> str:
    variables.setdefault("context", __string_ctx)
    return _formatted(__context, request_translations().upgettext(__string_ctx, __string), variables)


@pass_context
def _template_npgettext(__context: Context, __string_ctx: str, __singular: str, __plural: str, __num: int,
                        **variables) -> str:
    variables.setdefault("context", __string_ctx)
    variables.setdefault("num", __num)
    return _formatted(__context, request_translations().unpgettext(__string_ctx, __singular, __plural, __num),
                      variables)


def forget_cached_locale() -> None:
    """Drop Flask-Babel's per-context locale at the start of each request (see ``forget_cached_user``: a
    long-lived application context must not carry one request's language into the next)."""
    g.pop("_flask_babel", None)
