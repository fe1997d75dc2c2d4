"""Settings of the Samen Nieuw-West portal: one module, every value from the environment.

With no environment set, the portal runs for a first look: SQLite in ``var/``, local-memory
cache, Celery tasks run eagerly in-process, e-mail on the console. ``DATABASE_URL`` switches to
PostgreSQL (psycopg 3) and ``REDIS_URL`` switches the cache and Celery to Redis. Outside debug
the portal refuses to start without a secret key. Every variable is read through
``samennw.env`` so the README's table stays true.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from samennw.env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("SAMENNW_VAR_DIR", str(BASE_DIR / "var"), help="Folder for the SQLite file, media and built reports.") or "")

DEBUG = env_bool("SAMENNW_DEBUG", False, help="Django debug mode. Never on in production.")
HTTPS = env_bool(
    "SAMENNW_HTTPS",
    True,
    help="Served over HTTPS: secure cookies, HSTS and redirect to https. Off only for local runs and tests.",
)

SECRET_KEY = env("SAMENNW_SECRET_KEY", help="Django secret key. Required unless debug or ephemeral secret is on.") or ""
if not SECRET_KEY:
    if DEBUG or env_bool(
        "SAMENNW_EPHEMERAL_SECRET",
        False,
        help="Generate a random secret per process (tests, throwaway runs); sessions end on restart.",
    ):
        SECRET_KEY = get_random_secret_key()
    else:
        raise ImproperlyConfigured("SAMENNW_SECRET_KEY must be set when SAMENNW_DEBUG is off.")

ALLOWED_HOSTS = env_list(
    "SAMENNW_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver", help="Comma-separated host names the portal answers to."
)
CSRF_TRUSTED_ORIGINS = env_list("SAMENNW_CSRF_TRUSTED_ORIGINS", "", help="Comma-separated origins trusted for CSRF (https://...).")

INSTALLED_APPS = [
    "modeltranslation",  # must precede the admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "guardian",
    "import_export",
    "simple_history",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "samennw",
    "domains",
    "actielijnen",
    "netwerkgroep",
    "monitoring",
    "financiering",
]

MIDDLEWARE = [
    "samennw.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "samennw.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samennw.urls"
WSGI_APPLICATION = "samennw.wsgi.application"
ASGI_APPLICATION = "samennw.asgi.application"

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
                "csp.context_processors.nonce",
                "samennw.context_processors.portal",
                "samennw.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env(
    "DATABASE_URL", None, help="postgres://user:pass@host:5432/name for PostgreSQL; unset means SQLite in the var folder."
)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "samennw.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", None, help="redis://host:6379/0 for cache and Celery; unset means local memory and eager tasks.")
if REDIS_URL:
    CACHES = {
        "default": {
            # An unreachable Redis is a cache miss, not a 500 (samennw/cache.py).
            "BACKEND": "samennw.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samennw",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # With acks_late a task a worker took but did not finish is delivered again once this has passed; the
    # longest task (a 10x jaarbeeld PDF, about 80 s) fits well inside it, and a lost build waits 15 minutes
    # at most instead of Redis' default of an hour.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
    CELERY_TASK_ALWAYS_EAGER = env_bool(
        "CELERY_TASK_ALWAYS_EAGER", False, help="Run Celery tasks in-process (default on without REDIS_URL)."
    )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "samennw"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# JSON only: tasks carry ids, never pickled objects or case text (DECISIONS 24).
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep the LOGGING below (with its case-code filter) in the worker too, instead of Celery's own root handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Time limits of the long jobs, in seconds (DECISIONS 20: a build has a time limit). At the soft limit the
# job stops itself and fails with a message (nothing stays "bezig"); the hard limit kills a worker that did
# not stop. A jaarbeeld build of 10x the 2025 edition takes 55-80 s, 161 s on a busy machine (README,
# "Benchmarks"); the soft limit equals ``monitoring.builds.STALE_AFTER``, and both build limits stay under
# the broker's visibility timeout (900 s). A card import of the largest file (10.000 new cards) plans and saves
# in about 10 minutes, so it gets 30 (a redelivery meanwhile finds the job held by a live worker and skips it).
JAARBEELD_BUILD_SOFT_TIME_LIMIT = 600
JAARBEELD_BUILD_TIME_LIMIT = 660
IMPORT_JOB_SOFT_TIME_LIMIT = 1800
IMPORT_JOB_TIME_LIMIT = 1860

# Change reasons name the fields that changed; they do not fit the default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "samennw.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: anonymous users get no object grants at all

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("SAMENNW_AXES", True, help="Brute-force protection on login (django-axes).")

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "nl"
MODELTRANSLATION_LANGUAGES = ("nl", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("nl",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "SAMENNW_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", help="Django e-mail backend (console by default)."
)
EMAIL_HOST = env("SAMENNW_EMAIL_HOST", "localhost", help="SMTP host when the SMTP backend is used.")
DEFAULT_FROM_EMAIL = env("SAMENNW_FROM_EMAIL", "portaal@samennieuw-west.nl", help="Sender address of the portal's e-mail.")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SAMENNW_TRUSTED_PROXIES = env_list(
    "SAMENNW_TRUSTED_PROXIES", "",
    help="Addresses or networks of the reverse proxy (e.g. 172.16.0.0/12): X-Forwarded-For is believed only from "
    "them, so rate limits and login lockouts count visitors, not the proxy (samennw.middleware.TrustedProxyMiddleware).",
)
for _proxy in SAMENNW_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"SAMENNW_TRUSTED_PROXIES: {_proxy!r} is no IP address or network") from _exc
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: never case data; see samennw/audit.py for who-did-what -----------------------
# Case codes in paths ("Not Found: /netwerkgroep/casus/<code>/") become "[casus]": samennw/logfilters.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_case_codes": {"()": "samennw.logfilters.CaseCodeFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_case_codes"]},
        # Django's own runserver handler, declared again because configuring its logger drops it.
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env("SAMENNW_LOG_LEVEL", "INFO", help="Log level of the root logger.")},
    "loggers": {
        # Without handlers of its own (Django's default: a copy to the console under DEBUG, mail_admins) every
        # django.* record goes through the filtered console handler, once.
        "django": {"level": "INFO"},
        "django.server": {"handlers": ["django.server"], "filters": ["no_case_codes"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # fontTools (WeasyPrint font subsetting) logs every glyph at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# --- Portal ---------------------------------------------------------------------------------
# The documents order the domains differently (DECISIONS 4); this is the order the portal shows.
SAMENNW_DOMAIN_ORDER = env_list(
    "SAMENNW_DOMAIN_ORDER",
    "eigenaarschap-inclusie-en-democratie,veiligheid,werk-en-bestaanszekerheid,wonen-en-leefomgeving,kansen-voor-de-jeugd,community-wealth-building",
    help="Comma-separated domain slugs in display order.",
)
SAMENNW_SITE_URL = env("SAMENNW_SITE_URL", "http://localhost:8000", help="Public base URL used in e-mails and feeds.")
