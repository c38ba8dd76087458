"""Accord settings, read from the environment.

Defaults suit a developer's machine (SQLite in the project folder); production
sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI and Redoc as static files, so /api/docs/ works offline.
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "apps.projects",
    "apps.documents",
    "apps.actors",
    "apps.annotations",
    "apps.imports",
    "apps.mentions",
    "apps.review",
    "apps.datasets",
    "apps.recommender",
    "apps.front",
]

MIDDLEWARE = [
    # First: drops X-Forwarded-* unless the request comes from ACCORD_TRUSTED_PROXIES.
    "apps.projects.proxies.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Django 6.0: django.middleware.csp.ContentSecurityPolicyMiddleware.
    "apps.projects.csp.ContentSecurityPolicyMiddleware",
]

# Only the app's own scripts, styles and connections: no inline script or
# style attribute runs, and no page loads anything from another origin.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'accord.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two requests
    # that read-then-write (assignment, version checks) are serialised instead
    # of failing with "database is locked"; WAL lets readers run meanwhile.
    # Connections are kept as on PostgreSQL (CONN_MAX_AGE): opening one and
    # running these PRAGMAs cost about 1.3 ms a request.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_config(url):
    """CACHES from CACHE_URL: empty is each process's own memory; `db://TABLE`
    the database (after `manage.py createcachetable`); `redis://…` or
    `rediss://…` a Redis server (needs the `redis` package)."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith("db://") and len(url) > len("db://"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": url[len("db://") :],
        }
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r}: use db://TABLE or redis://HOST:PORT/DB, or leave it empty."
    )


# Failed sign-ins allowed per username and per client address in each window
# of ACCORD_LOGIN_WINDOW_SECONDS, on the sign-in page, the admin and the API
# token endpoint alike; then 429 with Retry-After until the window ends.
ACCORD_LOGIN_LIMIT_PER_USERNAME = int(os.environ.get("ACCORD_LOGIN_LIMIT_PER_USERNAME", 10))
ACCORD_LOGIN_LIMIT_PER_ADDRESS = int(os.environ.get("ACCORD_LOGIN_LIMIT_PER_ADDRESS", 50))
ACCORD_LOGIN_WINDOW_SECONDS = int(os.environ.get("ACCORD_LOGIN_WINDOW_SECONDS", 900))

# Sign-in attempts are counted here: processes that share nothing (locmem) each
# count their own, so production with several workers sets CACHE_URL. The
# default timeout outlives a window: the database cache's incr() re-sets it.
CACHES = {
    "default": {
        **cache_config(os.environ.get("CACHE_URL", "")),
        "TIMEOUT": ACCORD_LOGIN_WINDOW_SECONDS + 60,
    }
}

AUTHENTICATION_BACKENDS = ["apps.projects.logins.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.projects.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "apps.projects.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "apps.projects.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.projects.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.projects.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": (
        "Collaborative annotation of news text. Offsets are Unicode code points, "
        "start inclusive, end exclusive."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ and /api/redoc/ load their scripts from the app's own static
    # files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every id in a path is <id:…> (apps/projects/ids.py): an integer up to
    # the largest id stored, as the schema says.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1}
    },
    # Several models have a `kind`, `status` or `action` of their own: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "apps.actors.models.Actor.Kind",
        "LabelKindEnum": "apps.projects.models.Label.Kind",
        "SetKindEnum": "apps.annotations.models.AnnotationSet.Kind",
        "SetStatusEnum": "apps.annotations.models.AnnotationSet.Status",
        "DocumentStatusEnum": "apps.documents.models.Document.Status",
        "ReleaseStatusEnum": "apps.datasets.models.Release.Status",
        "JobStatusEnum": "apps.projects.models.Job.Status",
        "DecisionActionEnum": "apps.review.models.Decision.Action",
        "AdjudicationActionEnum": "apps.review.models.AdjudicationEvent.Action",
    },
}

IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"
# In production jobs never run inside a web request (a long one would outlive
# the server's timeout): they wait in the database for `manage.py db_worker`.
# In debug (bin/run) a job runs in the request that starts it, no worker needed.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASK_BACKEND", IMMEDIATE_TASKS if DEBUG else "django_tasks_db.DatabaseBackend"
        )
    }
}

# A running job whose worker sent no heartbeat (Job.set_progress) for this
# long is taken for dead and reported failed: keep it well above the time
# between two progress reports of the slowest job.
ACCORD_JOB_LEASE_SECONDS = int(os.environ.get("ACCORD_JOB_LEASE_SECONDS", 300))
# How many attempts a retryable job whose worker is lost gets before it is
# failed (jobs.KINDS says which kinds are retryable); 1: never run again by itself.
ACCORD_JOB_MAX_ATTEMPTS = int(os.environ.get("ACCORD_JOB_MAX_ATTEMPTS", 3))

# Imports larger than this are refused with 413 before any parsing.
ACCORD_IMPORT_MAX_BYTES = int(os.environ.get("ACCORD_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# Uploaded files larger than this are imported by a background job (the API
# answers 202 with the job); at or below it the request imports them itself.
ACCORD_IMPORT_BACKGROUND_BYTES = int(
    os.environ.get("ACCORD_IMPORT_BACKGROUND_BYTES", 5 * 1024 * 1024)
)
# A JSON list posted to the import endpoint is read through the request body.
DATA_UPLOAD_MAX_MEMORY_SIZE = ACCORD_IMPORT_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

# An API token works this long after it is issued, then the client signs in again.
ACCORD_TOKEN_LIFETIME_DAYS = int(os.environ.get("ACCORD_TOKEN_LIFETIME_DAYS", 30))

# The reverse proxies (addresses or networks) whose X-Forwarded-Proto, -Host
# and -For are believed; every other request has those headers removed
# (apps/projects/proxies.py). Empty: no proxy header is believed.
ACCORD_TRUSTED_PROXIES = env_list("ACCORD_TRUSTED_PROXIES")
for _entry in ACCORD_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"ACCORD_TRUSTED_PROXIES: {_entry!r} is not an IP address or network."
        ) from None
SECURE_PROXY_SSL_HEADER = None
USE_X_FORWARDED_HOST = False
if ACCORD_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
