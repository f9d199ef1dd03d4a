"""The best-practice portal: a Flask application factory made of small ``register_*`` steps."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask.globals import _cv_request  # the request context's variable, which Flask's own ``request`` reads

from portal import clock, demo_photos, jobs, mail, notifications, page_cache, schedule, tasks, wsgi_cache
from portal import db as portal_db
from portal.accounts import bp as accounts_bp
from portal.admin_audit import bp as audit_bp
from portal.anthology import bp as anthology_bp
from portal.anthology import jobs as anthology_jobs
from portal.auth import bp as auth_bp
from portal.auth.cookie_session import CookieSessionInterface
from portal.auth.reset import bp as password_reset_bp
from portal.auth.sessions import configure_login_manager, forget_cached_user
from portal.cli import register_cli
from portal.config import ConfigurationError, DefaultConfig, TestConfig
from portal.elearning import bp as elearning_bp
from portal.errors import install_error_handlers
from portal.extensions import babel, csrf, db, init_limiter, login_manager
from portal.header import install_page_header
from portal.home import bp as home_bp
from portal.i18n import forget_cached_locale, install_template_gettext, select_locale, select_timezone
from portal.ids import IdConverter
from portal.mail import bp as mail_bp
from portal.mail import settings as mail_settings
from portal.mail.admin import bp as outbox_admin_bp
from portal.notifications import bp as notifications_bp
from portal.org import bp as org_bp
from portal.panels import bp as panels_bp
from portal.period import PeriodConverter
from portal.reports import bp as reports_bp
from portal.reports import jobs as bundle_jobs
from portal.rewards import bp as rewards_bp
from portal.rubric_admin import bp as rubric_bp
from portal.schedule.admin import bp as schedule_admin_bp
from portal.security import install_security_headers
from portal.submissions import bp as submissions_bp
from portal.subscribers import register_subscribers
from portal.templating import install_template_helpers

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
# A wheel ships the checkout's top-level templates/ and static/ inside the package (see pyproject.toml); a source
# checkout (editable install) has them beside the package.
INSTALLED = (PACKAGE / "templates").is_dir()
TEMPLATES = (PACKAGE if INSTALLED else CHECKOUT) / "templates"
STATIC = (PACKAGE if INSTALLED else CHECKOUT) / "static"


def default_instance_path() -> str | None:
    """The checkout's ``instance/``; for an installed wheel None, i.e. Flask's ``<prefix>/var/portal-instance``."""
    return None if INSTALLED else str(CHECKOUT / "instance")


class Portal(Flask):
    """Flask, with two answers it works out again at every call kept per worker.

    - ``ensure_sync``: Flask passes each before/after/teardown hook, each view and each error handler through it
      at every call, which asks ``inspect`` whether it is a coroutine function: thirteen times per signed-in
      request, 3 % of what it costs before its view runs. The answer cannot change for a function, so it is kept
      (for the portal's few hundred hooks and views; past ``_SYNC_KEPT`` functions it is asked again).
    - ``url_for`` within a request, for a link on this site (no ``_external``, ``_scheme``, ``_anchor`` or
      ``_method``): Werkzeug finds the rule and converts each value again for every link, 9 to 22 links a page
      (4-7 % of a page). The same endpoint and values under the same application root give the same path (the
      portal has no URL-default hooks and no host or subdomain rules), so the path is kept, per application root
      and, for a blueprint-relative endpoint (".name"), per blueprint. At most ``_URLS_KEPT`` are kept; then the
      memory starts afresh. A link that cannot be built raises as before and is not kept.
    """

    _SYNC_KEPT = 2000
    _URLS_KEPT = 20000

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict = {}
        self._urls: dict = {}

    def url_for(self, endpoint, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        request_ctx = _cv_request.get(None)  # what ``request`` reads, without its proxy (0.75 microseconds)
        if _external or _scheme is not None or _anchor is not None or _method is not None \
                or self.url_default_functions or request_ctx is None:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        asked = request_ctx.request
        key = (asked.script_root, asked.blueprint if endpoint[:1] == "." else None, endpoint,
               *sorted(values.items()))
        try:
            url = self._urls.get(key)
        except TypeError:  # a value that cannot be a key (a list for a repeated query argument)
            return super().url_for(endpoint, _external=_external, **values)
        if url is None:
            url = super().url_for(endpoint, _external=_external, **values)
            if len(self._urls) >= self._URLS_KEPT:
                self._urls.clear()
            self._urls[key] = url
        return url

    def ensure_sync(self, func):
        try:
            return self._sync[func]
        except KeyError:
            made = super().ensure_sync(func)
            if len(self._sync) < self._SYNC_KEPT:
                self._sync[func] = made
            return made
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


def create_app(config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app. ``config`` (tests) overrides instance/config.py, which overrides the defaults."""
    app = Portal(
        __name__,
        instance_path=instance_path or os.environ.get("PORTAL_INSTANCE_PATH") or default_instance_path(),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    load_config(app, config)
    clock.set_shift(app.config["CLOCK_SHIFT_SECONDS"])
    register_extensions(app)
    register_url_converters(app)  # before the blueprints add their rules
    register_subscribers(app)
    register_task_queue(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config["AUTO_MIGRATE"]:
        with app.app_context():
            portal_db.upgrade_database()
    return app


def load_config(app: Flask, overrides: dict | None) -> None:
    app.config.from_object(DefaultConfig)
    if overrides and overrides.get("TESTING"):
        app.config.from_object(TestConfig)
    else:
        app.config.from_pyfile("config.py", silent=True)
    for key in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR", "RATELIMIT_STORAGE_URI", "PREFERRED_URL_SCHEME",
                "PAGE_CACHE", "TASK_QUEUE_URL", "EXPORT_DIR", "MAIL_URL", "MAIL_FROM", "PORTAL_BASE_URL"):
        if os.environ.get(key):
            app.config["SQLALCHEMY_DATABASE_URI" if key == "DATABASE_URL" else key] = os.environ[key]
    for key in ("SESSION_COOKIE_SECURE", "BEHIND_PROXY", "AUTO_MIGRATE", "SCHEDULE_ENABLED"):
        if os.environ.get(key):
            app.config[key] = os.environ[key].lower() in ("1", "true", "yes")
    if os.environ.get("CLOCK_SHIFT_SECONDS"):
        app.config["CLOCK_SHIFT_SECONDS"] = int(os.environ["CLOCK_SHIFT_SECONDS"])
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'portal.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    check_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["REMEMBER_COOKIE_SECURE"] = True
    mail_settings.check_settings(app)  # a malformed MAIL_URL stops the start-up here


def check_database_url(url: str) -> None:
    """Stop start-up with a clear message when ``DATABASE_URL`` names no database the portal can use."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    hint = "tulis misalnya sqlite:///instance/portal.db atau postgresql://user@host:5432/bp"
    try:
        make_url(url).get_dialect().import_dbapi()  # the driver too: a missing package is said here, not later
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise ConfigurationError(f"DATABASE_URL tidak dapat dipakai ({exc}); {hint}.") from None
    except ImportError as exc:
        raise ConfigurationError(f"DATABASE_URL memerlukan paket yang tidak terpasang ({exc}); {hint}.") from None


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 15})
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://"):  # psycopg 3, not psycopg2
        options["connect_args"] = {"cursor_factory": portal_db.psycopg_cursor_factory(),
                                   **options.get("connect_args", {})}
    # compiled statements found by their key object first (portal.db.CompiledCache); one cache per engine
    options["execution_options"] = {"compiled_cache": portal_db.CompiledCache(),
                                    **options.get("execution_options", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    app.session_interface = CookieSessionInterface()
    db.init_app(app)
    portal_db.end_request_sessions(app, db)  # after db.init_app: runs before its session teardown
    with app.app_context():
        portal_db.ping_idle_connections(db.engine, app.config["DB_PING_IDLE_SECONDS"])
    portal_db.register_sqlite_pragmas()
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)
    init_limiter(app)
    login_manager.init_app(app)
    configure_login_manager(login_manager)
    page_cache.init_app(app)
    wsgi_cache.install(app)  # before ProxyFix below, which then wraps it: the cache key sees the forwarded host
    app.before_request(forget_cached_user)
    app.before_request(forget_cached_locale)
    if app.config["BEHIND_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def register_url_converters(app: Flask) -> None:
    """Before any blueprint adds its rules (a rule takes its converters when it is added): ``<int:...>`` ids stop
    at what the database holds (a larger one is a 404, ``portal.ids``); ``<period:...>`` gives the view a
    ``Period`` (a malformed month is a 404)."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["period"] = PeriodConverter


def register_task_queue(app: Flask) -> None:
    """The task queue (checked now: a malformed TASK_QUEUE_URL stops the start-up), the background job kinds, mail
    delivery and the scheduled steps of the cycle."""
    tasks.init_app(app)
    jobs.init_app(app, kinds={bundle_jobs.KIND: bundle_jobs.build, demo_photos.KIND: demo_photos.build,
                              anthology_jobs.KIND: anthology_jobs.build})
    mail.init_app(app)
    schedule.init_app(app)
    notifications.init_app(app)


def register_blueprints(app: Flask) -> None:
    for bp in (home_bp, auth_bp, password_reset_bp, org_bp, accounts_bp, rubric_bp, audit_bp, submissions_bp,
               panels_bp, elearning_bp, reports_bp, mail_bp, outbox_admin_bp, schedule_admin_bp, notifications_bp,
               anthology_bp, rewards_bp):
        app.register_blueprint(bp)


def register_security(app: Flask) -> None:
    install_security_headers(app)


def register_errorhandlers(app: Flask) -> None:
    install_error_handlers(app)


def register_template_helpers(app: Flask) -> None:
    install_template_helpers(app)
    install_page_header(app)


def register_commands(app: Flask) -> None:
    register_cli(app)
