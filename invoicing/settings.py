"""One settings module, read from the environment.

Every value comes from an environment variable with a safe development default. A value that
is present but malformed stops the process at start-up (ImproperlyConfigured) instead of being
silently replaced by a default.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from invoicing.api_schema import API_SCHEMA_SETTINGS
from invoicing.environment import (
    ecf_key_encryption_keys,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_timeout,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "django-insecure-development-only-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a real secret of 50+ characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "invoicing.core.views.csrf_failure"

# HTTPS hardening: on by default in production, each switch overridable from the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Behind the proxy, the client is the rightmost X-Forwarded-For hop not in these networks
# (further proxies of your own, e.g. a load balancer in front of the TLS proxy).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _network in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_network!r} is not an IP address or network.") from None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "accounts",
    "workspaces",
    "invoicing.core",
    "invoicing.contacts",
    "invoicing.products",
    "invoicing.fiscal",
    "invoicing.documents",
    "invoicing.invoices",
    "invoicing.notes",
    "invoicing.quotations",
    "invoicing.ecf",
    "invoicing.reports",
    "invoicing.outreach",
    "invoicing.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "invoicing.core.headers.SecurityHeadersMiddleware",
    "invoicing.core.limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workspaces.middleware.ActiveWorkspaceMiddleware",
]

ROOT_URLCONF = "invoicing.urls"
WSGI_APPLICATION = "invoicing.wsgi.application"
ASGI_APPLICATION = "invoicing.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspaces.context_processors.workspace",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# The embedded default is SQLite so `make run` works on a bare machine. Transactions open as
# IMMEDIATE there, so the numbering code (select_for_update is a no-op on SQLite) still takes
# the write lock before it reads the counter.
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / env_str("SQLITE_NAME", "db.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
    # The reports' covering index (INCLUDE columns) is a PostgreSQL feature; on the embedded
    # SQLite it is a plain index, which is all a demo needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})
    if test_db_name := env_str("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = test_db_name

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: cache and Celery ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://")
if not DEBUG and not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DEBUG is off: without it Celery tasks (PDFs, stock) run "
        "inside web requests and each process keeps its own cache and login throttle.")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "invoicing"),
            # An unreachable Redis must cost a request seconds, not minutes: callers that
            # can do without the cache (the login throttle) fall back when it errors.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host: kombu warns without one
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "America/Santo_Domingo"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# With a broker, PDFs are rendered by a worker after each change; in the embedded default
# (tasks run in the request) they are rendered on first request instead, so issuing stays fast.
PDF_RENDER_IN_BACKGROUND = env_bool("PDF_RENDER_IN_BACKGROUND", bool(REDIS_URL))
# The outbox (invoicing/core/outbox.py): a failed effect is retried after base × 2^(n-1)
# seconds (at most the max); a message handed to the broker but still pending after
# REPUBLISH_AFTER seconds is published again by the sweep.
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 10)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)
OUTBOX_REPUBLISH_AFTER_SECONDS = env_int("OUTBOX_REPUBLISH_AFTER_SECONDS", 60)
OUTBOX_COUNTDOWN_MAX = env_int("OUTBOX_COUNTDOWN_MAX", 300)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "outbox-sweep": {
        "task": "outbox.sweep",
        "schedule": timedelta(seconds=env_int("OUTBOX_SWEEP_SECONDS", 30)),
    },
    "quotations-expire": {
        "task": "quotations.expire_due",
        "schedule": timedelta(hours=1),
    },
    "outreach-reminders": {"task": "outreach.send_reminders", "schedule": timedelta(hours=1)},
    "outreach-recurring": {"task": "outreach.run_recurring", "schedule": timedelta(hours=1)},
    "webhooks-prune": {"task": "webhooks.prune", "schedule": timedelta(hours=6)},
}

# DGII's registry of taxpayers (the URL of DGII_RNC.zip, set by the deployment): when set,
# beat refreshes the shared RNC registry from it every Sunday at 03:30.
DGII_RNC_URL = env_str("DGII_RNC_URL").strip()
if DGII_RNC_URL and not DGII_RNC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"DGII_RNC_URL={DGII_RNC_URL!r} is not an http(s) URL.")
DGII_RNC_TIMEOUT = env_int("DGII_RNC_TIMEOUT", 60)  # seconds to connect, and between reads
if DGII_RNC_URL:
    CELERY_BEAT_SCHEDULE["contacts-rnc-refresh"] = {
        "task": "contacts.rnc_refresh",
        "schedule": crontab(minute=30, hour=3, day_of_week="sunday"),
    }

# --- Webhooks (API.md "Webhooks"; docs/webhooks.md) -------------------------------------------
# Loopback and private receivers only when allowed (link-local, multicast: never).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 10)  # seconds for a whole attempt
WEBHOOKS_RESPONSE_LIMIT = 4096  # bytes of the answer read (and partly kept in the log)
# Seconds between automatic attempts (the last repeats), for at most WINDOW seconds.
try:
    WEBHOOKS_RETRY_DELAYS = [int(d) for d in env_list(
        "WEBHOOKS_RETRY_DELAYS", ["5", "300", "1800", "7200", "18000", "36000"])] or [300]
except ValueError:
    raise ImproperlyConfigured("WEBHOOKS_RETRY_DELAYS is whole seconds, comma-separated.") from None
WEBHOOKS_RETRY_WINDOW = env_int("WEBHOOKS_RETRY_WINDOW", 24 * 3600)
WEBHOOKS_DISABLE_AFTER = env_int("WEBHOOKS_DISABLE_AFTER", 24 * 3600)  # of failures
WEBHOOKS_CA_BUNDLE = env_str("WEBHOOKS_CA_BUNDLE")  # CAs trusted for https receivers (certifi's)
WEBHOOKS_LOG_DAYS = env_int("WEBHOOKS_LOG_DAYS", 30)  # events and their attempts kept this long

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per (email, address) before the form refuses further attempts for a while.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "facturacion@localhost")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
SITE_URL = env_str("SITE_URL").rstrip("/")  # for customer links in scheduled emails

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Santo_Domingo"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
# With DEBUG off, whitenoise serves only what `collectstatic` gathered here (the release step).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Logos and PDFs go through Django's default storage: the local MEDIA_ROOT, or shared storage
# when more than one machine serves (FILE_STORAGE=storages.backends.s3.S3Storage and the
# AWS_* variables below; any S3-compatible service through AWS_S3_ENDPOINT_URL).
FILE_STORAGE = env_str("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
if FILE_STORAGE == "storages.backends.s3.S3Storage":
    AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("FILE_STORAGE is S3: set AWS_STORAGE_BUCKET_NAME.")
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    # Unset, boto3 finds credentials itself (instance role, ~/.aws, its own variables).
    AWS_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY") or None
    AWS_S3_ADDRESSING_STYLE = env_str("AWS_S3_ADDRESSING_STYLE") or None
    AWS_LOCATION = env_str("AWS_LOCATION")  # a key prefix inside the bucket
    # Invoices are private: no public ACL, and links to a file are signed and expire.
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 600)
    # A PDF's name is the hash of its content: saving the same name again is the same file.
    AWS_S3_FILE_OVERWRITE = True
STORAGES = {
    "default": {"BACKEND": FILE_STORAGE},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "accounts.authentication.WorkspaceSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["workspaces.api_permissions.WorkspaceRolePermission"],
    "DEFAULT_PAGINATION_CLASS": "invoicing.core.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "invoicing.core.api.filtering.FilterBackend",
        "invoicing.core.api.filtering.SortFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["invoicing.core.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "invoicing.core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = API_SCHEMA_SETTINGS  # invoicing/api_schema.py
API_KEY_LAST_USED_RESOLUTION = timedelta(minutes=1)
IDEMPOTENCY_TTL = timedelta(hours=24)
# A request that died mid-way leaves its idempotency record "in flight"; after this long the
# key may be used again.
IDEMPOTENCY_STALE_AFTER = timedelta(minutes=5)

# --- e-CF (DGII electronic fiscal documents) ------------------------------------------------
DGII_ECF_URL = env_str("DGII_ECF_URL", "https://ecf.dgii.gov.do").rstrip("/")
DGII_FC_URL = env_str("DGII_FC_URL", "https://fc.dgii.gov.do").rstrip("/")
for _name, _url in (("DGII_ECF_URL", DGII_ECF_URL), ("DGII_FC_URL", DGII_FC_URL)):
    if not _url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{_name}={_url!r} must be an http(s) URL.")
# Every call to DGII gives up after these many seconds to connect and to read the answer.
DGII_TIMEOUT = env_timeout("DGII_TIMEOUT", (5.0, 30.0))

# Seconds between asking DGII for a verdict, and between attempts while it is unreachable
# (the last value repeats).
ECF_BACKOFF_SECONDS = tuple(float(v) for v in env_str(
    "ECF_BACKOFF_SECONDS", "5,15,30,60,120,300,600,1800").split(",") if v.strip()) or (60.0,)
# false: issued e-CF are signed and kept but not sent (a staging copy of production data).
ECF_SEND_TO_DGII = env_bool("ECF_SEND_TO_DGII", True)


ECF_KEY_ENCRYPTION_KEYS = ecf_key_encryption_keys(debug=DEBUG, secret_key=SECRET_KEY)

# Only `make bench` serves the no-database reference endpoint.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
