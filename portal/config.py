"""Default settings. ``instance/config.py`` and environment variables override them.

Environment variables read (all optional):
``DATABASE_URL``, ``SECRET_KEY``, ``UPLOAD_DIR``, ``RATELIMIT_STORAGE_URI`` (e.g. ``redis://127.0.0.1:6379``),
``PAGE_CACHE`` (``filesystem``, ``none`` or a ``redis://`` URL),
``TASK_QUEUE_URL`` (``sqlite``, ``sqlite:///PATH`` or a ``redis://`` URL), ``EXPORT_DIR``,
``MAIL_URL`` (``outbox``, ``smtp://...`` or ``smtps://...``), ``MAIL_FROM``, ``PORTAL_BASE_URL``,
``PREFERRED_URL_SCHEME``, ``SESSION_COOKIE_SECURE``, ``BEHIND_PROXY``.
"""
from __future__ import annotations

import click


class ConfigurationError(click.ClickException):
    """A setting the portal cannot work with; the message says which and what to write. Raised while the app is
    made, so it stops start-up; a click exception, so that ``flask --app portal ...`` prints it as one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"Gagal: {self.format_message()}", file=file, err=True)


class DefaultConfig:
    # Database: None means the embedded SQLite file in the instance folder.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled PostgreSQL connection idle this long is checked before use (portal.db.ping_idle_connections).
    DB_PING_IDLE_SECONDS = 5
    # Apply Alembic migrations at start-up (embedded quick start). Production runs `flask db-upgrade`.
    AUTO_MIGRATE = False

    SECRET_KEY: str | None = None  # generated into instance/secret_key when absent
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a panel sitting can last a working day
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
    BEHIND_PROXY = False  # trust one X-Forwarded-* hop (gunicorn behind nginx)

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
    # WTForms' own messages untranslated: it has no Indonesian catalogue and its English one is its source text
    # (one message differs, for a validator the portal does not use); what people read is the portal's own text.
    # Flask-WTF would otherwise look for the catalogue on disk again at every request that builds a form (the
    # default label of a field without one goes through it): 1-2 % of a signed-in page.
    WTF_I18N_ENABLED = False

    # Uploads (photos, media, documents). None means instance/uploads.
    UPLOAD_DIR: str | None = None
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024  # whole request; per-file limits below
    PHOTO_MAX_BYTES = 15 * 1024 * 1024
    PHOTO_MIN_SHORT_SIDE = 480
    PHOTO_MIN_LONG_SIDE = 640
    PHOTO_MAX_PIXELS = 50_000_000  # decompression-bomb guard (a 12 MP phone photo is far below)
    # The stored "original" is scaled down to this long side (a 12 MP phone photo becomes 3 MP, decoded at half scale): enough for
    # print and zoom, and it lets the JPEG decoder work at reduced scale, which keeps uploads fast.
    PHOTO_ORIGINAL_LONG_SIDE = 2000
    PHOTO_DISPLAY_LONG_SIDE = 1600
    PHOTO_THUMB_LONG_SIDE = 400
    PHOTOS_MIN = 2
    PHOTOS_MAX = 5
    MEDIA_MAX_BYTES = 500 * 1024 * 1024
    PIECE_MAX_BYTES = 600 * 1024 * 1024
    MEDIA_MIN_SECONDS = 15 * 60
    DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    # Word import (portal/submissions/word_import.py): a .docx is untrusted input, converted in its own process.
    WORD_MAX_BYTES = 40 * 1024 * 1024  # the uploaded .docx (a text with five phone photos fits)
    WORD_MAX_PARTS = 1000  # members of the zip (a long document with pictures has a few dozen)
    WORD_MAX_UNPACKED_BYTES = 120 * 1024 * 1024  # all members unpacked: a zip bomb stops here, before converting
    WORD_MAX_IMAGES = 20  # pictures read from one document; later ones are only counted
    WORD_CONVERT_SECONDS = 30  # the converting process is killed after this long
    WORD_CONVERT_MEMORY_BYTES = 1024 * 1024 * 1024  # address-space limit of the converting process
    WORD_IMPORT_MAX_AGE_SECONDS = 3600  # a converted document waits this long for the writer's review
    # Restore (portal/backup_format.py): the most one member of a backup zip and the whole backup may unpack to.
    # A member must hold the largest upload (MEDIA_MAX_BYTES) and the largest table as JSON lines.
    RESTORE_MAX_MEMBER_BYTES = 2 * 1024 * 1024 * 1024
    RESTORE_MAX_TOTAL_BYTES = 200 * 1024 * 1024 * 1024
    MIN_WORDS = 500

    # Panels
    PANEL_MIN_CITY = 3
    PANEL_MIN_PROVINCE = 3
    PANEL_MIN_NATIONAL = 5
    RECUSE_SAME_CITY_AT_PROVINCE = True

    # Rate limits (Flask-Limiter). memory:// only suits one process; set a redis:// URI for gunicorn.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # When the storage (Redis) does not answer, each worker counts in its own memory, logs a warning and asks the
    # storage again after 1, 2, 4 ... 32 s: the limits loosen (one count per worker) but never lock everybody out.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True  # a storage error while counting is logged, never answered with a 500
    # An unreachable Redis must fail fast rather than hold each request for the system's connect timeout.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    # Sign-in (OWASP ASVS 2.2.1): failed attempts per account (the typed email, whether or not it exists), and
    # all attempts per address, high enough for an office of 30 behind one NAT address signing in together.
    LOGIN_RATE_LIMIT_ACCOUNT = "10 per minute; 100 per hour"
    LOGIN_RATE_LIMIT_ADDRESS = "60 per minute"
    LOGIN_RATE_LIMIT: str | None = None  # the older name of LOGIN_RATE_LIMIT_ADDRESS; when set it replaces it
    COMMENT_RATE_LIMIT = "5 per minute"

    PASSWORD_MIN_LENGTH = 8
    SET_PASSWORD_TOKEN_HOURS = 72

    # Letters
    LETTER_CITY_KMW = "Konsultan Manajemen Wilayah"
    LETTER_CITY_KMP = "Konsultan Manajemen Pusat"

    PUBLIC_CACHE_SECONDS = 300
    # Shift the portal's calendar (portal/clock.py): training servers and the browser month test only.
    CLOCK_SHIFT_SECONDS = 0
    # Server-side cache of the public pages for anonymous readers (portal/page_cache.py): "filesystem"
    # (a diskcache database in instance/page_cache, shared by the workers of one server), a redis:// URL,
    # "simple" or "none".
    PAGE_CACHE = "filesystem"
    PAGE_CACHE_DIR: str | None = None
    PAGE_CACHE_SIZE_MB = 512  # "filesystem": beyond this, the pages stored longest ago go first
    PAGE_CACHE_THRESHOLD = 5000  # "simple": entries kept before the oldest are pruned

    # Background jobs (portal/tasks.py, portal/jobs.py): the task queue the consumers (`flask worker`) read:
    # "sqlite" (instance/task_queue.db: one machine), "sqlite:///PATH" or "redis://host:6379/0" (several machines).
    TASK_QUEUE_URL = "sqlite"
    TASK_QUEUE_NAME = "bp-portal"  # several portals may share one Redis under different names
    JOB_LEASE_SECONDS = 120  # a running job whose consumer has not reported for this long is taken back
    JOB_MAX_ATTEMPTS = 3  # attempts before a job is shown as failed
    JOB_RETRY_DELAY_SECONDS = 10  # after an attempt that raised an error
    # Finished bundles; None means instance/exports. A folder shared by all machines when consumers run on several.
    EXPORT_DIR: str | None = None
    EXPORT_MAX_AGE_SECONDS = 24 * 3600
    BUNDLE_PIECE_DELAY_SECONDS = 0  # tests only: a pause after each piece, to stop a consumer mid-bundle
    BOOK_FONT_DIR = "/usr/share/fonts/truetype/dejavu"  # the anthology's embedded fonts (Debian fonts-dejavu-core)
    BOOK_PRINT_DPI = 150  # the anthology PDF's photos at their printed size (memory and file size grow with it)

    # Mail (portal/mail/): "outbox" stores messages and shows them to administrators without sending them;
    # "smtp://user:pass@host:587" (STARTTLS) or "smtps://user:pass@host:465" (implicit TLS) sends them through a
    # queue consumer. PORTAL_BASE_URL is the public address the links in mail point to.
    SCHEDULE_ENABLED = True  # the consumers run the cycle's scheduled steps (portal/schedule/)
    SCHEDULE_LEASE_SECONDS = 300  # a scheduled step whose consumer died is run again after this
    SCHEDULE_MAX_ATTEMPTS = 3  # consumers lost on one step before it is shown failed
    MAIL_URL = "outbox"
    MAIL_FROM = "Portal Best Practice <noreply@localhost>"
    PORTAL_BASE_URL: str | None = None
    MAIL_TLS_CA_FILE: str | None = None  # a CA bundle for a server whose certificate the system does not trust
    MAIL_TIMEOUT_SECONDS = 30
    MAIL_BATCH_SIZE = 100  # messages sent over one SMTP connection
    MAIL_LEASE_SECONDS = 300  # a message claimed by a consumer that died is sent by another after this
    MAIL_RETRY_FIRST_SECONDS = 60  # after a temporary failure: 1, 2, 4 ... minutes
    MAIL_RETRY_MAX_SECONDS = 3600  # at most an hour between attempts
    MAIL_GIVE_UP_HOURS = 26  # temporary failures for this long make the message failed
    MAIL_DIGEST_HOUR = 17  # the local hour (the user's province) from which the day's digest is mailed
    MAIL_UNSUBSCRIBE_MAX_AGE_DAYS = 180  # an unsubscribe link older than this asks to use a newer message's
    # Self-service password reset: per address (IP) and per typed email, whether or not the account exists.
    PASSWORD_RESET_RATE_LIMIT_ADDRESS = "10 per hour"
    PASSWORD_RESET_RATE_LIMIT_EMAIL = "3 per hour"
    PASSWORD_RESET_TOKEN_HOURS = 2


class TestConfig(DefaultConfig):
    TESTING = True
    WTF_CSRF_ENABLED = False  # tests that check CSRF turn it back on
    RATELIMIT_ENABLED = False
    PAGE_CACHE = "simple"  # one per app: tests never see each other's pages
    PHOTO_MIN_SHORT_SIDE = 480
    SECRET_KEY = "test-secret-key-not-for-production"
    SERVER_NAME = None
    SCHEDULE_ENABLED = False  # tests of other features do not want the cycle acting by itself; schedule tests do
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # fast in tests; production keeps Werkzeug's default scrypt cost
