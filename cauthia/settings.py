"""Settings for the Cầu Thia target tracker, read from the environment.

Every variable is listed in README.md. Nothing secret has a production default: with DEBUG off,
a missing SECRET_KEY stops the process at start-up, and so does evidence with nowhere lasting to
go (see evidence_storage).
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# templates/, static/, locale/ and fixtures/ sit at the top of a checkout; the installed wheel
# carries them inside the cauthia package, beside this file (pyproject.toml maps them there).
RESOURCES_DIR = BASE_DIR / "cauthia" if (BASE_DIR / "cauthia" / "templates").is_dir() else BASE_DIR
# The demo ward that load_demo loads.
FIXTURES_DIR = RESOURCES_DIR / "fixtures"
# Installed from the wheel, BASE_DIR is the site-packages folder: a reinstall may replace it.
INSTALLED = RESOURCES_DIR != BASE_DIR


def env_bool(name, default=False):
    value = os.getenv(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def evidence_storage(debug):
    """STORAGES["evidence"] from the environment: EVIDENCE_STORAGE_BACKEND (with its OPTIONS as
    JSON), else a folder, EVIDENCE_ROOT.

    With DEBUG on (make run) the folder defaults to evidence/ in the project folder. With DEBUG
    off there is no default: beside the code means inside site-packages once the app is
    installed, and the next reinstall would take the files with it (make test, make check and
    make bench set a folder of the checkout, as they set SECRET_KEY)."""
    backend = os.getenv("EVIDENCE_STORAGE_BACKEND", "")
    root = os.getenv("EVIDENCE_ROOT", "")
    if backend:
        return {
            "BACKEND": backend,
            "OPTIONS": json.loads(os.getenv("EVIDENCE_STORAGE_OPTIONS", "null"))
            or ({"location": root} if root else {}),
        }
    if not root and not debug:
        raise ImproperlyConfigured(
            "EVIDENCE_ROOT is not set. Set EVIDENCE_ROOT to a folder outside the installed app "
            "(e.g. /var/lib/cauthia/evidence, backed up with the database), or "
            "EVIDENCE_STORAGE_BACKEND for an object store, or DEBUG=1 for development."
        )
    if root and not debug:
        folder = Path(root)
        if not folder.is_absolute():
            raise ImproperlyConfigured(
                f"EVIDENCE_ROOT must be an absolute path (got {root}): a relative one depends on "
                "the folder the server is started from."
            )
        if INSTALLED and folder.resolve().is_relative_to(BASE_DIR):
            raise ImproperlyConfigured(
                f"EVIDENCE_ROOT ({root}) is inside the installed app ({BASE_DIR}): a reinstall "
                "would remove the evidence files. Choose a folder outside it."
            )
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": root or str(BASE_DIR / "evidence"), "base_url": None},
    }


def database_from_url(url):
    """Return a DATABASES entry for an empty URL (SQLite in the project folder), a
    sqlite:////absolute/path URL, or a postgres:// URL."""
    # SQLite has no row locks: each transaction takes the write lock as it begins, so that a
    # check of the year and the write after it are one step (targets.models.Year.lock_open).
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"transaction_mode": "IMMEDIATE"}}
    if not url:
        return sqlite | {"NAME": BASE_DIR / "db.sqlite3"}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return sqlite | {"NAME": unquote(parts.path)}
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or sqlite:// (got {parts.scheme}://)."
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": int(os.getenv("CONN_MAX_AGE", "600")),
        "CONN_HEALTH_CHECKS": True,
    }


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Served over HTTPS in production: without DEBUG, cookies are secure, plain HTTP is redirected
# and browsers are told to keep to HTTPS. Behind a proxy that terminates TLS, set
# BEHIND_TLS_PROXY=1 so Django trusts its X-Forwarded-Proto header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
# No script reads a cookie: the forms carry the CSRF token, and the language is chosen by a form.
CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(os.getenv("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Idle sessions end after SESSION_IDLE_MINUTES; activity pushes the expiry forward, at most
# once a minute (core.middleware.SlidingSessionMiddleware).
SESSION_COOKIE_AGE = int(os.getenv("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_REFRESH_SECONDS = 60

INSTALLED_APPS = [
    "core.apps.CommitteeAdminConfig",  # django.contrib.admin, in the committee's name
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "core.apps.CoreConfig",
    "committees",
    "targets",
    "cells",
    "rollup",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and pre-compressed copies, straight from the app server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A marked page reads the replica unless the browser is writing or has just written.
    "core.replica.PrimaryAfterWriteMiddleware",
    # Nothing answered to a signed-in user is kept by the browser or a proxy on the way.
    "core.middleware.NoStoreWhenSignedInMiddleware",
    # Every page needs sign-in unless its view is marked login_not_required (the login page).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A write refused because its year is closed answers the same way on every page.
    "targets.middleware.YearClosedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins lock out that account from that address only, so a stranger elsewhere
# cannot lock the ward secretary out of every computer.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.getenv("LOCKOUT_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# A failed attempt is kept with what was posted: the password page's fields are masked there
# as the sign-in page's password is.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
]
if env_bool("BEHIND_TLS_PROXY"):
    # Behind the proxy every request comes from the proxy's address; the client's is the one
    # the proxies wrote into X-Forwarded-For, read by django-ipware. PROXY_COUNT counts the
    # proxies in front of the app, but the nearest one is REMOTE_ADDR, not a name in the header,
    # and ipware counts only those. axes asks ipware for exactly that many names after the
    # client's, so a header that also carries the client's own X-Forwarded-For is not believed:
    # such attempts all count together, as from one address, and forging gains nothing.
    proxy_count = int(os.getenv("PROXY_COUNT", "1"))
    if proxy_count < 1:
        raise ImproperlyConfigured("PROXY_COUNT counts the proxies in front of the app: 1 or more.")
    AXES_IPWARE_PROXY_COUNT = proxy_count - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Everything the pages use comes from this server: no inline script or style, no other host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The read-only JSON API (api/): a user's token or their session; pages of at most 200 rows;
# requests per minute per user (or token) and, for the schema, per address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.OfficeReads"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "api.pages.Pages",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.PerUser", "api.throttles.PerAddress"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.getenv("API_USER_RATE", "120/minute"),
        "anon": os.getenv("API_ANON_RATE", "20/minute"),
    },
    # The client's address for the per-address count: the proxies' X-Forwarded-For behind
    # BEHIND_TLS_PROXY, else the connection's (a header the client wrote is not believed).
    "NUM_PROXIES": int(os.getenv("PROXY_COUNT", "1")) if env_bool("BEHIND_TLS_PROXY") else 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cầu Thia API",
    "DESCRIPTION": (
        "Read-only: a party committee's years and figures, and a superior committee's roll-up "
        "of its communes. A token (header `Authorization: Token …`, from `manage.py api_token`) "
        "reads what its user's pages read. Amounts and percents are decimals written as "
        'strings ("95.77"). Every list comes in pages (?page=, ?page_size= up to 200).'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Where a commune's reporting stands at a stage, one list for every stage's field.
    "ENUM_NAME_OVERRIDES": {"ReportingStateEnum": "rollup.counting.STATES"},
}

ROOT_URLCONF = "cauthia.urls"
WSGI_APPLICATION = "cauthia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [RESOURCES_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "targets.access.template_context",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.getenv("DATABASE_URL", ""))}
# A streaming replica of the primary, which the pages marked replica_reads read (core.replica);
# under tests, the replica's copy of the test database. Without one, every query is the
# primary's.
if os.getenv("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"]) | {
        "TEST": {"MIRROR": "default"}
    }
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# How long after a browser's write its pages read the primary: longer than the replica's lag.
REPLICA_PIN_SECONDS = float(os.getenv("REPLICA_PIN_SECONDS", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.passwords.NameInPasswordValidator"},
    {
        "NAME": "core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "core.passwords.MaximumLengthValidator"},
    {"NAME": "core.passwords.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The year's grid posts seven fields per target (plan, actual, note, what the page showed of
# each, and the version): Django's default of 1,000 would refuse a year of more than 140 targets.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [RESOURCES_DIR / "locale"]
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [RESOURCES_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need collectstatic first; development serves the sources.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # The figures' evidence files: never served as static or media files, only through the
    # view that checks who asks. On one server, a folder outside the web root and outside the
    # installed app; on several, an object store (django-storages).
    "evidence": evidence_storage(DEBUG),
}
# The largest evidence file accepted, in bytes.
EVIDENCE_MAX_BYTES = int(os.getenv("EVIDENCE_MAX_MB", "10")) * 1024 * 1024
# The largest workbook the figures are imported from, in bytes.
IMPORT_MAX_BYTES = int(os.getenv("IMPORT_MAX_MB", "5")) * 1024 * 1024
# The most rows a workbook's sheet may span to be imported (a ward has a few dozen targets).
IMPORT_MAX_ROWS = int(os.getenv("IMPORT_MAX_ROWS", "2000"))

DJANGO_TABLES2_TEMPLATE = "django_tables2/lean.html"

LOG_LEVEL = os.getenv("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line a record: "2026-11-27 10:15:02,123 WARNING django.request Not Found: /x".
    "formatters": {"line": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own console handler (with DEBUG) would print its records a second time, bare.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL}},
}
