"""Tidtam settings.

Everything that differs between a laptop and production is read from the
environment. The defaults are the *embedded* set-up that ``make run`` uses:
SQLite, Celery tasks run eagerly, mail printed to the console.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "True")
SECRET_KEY = os.getenv("SECRET_KEY", "insecure-local-only-key-do-not-use-in-production")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "accounts",
    "plans",
    "feedback",
    "projects",
    "inspections",
    "emenscr",
    "evaluation",
    "reporting",
    "reminders",
    "backups",
    "publication",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.OfficeChoiceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware must be the last one: it turns lock-outs into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.csp",
                "accounts.context_processors.navigation",
                "plans.context_processors.year_picker",
            ],
            "builtins": ["plans.templatetags.thai"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A read replica (PostgreSQL streaming replica) for the roll-up and public pages: config/routers.py sends the
# reads of views wrapped in reads_from_replica there; writes always go to "default". Tests mirror it on default.
if os.getenv("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.getenv("DATABASE_REPLICA_URL"), conn_max_age=envint("DB_CONN_MAX_AGE", "0"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins are counted per account, not per IP: an office's staff share one NAT.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Sessions live in the database (not Redis) and end after a working day of idleness.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded evidence lives outside the static web root and is served only through views.
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence files, under random names; never given a URL — read only through the download view.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "evidence", "base_url": "/no-public-url/"},
    },
    # Annual report PDFs, read only through the download view (approved editions never change).
    "reports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "reports", "base_url": "/no-public-url/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail -----------------------------------------------------------------
# EMAIL_URL: "console:" (default), "smtp://user:pass@host:port?tls=1&timeout=10", "locmem:".
EMAIL_TIMEOUT_SECONDS = envint("EMAIL_TIMEOUT", "15")


def mailer_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"EMAIL_URL scheme must be console, locmem, smtp or smtps, not {parts.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": query.get("tls", "0") in ("1", "true"),
            "timeout": int(query.get("timeout", EMAIL_TIMEOUT_SECONDS)),
        },
    }


MAILERS = {"default": mailer_from_url(os.getenv("EMAIL_URL", "console:"))}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Tidtam <tidtam@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------
REDIS_URL = os.getenv("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "False" if REDIS_URL else "True")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Web requests publish after commit; with Redis down they must not wait for it (the rows stay in the
# database and the hourly sweep sends them later). Connecting gives up after BROKER_TIMEOUT seconds
# and is not retried when publishing ("max_retries": 0); publishes that ask for retries (retry=True,
# Celery's default outside the request path) still get task_publish_retry_policy. A broker that
# accepts the connection and then says nothing is given BROKER_SOCKET_TIMEOUT seconds per command.
# Workers reconnect on their own (broker_connection_max_retries), unaffected by these.
BROKER_TIMEOUT = envint("BROKER_TIMEOUT", "1")
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600, "max_retries": 0, "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": envint("BROKER_SOCKET_TIMEOUT", "5"),
}
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    # Deadline reminders (each is recorded once, so running often is safe) and re-queuing of
    # e-mails that never reached a worker while Redis was down.
    "reminder-sweep": {"task": "reminders.tasks.run_sweep", "schedule": crontab(minute="5")},
    # The weekly digest; keyed by ISO week, so a second run in the same week sends nothing.
    "weekly-digest": {"task": "reminders.tasks.run_digest",
                      "schedule": crontab(day_of_week="mon", hour="7", minute="30")},
    # The nightly backup into TIDTAM_BACKUP_DIR, thinned out by TIDTAM_BACKUP_KEEP; a failure e-mails admins.
    "nightly-backup": {"task": "backups.tasks.nightly_backup", "schedule": crontab(hour="1", minute="30")},
}

# --- Caches ---------------------------------------------------------------
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Security ---------------------------------------------------------------
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False" if DEBUG else "True")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False" if DEBUG else "True")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO ("weasyprint.progress"); its warnings stay visible.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}

# Upload limits (evidence files, workbooks).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TIDTAM_VERSION = "0.1.0"
# Nightly backups: the folder (a `backups` volume in docker-compose.yml) and how many to keep, as
# "daily,weekly,monthly" (the newest archive of each of the last 7 days, 4 weeks and 12 months).
TIDTAM_BACKUP_DIR = Path(os.getenv("TIDTAM_BACKUP_DIR", BASE_DIR / "var" / "backups"))
TIDTAM_BACKUP_KEEP = os.getenv("TIDTAM_BACKUP_KEEP", "7,4,12")

# Processes that render report sections in parallel (default: the number of cores, at most 4).
TIDTAM_PDF_WORKERS = envint("TIDTAM_PDF_WORKERS", "0") or None
# Rendered report parts (a section, a project's block), kept by content and reused by every later build of any
# edition; the least recently used go past this size. Private (beside the reports storage, outside the web root)
# but not inside a storage: a cache, so backups do not carry it and a restore does not find it in the way.
TIDTAM_PDF_PARTS_DIR = Path(os.getenv("TIDTAM_PDF_PARTS_DIR", MEDIA_ROOT / "report-parts"))
TIDTAM_PDF_PARTS_MAX_MB = envint("TIDTAM_PDF_PARTS_MAX_MB", "500")
# An annual report build beats every few seconds while it runs; one silent for this long died with
# its worker, and "generate again" takes it over at once.
TIDTAM_REPORT_HEARTBEAT_SECONDS = envint("TIDTAM_REPORT_HEARTBEAT_SECONDS", "5")
TIDTAM_REPORT_DEAD_AFTER_SECONDS = envint("TIDTAM_REPORT_DEAD_AFTER_SECONDS", "60")

# We lock per account on purpose (axes.W006 asks for the IP too): offices sit behind one NAT,
# and an IP lock would shut a whole office out because of one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The office that command-line tools act on when no --office is given (one deployment usually
# serves one office); empty means the first service area office in the database.
# Days a signed evaluation link for an outside evaluator stays valid.
TIDTAM_EVALUATION_LINK_DAYS = envint("TIDTAM_EVALUATION_LINK_DAYS", "30")
TIDTAM_DEFAULT_OFFICE = os.getenv("TIDTAM_DEFAULT_OFFICE", "")
# The public pages of publishing offices (/public/<code>/): requests per minute per client address (0: no limit),
# the header a trusted reverse proxy puts the client's address in (e.g. HTTP_X_REAL_IP; empty: REMOTE_ADDR),
# how long browsers and proxies may keep a page (seconds) and how long the server keeps a rendered page or file.
TIDTAM_PUBLIC_REQUESTS_PER_MINUTE = envint("TIDTAM_PUBLIC_REQUESTS_PER_MINUTE", "60")
TIDTAM_PUBLIC_CLIENT_IP_HEADER = os.getenv("TIDTAM_PUBLIC_CLIENT_IP_HEADER", "")
TIDTAM_PUBLIC_MAX_AGE = envint("TIDTAM_PUBLIC_MAX_AGE", "60")
TIDTAM_PUBLIC_CACHE_SECONDS = envint("TIDTAM_PUBLIC_CACHE_SECONDS", "3600")
# The central roll-up's figures are kept this long in the shared cache (0: computed on every request).
TIDTAM_ROLLUP_CACHE_SECONDS = envint("TIDTAM_ROLLUP_CACHE_SECONDS", "300")
# Upload limits for Excel workbooks.
TIDTAM_MAX_WORKBOOK_BYTES = envint("TIDTAM_MAX_WORKBOOK_BYTES", str(10 * 1024 * 1024))
TIDTAM_MAX_WORKBOOK_UNZIPPED_BYTES = envint("TIDTAM_MAX_WORKBOOK_UNZIPPED_BYTES", str(200 * 1024 * 1024))
# Rows read per sheet of an imported workbook, empty ones included (200 empty rows in a row end a sheet's data).
TIDTAM_WORKBOOK_MAX_ROWS = envint("TIDTAM_WORKBOOK_MAX_ROWS", "10000")
# Evidence attached to forms: per file, per form (all files together) and how many items per form.
TIDTAM_EVIDENCE_MAX_FILE_BYTES = envint("TIDTAM_EVIDENCE_MAX_FILE_BYTES", str(10 * 1024 * 1024))
TIDTAM_EVIDENCE_MAX_FORM_BYTES = envint("TIDTAM_EVIDENCE_MAX_FORM_BYTES", str(40 * 1024 * 1024))
TIDTAM_EVIDENCE_MAX_ITEMS = envint("TIDTAM_EVIDENCE_MAX_ITEMS", "30")
