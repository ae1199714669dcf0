"""OpsDesk settings: one module, driven by the environment (see .env.example)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from huey import PostgresHuey, RedisHuey, SqliteHuey

from opsdesk.core.queue import SqliteQueueStorage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_secret(name: str, data_dir: Path) -> str:
    """A secret from the environment, else one generated once and kept in the data folder."""
    if value := os.environ.get(name):
        return value
    path = data_dir / "secret_key"
    if not path.exists():
        import secrets

        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DATA_DIR = Path(env_str("OPSDESK_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("OPSDESK_DEBUG", False)
SECRET_KEY = env_secret("OPSDESK_SECRET_KEY", DATA_DIR)
# Earlier keys, still accepted for what they signed or sealed (sessions, links, IMAP passwords) while a key rotates.
SECRET_KEY_FALLBACKS = env_list("OPSDESK_SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("OPSDESK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("OPSDESK_CSRF_TRUSTED_ORIGINS", "")
# The public address links in mail, webhooks and exports start with; unset, the address a request came to, else the
# one `opsdesk serve`/`demo` listen on (core/site.py). Read it through core.site.absolute_url, never directly.
SITE_URL = env_str("OPSDESK_SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "opsdesk.core",
    "opsdesk.accounts",
    "opsdesk.audit",
    "opsdesk.people",
    "opsdesk.fields",
    "opsdesk.customers",
    "opsdesk.tickets",
    "opsdesk.sla",
    "opsdesk.analytics",
    "opsdesk.messaging",
    "opsdesk.integrations",
    "opsdesk.workforce",
    "opsdesk.routing",
    "opsdesk.automation",
    "opsdesk.quality",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "opsdesk.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "opsdesk.core.site.SiteAddressMiddleware",  # links made while serving a request name the address it came to
    # Who the client is (a lazy user, no body read), then every rate limit, before anything reads the body.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opsdesk.core.limits.ApiJsonErrorsMiddleware",  # the API's 404 and 405 answer JSON too
    "opsdesk.core.limits.BodySizeMiddleware",  # 413 from the headers, before the body is read or counted
    "opsdesk.core.security.RateLimitGuardMiddleware",
    "opsdesk.accounts.middleware.ApiRateLimitMiddleware",
    "opsdesk.core.limits.RequestLimitsMiddleware",  # NUL characters in the query and API text
    "opsdesk.core.origin.OriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "opsdesk.core.middleware.UserPreferencesMiddleware",
    "opsdesk.routing.middleware.ActivityMiddleware",  # an agent's requests keep them online (at most once a minute)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "opsdesk.core.params.InvalidParameterMiddleware",
]
# Benchmarks only (bench/run.py): every response says how many SQL queries it ran, in X-OpsDesk-Queries.
if env_bool("OPSDESK_QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "opsdesk.core.middleware.QueryCountHeaderMiddleware")

# Form widgets render with Django's Jinja2 widget templates: the ticket page's fifteen widgets took 8 ms less a
# request than with the Django template engine (docs/performance.md). Pages stay Django templates.
FORM_RENDERER = "django.forms.renderers.Jinja2"

ROOT_URLCONF = "opsdesk.urls"
ASGI_APPLICATION = "opsdesk.asgi.application"
WSGI_APPLICATION = "opsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# Database: SQLite (WAL, IMMEDIATE transactions, busy timeout) unless DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    # A pool of connections per process (psycopg_pool, ADR 0031). Under ASGI each request's synchronous code runs in
    # a thread of its own, so Django's persistent connections (CONN_MAX_AGE) are never reused: every request opened
    # a new connection (~4 ms here). The pool hands out only healthy connections.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("OPSDESK_DB_POOL_MIN", 2),
            "max_size": env_int("OPSDESK_DB_POOL_MAX", 20),
            "timeout": 20,  # seconds a request waits for a free connection before it fails
        }
        # Parameters bound by the server, so a query's text is the same whatever its values, and psycopg prepares
        # it on a connection after its fifth run: later runs skip parsing and analysis. Each run is still planned
        # for its own values (plan_cache_mode): a generic plan, which PostgreSQL may otherwise keep after five runs,
        # made the search of a rare word 13 times slower (64 -> 832 ms p95). Behind a transaction-mode pooler
        # (PgBouncer), OPSDESK_DB_PREPARE=0.
        if env_bool("OPSDESK_DB_PREPARE", True):
            options = DATABASES["default"]["OPTIONS"]
            options.update({"server_side_binding": True, "prepare_threshold": 5})
            options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_custom_plan".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "opsdesk.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA cache_size=-32000"
                ),
            },
            # Tests use a file too, not SQLite's shared in-memory database: a worker process, a second thread
            # and a killed process meet the same database and the same locks as in production.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
# Names in Redis (cache keys, the job queue, live-chat channels) start with this, so installs can share one Redis.
REDIS_PREFIX = env_str("OPSDESK_REDIS_PREFIX", "opsdesk")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs (docs/adr/0002-background-jobs-huey.md).
HUEY_IMMEDIATE = env_bool("OPSDESK_JOBS_IMMEDIATE", False)
if REDIS_URL:
    HUEY = RedisHuey(REDIS_PREFIX, url=REDIS_URL, immediate=HUEY_IMMEDIATE)
elif DATABASE_URL.startswith("postgres"):
    HUEY = PostgresHuey("opsdesk", dsn=DATABASE_URL, immediate=HUEY_IMMEDIATE)
else:
    HUEY = SqliteHuey(
        "opsdesk",
        filename=str(DATA_DIR / "jobs.sqlite3"),
        immediate=HUEY_IMMEDIATE,
        storage_class=SqliteQueueStorage,  # synchronous=NORMAL, like the main database (core/queue.py)
    )

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if env_bool("OPSDESK_FAST_HASHER", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("OPSDESK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fi", "Suomi"),
    ("sv", "Svenska"),
    ("ru", "Русский"),
    ("el", "Ελληνικά"),
]
LOCALE_PATHS = [BASE_DIR / "opsdesk" / "locale"]
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["opsdesk.formats"]
TIME_ZONE = "UTC"
OPSDESK_DEFAULT_TIME_ZONE = env_str("OPSDESK_DEFAULT_TIME_ZONE", "Europe/Helsinki")
# Analytics (docs/adr/0026-kpi-rollups.md): reporting days are cut in this zone (METRICS.md §0). Changing it needs a
# rebuild of the rollups (`opsdesk analytics-rebuild`).
OPSDESK_REPORTING_TIME_ZONE = env_str("OPSDESK_REPORTING_TIME_ZONE", OPSDESK_DEFAULT_TIME_ZONE)
# Requests a minute from one address to read-only dashboard links (analytics/views/sharing.py).
OPSDESK_SHARED_DASHBOARD_RATE_LIMIT = env_int("OPSDESK_SHARED_DASHBOARD_RATE_LIMIT", 60)

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env_str("OPSDESK_MEDIA_DIR", str(DATA_DIR / "attachments")))
# Attachments are never served from a public URL: a view checks access first.
MEDIA_URL = "/attachments-not-public/"
S3_BUCKET = env_str("OPSDESK_S3_BUCKET", "")
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("OPSDESK_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("OPSDESK_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("OPSDESK_S3_REGION", "") or None,
            "access_key": env_str("OPSDESK_S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("OPSDESK_S3_SECRET_KEY", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

OPSDESK_MAX_ATTACHMENT_BYTES = env_int("OPSDESK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
OPSDESK_ATTACHMENT_TYPES = env_list(
    "OPSDESK_ATTACHMENT_TYPES",
    "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,"
    "application/zip,application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,message/rfc822",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = OPSDESK_MAX_ATTACHMENT_BYTES + 1024 * 1024
# Whole request bodies (core/limits.py): refused with a 413 as they arrive, before they are read or stored. Signed-in
# users and API tokens may send a few attachments at once; visitors (the contact form) one.
OPSDESK_MAX_REQUEST_BYTES = env_int("OPSDESK_MAX_REQUEST_BYTES", 5 * OPSDESK_MAX_ATTACHMENT_BYTES + 1024 * 1024)
OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES = env_int(
    "OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES", OPSDESK_MAX_ATTACHMENT_BYTES + 1024 * 1024
)
# Inbound email (messaging): a raw message above this is refused by every transport (SMTP 552, API 413).
OPSDESK_MAX_EMAIL_BYTES = env_int("OPSDESK_MAX_EMAIL_BYTES", 40 * 1024 * 1024)
# Inbound email from one sender above this many an hour is treated as automatic (a loop): it is added to its
# ticket without notifications, or kept aside instead of opening a new ticket (ADR 0015). 0 turns the limit off.
OPSDESK_EMAIL_SENDER_RATE_LIMIT = env_int("OPSDESK_EMAIL_SENDER_RATE_LIMIT", 20)
# IMAP polling (docs/adr/0016-email-transports.md): a CA file to trust besides the system's (a private server's
# certificate); the periodic job leaves a mailbox alone while `opsdesk poll-mail` keeps it fresher than this.
OPSDESK_IMAP_CA_FILE = env_str("OPSDESK_IMAP_CA_FILE", "")
OPSDESK_IMAP_POLL_SECONDS = env_int("OPSDESK_IMAP_POLL_SECONDS", 60)
OPSDESK_CONTACT_RATE_LIMIT = env_int("OPSDESK_CONTACT_RATE_LIMIT", 5)  # per IP and 10 minutes
OPSDESK_SIGN_IN_LINK_MINUTES = env_int("OPSDESK_SIGN_IN_LINK_MINUTES", 30)
# How long the link in a request's acknowledgement lets a sender without a portal login read and answer it.
OPSDESK_FOLLOW_LINK_DAYS = env_int("OPSDESK_FOLLOW_LINK_DAYS", 90)
OPSDESK_FOLLOW_RATE_LIMIT = env_int("OPSDESK_FOLLOW_RATE_LIMIT", 60)  # follow-link visits and replies, per IP, 10 min
OPSDESK_SURVEY_RATE_LIMIT = env_int("OPSDESK_SURVEY_RATE_LIMIT", 60)  # survey link visits and answers, per IP, 10 min
# Live chat (docs/adr/0017-live-chat.md): chats a client IP may start in 10 minutes, and widget requests (messages,
# typing, transcript, end) per IP a minute; each chat also has its own flood limits (messaging/chat/widget_views.py).
OPSDESK_CHAT_START_RATE_LIMIT = env_int("OPSDESK_CHAT_START_RATE_LIMIT", 10)
OPSDESK_CHAT_RATE_LIMIT = env_int("OPSDESK_CHAT_RATE_LIMIT", 300)
# Seconds a chat may wait with no agent taking it before the widget tells the visitor the answer will come by email
# (the chat stays in the queue and its ticket open: an agent may still take it, or answer the ticket by mail).
OPSDESK_CHAT_UNANSWERED_AFTER = env_int("OPSDESK_CHAT_UNANSWERED_AFTER", 120)
OPSDESK_API_RATE_LIMIT = env_int("OPSDESK_API_RATE_LIMIT", 600)  # API requests per account (or address) a minute
OPSDESK_WEBFORM_RATE_LIMIT = env_int("OPSDESK_WEBFORM_RATE_LIMIT", 5)  # web form posts per IP and 10 minutes
OPSDESK_TELEPHONY_RATE_LIMIT = env_int("OPSDESK_TELEPHONY_RATE_LIMIT", 600)  # telephony webhook posts per IP a minute
# Webhooks and chat channels (docs/webhooks.md): hosts, addresses or networks outbound calls may reach although they
# are internal (loopback, private, link-local…); empty: public addresses only. Inbound hook posts per IP a minute.
OPSDESK_WEBHOOK_ALLOWED_HOSTS = env_list("OPSDESK_WEBHOOK_ALLOWED_HOSTS", "")
OPSDESK_INBOUND_HOOK_RATE_LIMIT = env_int("OPSDESK_INBOUND_HOOK_RATE_LIMIT", 600)
OPSDESK_WEBFORM_TOKEN_SECONDS = env_int("OPSDESK_WEBFORM_TOKEN_SECONDS", 4 * 3600)  # how long a shown form can be sent
# Sign-in (docs/adr/0010-sign-in-security-csp-rate-limits.md): failures per address and per account, then a pause.
OPSDESK_SIGN_IN_FAILURES_PER_ADDRESS = env_int("OPSDESK_SIGN_IN_FAILURES_PER_ADDRESS", 20)  # per 10 minutes
OPSDESK_SIGN_IN_FAILURES_PER_ACCOUNT = env_int("OPSDESK_SIGN_IN_FAILURES_PER_ACCOUNT", 10)  # per 15 minutes
OPSDESK_PASSWORD_RESET_MINUTES = env_int("OPSDESK_PASSWORD_RESET_MINUTES", 60)
OPSDESK_PASSWORD_SETUP_HOURS = env_int("OPSDESK_PASSWORD_SETUP_HOURS", 72)  # the link a new staff member gets

EMAIL_BACKEND = env_str(
    "OPSDESK_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("OPSDESK_SMTP_HOST", "")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"
EMAIL_HOST = env_str("OPSDESK_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("OPSDESK_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("OPSDESK_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("OPSDESK_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("OPSDESK_SMTP_TLS", False)
# Seconds an SMTP conversation may hang; keep it well under the outbox lease (5 minutes, core/outbox.py).
EMAIL_TIMEOUT = env_int("OPSDESK_SMTP_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("OPSDESK_FROM_EMAIL", "support@opsdesk.localhost")
# The files of an outgoing mail are read when it is sent, by this loader (ids -> [(filename, bytes, type)]).
OPSDESK_MAIL_ATTACHMENTS = "opsdesk.tickets.notifications.attachment_files"

# Readers of the ticket event log (tickets.consumers): name -> handler(events) by dotted path.
OPSDESK_EVENT_CONSUMERS = {
    "analytics.event_counts": "opsdesk.analytics.consumers.count_events",
    "analytics.kpis": "opsdesk.analytics.consumers.update_kpis",
    "sla.clocks": "opsdesk.sla.consumers.track",
    "automation.rules": "opsdesk.automation.consumers.run_rules",
    "integrations.webhooks": "opsdesk.integrations.consumers.send_webhooks",
    "routing.assign": "opsdesk.routing.consumers.assign",
    "quality.surveys": "opsdesk.quality.consumers.schedule_surveys",
}
# Language detection of customers' messages (messaging/language.py, docs/adr/0019-language-detection.md): the ISO
# 639-1 codes lingua chooses from, at least two; empty turns detection off. Each adds memory to the worker (about
# 30 MB a language, preloaded when it starts); the web processes never build the detector.
OPSDESK_DETECT_LANGUAGES = env_list("OPSDESK_DETECT_LANGUAGES", "en,fi,sv,ru,el,de,fr,es,et,da,nb")
if OPSDESK_DETECT_LANGUAGES:
    OPSDESK_EVENT_CONSUMERS["messaging.language"] = "opsdesk.messaging.consumers.detect_languages"
# Events a consumer takes in one transaction (default 500). Each batch holds SQLite's write lock while it runs, so a
# consumer that spends CPU time on every event takes small ones: detecting a backlog's languages 500 events at a time
# kept other writers waiting past their busy timeout ("database is locked") on a slow machine.
OPSDESK_EVENT_CONSUMER_BATCH = {
    "messaging.language": 50,
    "sla.clocks": 200,
    "routing.assign": 100,
    "automation.rules": 200,
    "analytics.kpis": 200,
}
# Routing (docs/adr/0024-routing.md): the default capacity per channel group for agents and teams without their own;
# an agent idle this long goes away, then offline; activity is written at most once per this many seconds a user
# (0 turns activity tracking off).
OPSDESK_ROUTING_CAPACITY = {"tickets": 10, "chat": 2, "phone": 1}
OPSDESK_ROUTING_AWAY_SECONDS = env_int("OPSDESK_ROUTING_AWAY_SECONDS", 600)
OPSDESK_ROUTING_OFFLINE_SECONDS = env_int("OPSDESK_ROUTING_OFFLINE_SECONDS", 1800)
# Workforce: after-contact work counted after each chat or call while the agent is otherwise available (METRICS §6.5)
OPSDESK_ACW_SECONDS = env_int("OPSDESK_ACW_SECONDS", 60)
# ...and the grace at each planned activity's start within which any state counts as adhering
OPSDESK_ADHERENCE_GRACE_SECONDS = env_int("OPSDESK_ADHERENCE_GRACE_SECONDS", 60)
OPSDESK_ROUTING_ACTIVITY_SECONDS = env_int("OPSDESK_ROUTING_ACTIVITY_SECONDS", 60)
# Run by `opsdesk worker` before its threads start (core/management/commands/worker.py): work that holds Python's
# lock for seconds must not stall a thread's open database transaction.
OPSDESK_WORKER_PRELOAD = ["opsdesk.messaging.language.preload_for_worker"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # a 403 is an expected refusal: one line (method, path, user id, reason), not a traceback; 500s keep theirs
    "filters": {"one_line_forbidden": {"()": "opsdesk.core.logs.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["one_line_forbidden"]}},
    "root": {"handlers": ["console"], "level": env_str("OPSDESK_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
