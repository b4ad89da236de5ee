"""Comptoir's one settings module.

Every setting comes from the environment through the small typed helpers in
``comptoir.config``; they fail closed (no default secret, ``DEBUG`` off unless
asked). README.md lists each variable.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from comptoir.config import (
    env_bool,
    env_int,
    env_json,
    env_list,
    env_str,
    read_secret_key,
    var_dir,
)
from comptoir.core import cookies

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = var_dir()

DEBUG = env_bool("COMPTOIR_DEBUG", False)
SECRET_KEY = read_secret_key()
ALLOWED_HOSTS = env_list("COMPTOIR_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("COMPTOIR_CSRF_TRUSTED_ORIGINS", [])

# Behind a reverse proxy: the client address is the last X-Forwarded-For entry.
BEHIND_PROXY = env_bool("COMPTOIR_BEHIND_PROXY", False)

# Served behind HTTPS (a reverse proxy terminating TLS): secure cookies, HSTS, redirect.
HTTPS = env_bool("COMPTOIR_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    # django-ninja's own copy of Swagger UI (its static files), served from
    # Comptoir under the strict CSP instead of a CDN.
    "ninja",
    "comptoir.accounts",
    "comptoir.tenancy",
    "comptoir.audit",
    "comptoir.privacy",
    "comptoir.privacy.records",
    "comptoir.privacy.register",
    "comptoir.privacy.requests",
    "comptoir.privacy.consent",
    "comptoir.privacy.suppression",
    "comptoir.privacy.breaches",
    "comptoir.mail",
    "comptoir.parties",
    "comptoir.sales",
    "comptoir.invoicing",
    "comptoir.ops",
    "comptoir.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "comptoir.api.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "comptoir.tenancy.middleware.ActiveOrganisationMiddleware",
    "comptoir.accounts.middleware.MfaRequiredMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Comptoir's templates first, so they override allauth's layouts.
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.tenancy.context_processors.organisation",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "comptoir.sqlite3"
DATABASE_URL = env_str("COMPTOIR_DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
# Connections are kept between requests (each gunicorn worker is one thread):
# opening one per request would cost more than most requests do, and on SQLite
# the last connection to close checkpoints the WAL into the database file.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend plus the key store attached (comptoir.core.keystore).
    DATABASES["default"]["ENGINE"] = "comptoir.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the lock at BEGIN, so two
        # workers never deadlock upgrading a read lock (the audit chain reads
        # its head, then writes).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": env_str("COMPTOIR_TEST_DATABASE_NAME", "") or None}
    # The key store's schema after the data's (comptoir.core.keystore), beside
    # whatever options the URL gave (sslmode...).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _search_path = "-c search_path=public,comptoir_keys"
    _options["options"] = f"{_options.get('options', '')} {_search_path}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "comptoir.accounts.passwords.CnilPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("COMPTOIR_EMAIL_VERIFICATION", "none")
ACCOUNT_ADAPTER = "comptoir.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
# allauth's "remember me": True gives the session its age (the idle timeout,
# SESSION_COOKIE_AGE) instead of set_expiry(0), a browser-session cookie
# with no lifetime that a browser restoring its tabs may keep for ever.
ACCOUNT_SESSION_REMEMBER = True
# Comptoir throttles logins itself (growing delay, then a lock) and journals it;
# allauth's own login limits would answer first with a different rule.
# allauth's per-IP limit stays, against password spraying across many accounts.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip"}
ACCOUNT_PREVENT_ENUMERATION = True
MFA_ADAPTER = "comptoir.accounts.adapters.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Comptoir"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side, for phones whose clock drifts
ACCOUNT_USER_DISPLAY = "comptoir.accounts.models.user_display"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"

# Throttling (DOMAIN.md §8): a growing delay after 5 failures, a lock after 10.
LOGIN_DELAY_AFTER_FAILURES = env_int("COMPTOIR_LOGIN_DELAY_AFTER", 5)
LOGIN_LOCK_AFTER_FAILURES = env_int("COMPTOIR_LOGIN_LOCK_AFTER", 10)

# --- Log retention (DOMAIN.md §4) ---------------------------------------------
# The journal's connection events (logins, failed logins, lockouts, logouts)
# and its other events, in months; the rules privacy.retention.CONNECTION_LOGS
# and SECURITY_LOGS read them, the daily retention sweep applies them.
CONNECTION_LOGS_MONTHS = env_int("COMPTOIR_CONNECTION_LOGS_MONTHS", 6, minimum=1, maximum=120)
AUDIT_LOGS_MONTHS = env_int("COMPTOIR_AUDIT_LOGS_MONTHS", 12, minimum=1, maximum=120)

# --- Sessions and security headers ------------------------------------------
# The cookies, technical only (comptoir.core.cookies): the one table the
# names and ages below and the "Cookies" page read.
COOKIES = cookies.technical_cookies(
    idle_timeout=env_int(
        "COMPTOIR_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60, maximum=cookies.MAX_AGE
    )
)
_COOKIE = {cookie.name: cookie for cookie in COOKIES}
SESSION_COOKIE_NAME = "sessionid"
SESSION_COOKIE_AGE = _COOKIE[SESSION_COOKIE_NAME].max_age
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
# The cookie says its age (Max-Age), set again on each request: a browser
# that restores its session cookies on restart cannot keep it past the idle
# timeout (nor past DOMAIN.md's 24 hours).
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
CSRF_COOKIE_NAME = "csrftoken"
CSRF_COOKIE_AGE = _COOKIE[CSRF_COOKIE_NAME].max_age
LANGUAGE_COOKIE_NAME = "django_language"
LANGUAGE_COOKIE_AGE = _COOKIE[LANGUAGE_COOKIE_NAME].max_age
# Messages ride in the session: no cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
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
# Bodies above this size get 413 (API) or 400 (forms): nothing larger is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("COMPTOIR_MAX_BODY_BYTES", 2 * 1024 * 1024)
# Every list of the API pages with bounded ``limit`` and ``offset`` (comptoir/api/pagination.py).
NINJA_PAGINATION_CLASS = "comptoir.api.pagination.Pagination"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

# The official e-invoice rules (EN 16931, Factur-X, Peppol BIS 3.0, French CTC),
# shipped with Comptoir; point elsewhere to use a newer release.
EINVOICE_RULES = env_str(
    "COMPTOIR_EINVOICE_RULES", str(BASE_DIR / "invoicing" / "einvoice" / "rules")
)
USE_I18N = True
# Day first and a 24-hour clock in every language (Django's English is US-style).
FORMAT_MODULE_PATH = ["comptoir.formats"]
TIME_ZONE = "Europe/Paris"  # display; storage is UTC
USE_TZ = True

# --- Static and media files -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
# `comptoir serve` collects static files with hashed names first; without that
# manifest (tests, runserver) files are served straight from the apps.
STATIC_MANIFEST = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# --- Backups (comptoir.ops.backup) ------------------------------------------
# Where backups go: a folder under var/ by default (0700, files 0600), or any
# Django storage (e.g. django-storages' S3) by its class path and options as
# a JSON object. Bad JSON stops the start-up: backups never go somewhere unmeant.
STORAGES["backups"] = {
    "BACKEND": env_str("COMPTOIR_BACKUP_STORAGE", "django.core.files.storage.FileSystemStorage"),
    "OPTIONS": env_json(
        "COMPTOIR_BACKUP_STORAGE_OPTIONS",
        {
            "location": str(VAR_DIR / "backups"),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    ),
}
# Rotation (DOMAIN.md §4), in days; the rules of comptoir.privacy.retention
# (HOURLY_BACKUPS, WEEKLY_BACKUPS, KEYSTORE_BACKUPS) read them, so the register
# says what is done: data backups are hourly, kept BACKUP_HOURLY_DAYS; the first
# of each ISO week is kept BACKUP_WEEKLY_DAYS; key store backups are kept
# BACKUP_KEYS_DAYS only, which is what makes an erasure reach every older data
# backup.
BACKUP_HOURLY_DAYS = env_int("COMPTOIR_BACKUP_HOURLY_DAYS", 7, minimum=1, maximum=3650)
BACKUP_WEEKLY_DAYS = env_int("COMPTOIR_BACKUP_WEEKLY_DAYS", 1825, minimum=1, maximum=3650)
BACKUP_KEYS_DAYS = env_int("COMPTOIR_BACKUP_KEYS_DAYS", 7, minimum=1, maximum=3650)

# --- Background work --------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Mail -------------------------------------------------------------------
# Every message goes to the outbox (comptoir.mail): a row, then a task sends it
# through MAIL_TRANSPORT. Without COMPTOIR_EMAIL_HOST no mail server is
# configured: messages stay in the local outbox, readable in the UI.
EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"
EMAIL_HOST = env_str("COMPTOIR_EMAIL_HOST", "")
EMAIL_PORT = env_int("COMPTOIR_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("COMPTOIR_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("COMPTOIR_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("COMPTOIR_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("COMPTOIR_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("COMPTOIR_EMAIL_TIMEOUT", 10)
MAIL_TRANSPORT = env_str(
    "COMPTOIR_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "",
)
DEFAULT_FROM_EMAIL = env_str("COMPTOIR_FROM_EMAIL", "comptoir@localhost")

# --- Logging: no personal data, ever (no request bodies, no query strings) ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("COMPTOIR_LOG_LEVEL", "WARNING")},
    "loggers": {
        # django.request logs the URL of failing requests; Comptoir's URLs carry
        # no personal data, but 4xx noise is kept out.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
    },
}

SILENCED_SYSTEM_CHECKS: list[str] = []
# User.email is sealed (random bytes per value); its uniqueness is held by the
# unique blind index User.email_index, which the username check cannot see.
SILENCED_SYSTEM_CHECKS += ["auth.W004"]
