"""Project wiring. Everything environment-specific comes from environment variables."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(os.environ.get("CHAINCHIEF_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
DEMO_SECRET_KEY = "insecure-demo-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEMO_SECRET_KEY)
# A production deployment (DJANGO_PRODUCTION=1) refuses to start with DEBUG on or the demo's secret key, and
# turns on HSTS and secure cookies, which need HTTPS (the demo on http://127.0.0.1 cannot have them).
PRODUCTION = os.environ.get("DJANGO_PRODUCTION", "0") == "1"
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if DEBUG:
        raise ImproperlyConfigured("DJANGO_PRODUCTION=1 with DJANGO_DEBUG=1: production does not run in debug mode.")
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("DJANGO_PRODUCTION=1 needs its own DJANGO_SECRET_KEY of at least 32 characters.")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks.backends.database",
    "chainchief.core",
    "chainchief.accounts",
    "chainchief.audit",
    "chainchief.attachments",
    "chainchief.chains",
    "chainchief.enterprises",
    "chainchief.maps",
    "chainchief.monitoring",
    "chainchief.work",
    "chainchief.investment",
    "chainchief.insights",
    "chainchief.briefings",
    "chainchief.province",
    "chainchief.appeals",
    "chainchief.imports",
    "chainchief.api",
    "chainchief.web",
    "chainchief.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chainchief.core.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chainchief.core.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chainchief.accounts.middleware.OTPRequiredMiddleware",
    "chainchief.accounts.middleware.IdleTimeoutMiddleware",
    "chainchief.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "chainchief.audit.middleware.RequestIdMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chainchief.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chainchief.web.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "chainchief.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'chainchief.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A reused connection is checked before a request uses it, so that a database restarted (or a connection
        # cut) under the application costs no failed request (core/tests/test_faults.py).
        conn_health_checks=os.environ.get("DB_CONN_HEALTH_CHECKS", "1") == "1",
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# PostgreSQL in production: the application's role (DATABASE_URL) does not own the tables; the owner's URL (same
# server and database, another user) is used by migrate, grant_app_role, archive_audit, backup and restore only
# (chainchief.core.dbroles).
DATABASE_OWNER, DATABASE_APP_ROLE = None, None
if os.environ.get("DATABASE_OWNER_URL"):
    from django.core.exceptions import ImproperlyConfigured

    _owner = dj_database_url.parse(os.environ["DATABASE_OWNER_URL"])
    if any(_owner.get(k) != DATABASES["default"].get(k) for k in ("ENGINE", "HOST", "PORT", "NAME")):
        raise ImproperlyConfigured("DATABASE_OWNER_URL must name the same server and database as DATABASE_URL.")
    DATABASE_OWNER = {"USER": _owner["USER"], "PASSWORD": _owner["PASSWORD"]}
    if DATABASES["default"].get("USER") != _owner["USER"]:
        DATABASE_APP_ROLE = DATABASES["default"].get("USER")
# Room for an import's staging tables in the session's own memory (PostgreSQL's default of 8 MB sends a large
# sheet's temporary tables to disk). Taken only by sessions that use temporary tables; set empty behind a
# connection pooler that refuses startup options.
DB_TEMP_BUFFERS = os.environ.get("DB_TEMP_BUFFERS", "128MB")
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DB_TEMP_BUFFERS:
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c temp_buffers={DB_TEMP_BUFFERS}".strip()
# The query every request makes (the signed-in user and the cache stamp) is a prepared statement on PostgreSQL.
# Set 0 behind a connection pooler in transaction mode that does not keep prepared statements.
DB_PREPARED_STATEMENTS = os.environ.get("DB_PREPARED_STATEMENTS", "1") == "1"

# Caches: CACHE_URL picks the backend. Unset: a file cache in the var directory, which every process of one
# machine shares. redis://host:6379/0 (or rediss://): Redis, for several app servers (docs/scaling.md).
# locmem://: this process only (then sessions stay in the database, and the cache stamp is read from the
# database on every request: a logout or a change must reach every process). Cached values are stored under
# the stamp (chainchief.core.stamps); what the cache shares between processes is the sessions and the stamp.
def _cache(url):
    if not url:
        return {"BACKEND": "chainchief.core.cache.FileCache",
                "LOCATION": str(VAR_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 20000}}
    scheme = url.split("://", 1)[0]
    if scheme in ("redis", "rediss", "unix"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chainchief"}
    if scheme == "file":
        return {"BACKEND": "chainchief.core.cache.FileCache", "LOCATION": url[len("file://"):],
                "OPTIONS": {"MAX_ENTRIES": 20000}}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ValueError(f"CACHE_URL: unknown scheme {scheme!r} (redis, rediss, unix, file, locmem, dummy)")


CACHES = {"default": {**_cache(os.environ.get("CACHE_URL", "")), "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "")}}
# Sessions are read from the cache and written through to the database, when the cache is shared by every
# process (a logout deletes the session there for all of them).
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", (
    "django.contrib.sessions.backends.db" if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
    else "django.contrib.sessions.backends.cached_db"))

# How long the cache stamp, once read from the database, is shared through the cache (chainchief.core.stamps):
# writes through the application count at once regardless; a write made outside it (an SQL console) counts
# within this many seconds. 0: read it from the database on every request (one small query each).
CACHE_STAMP_SECONDS = float(os.environ.get("CACHE_STAMP_SECONDS", "1"))

AUTH_USER_MODEL = "accounts.User"
# Django's model backend, with the signed-in user's row cached under the cache stamp.
# Before it, django-axes' lockout (chainchief.accounts.lockout): 5 failed logins lock a username from the address
# they came from, an address that fails with 10 usernames is throttled, and 20 failures from any addresses lock the
# username everywhere (GB/T 22239-2019 level 3, 登录失败处理); each for 15 minutes.
AUTHENTICATION_BACKENDS = ["chainchief.accounts.backends.LockoutBackend", "chainchief.accounts.backends.UserBackend"]
AXES_HANDLER = "chainchief.accounts.lockout.LoginAttempts"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_USERNAME_LIMIT = int(os.environ.get("LOGIN_ADDRESS_USERNAME_LIMIT", "10"))
LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("LOGIN_USERNAME_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# What a successful login clears: the failures of that username from that address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries while locked are refused without being counted: one address cannot push a username to its lockout everywhere.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "chainchief.accounts.lockout.response"
AXES_CLIENT_IP_CALLABLE = "chainchief.accounts.lockout.client_address"
AXES_VERBOSE = False
# Behind a reverse proxy (nginx …): how many proxies add themselves to X-Forwarded-For; the client's address is the
# entry the first of them added. 0: REMOTE_ADDR (the application faces the clients).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# A session ends after this many minutes without a request (chainchief.accounts.middleware).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
# The optional second factor of administrators (django-otp, TOTP: accounts.otp). With OTP_REQUIRED (on in production
# unless set to 0) a superuser without a device must enrol one before anything else.
OTP_REQUIRED_FOR_SUPERUSERS = os.environ.get("OTP_REQUIRED", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "链长制工作平台")
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "chainchief.accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # None of the user's last PASSWORD_HISTORY passwords (their hashes are kept: accounts.PasswordHistory).
    {"NAME": "chainchief.accounts.passwords.PasswordHistoryValidator",
     "OPTIONS": {"count": int(os.environ.get("PASSWORD_HISTORY", "5"))}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "chainchief" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Attachments (a request's documents …): outside the static root, served only through the permission check.
ATTACHMENT_DIR = Path(os.environ.get("ATTACHMENT_DIR", VAR_DIR / "attachments"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
# The work ledger: a decision's "within N days" counts working days of China's official calendar (chinese-calendar)
# unless WORK_WORKING_DAYS=0; a task is reminded WORK_REMIND_DAYS days before its deadline.
WORK_WORKING_DAYS = os.environ.get("WORK_WORKING_DAYS", "1") not in ("0", "false", "False")
WORK_REMIND_DAYS = int(os.environ.get("WORK_REMIND_DAYS", "3"))
# Briefings: generated Word and PDF files are kept here (outside the web root, served only with sight of the
# issue); an issue of more chains than BRIEFING_QUEUE_CHAINS is generated by the task worker.
BRIEFING_DIR = Path(os.environ.get("BRIEFING_DIR", VAR_DIR / "briefings"))
BRIEFING_QUEUE_CHAINS = int(os.environ.get("BRIEFING_QUEUE_CHAINS", "20"))
# Front-end packages come from npm (package.json) and are served locally: no CDN.
NODE_MODULES = BASE_DIR / "node_modules"
# Only the files the pages use are collected (chainchief.web.finders.VENDOR), not the packages' whole dist folders.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "chainchief.web.finders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security headers (also in the demo): no framing, no MIME sniffing, the referrer only within the site.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (django-csp), in the demo too: scripts only from the site's own static files (no inline
# script or event handler: web/static/web/js/app.js reads data-confirm, data-autosubmit …), no plugins, no framing,
# forms post only to the site. Styles allow 'unsafe-inline': templates carry style="" attributes and ECharts'
# tooltips and htmx write inline styles; a style cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"

# The change log is kept at least this many days; older rows may be archived (manage.py archive_audit).
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "180")))

# The API's OpenAPI document and interactive docs: public in the demo, for signed-in users only in production.
API_DOCS_PUBLIC = os.environ.get("API_DOCS_PUBLIC", "0" if PRODUCTION else "1") == "1"

# API tokens live this many hours (POST /api/v1/auth/token/refresh gives a new one before the old one ends).
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "8"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background work (long imports): django-tasks with its database backend; run `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("CHAINCHIEF_TASKS_BACKEND",
                                               "django_tasks.backends.database.DatabaseBackend")}}
