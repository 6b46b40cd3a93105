"""Settings for the renovation platform: every value comes from the environment.

Defaults are the embedded set-up (SQLite, tasks run in-process, local-memory cache) so that a
fresh clone runs with nothing installed but Python. Production sets DATABASE_URL, REDIS_URL,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (see README and .env.example).
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example)."
        )
    # A development-only key: never used with DEBUG off (refused above).
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # nosec B105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "renovation.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",  # login throttling (see "Logging in" below)
    "health_check",  # /healthz/ and the status page (renovation.views); `manage.py health_check`
    "renovation",
    "programmes",
    "funding",
    "governance",
    "reporting",
    "sampledata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "renovation.middleware.PreferredLanguageMiddleware",
    # A database that cannot be reached answers 503 with Retry-After, not a 500.
    "renovation.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Control characters are dropped from every posted form field (the API's parsers do it too).
    "renovation.middleware.ControlCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "renovation.urls"
WSGI_APPLICATION = "renovation.wsgi.application"

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
                "reporting.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL through DATABASE_URL in production and CI.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "renovation.User"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Officials' accounts open personal data of residents: 12 characters at least, not a common
# password, not all digits, not close to the username or name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's MinimumLengthValidator with a message the project translates.
        "NAME": "renovation.security.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("DJANGO_PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logging in (django-axes): after AXES_FAILURE_LIMIT failed attempts for one username from one
# address, that pair is refused for AXES_COOLOFF_TIME (the lockout page answers 429); a
# success resets the count. The pair rather than the username alone, so that nobody can lock
# an official out by knowing the username; guessing from many addresses is bounded by a second,
# higher limit per username across all addresses (RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT,
# renovation.security.LoginThrottleHandler) and by the password rules above.
AXES_ENABLED = env.bool("DJANGO_AXES_ENABLED", default=True)
AXES_HANDLER = "renovation.security.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_FAILURE_LIMIT = env.int("RENOVATION_LOGIN_FAILURE_LIMIT", default=5)
RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT = env.int(
    "RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT", default=30
)
AXES_COOLOFF_TIME = env.float("RENOVATION_LOGIN_COOLOFF_MINUTES", default=15.0) / 60
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "renovation.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "renovation.security.client_ip"
# Number of reverse proxies in front of the app that append to X-Forwarded-For (nginx,
# a load balancer). 0: X-Forwarded-For is ignored and the client is REMOTE_ADDR; a client could
# otherwise choose its own address and escape every per-address limit. One rule for the login
# throttle, the API's anonymous throttle and the public objection form:
# renovation.security.client_ip (django-ipware).
RENOVATION_TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
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
# Uploads (renovation/uploads.py): checked by content, stored under MEDIA_ROOT (never under
# STATIC_ROOT, never served as static files) and served only through scoped views.
# Form fields other than files: 10 MB at most; files above 5 MB go to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_HANDLERS = [
    "renovation.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A whole multipart request (several photos from a phone at once) is refused above this.
RENOVATION_UPLOAD_MAX_REQUEST_BYTES = env.int(
    "RENOVATION_UPLOAD_MAX_REQUEST_BYTES", default=100 * 1024 * 1024
)
PHOTO_MAX_BYTES = env.int("RENOVATION_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
# Photos are re-encoded without metadata, scaled down to this many pixels on the longest side.
RENOVATION_PHOTO_MAX_SIDE = env.int("RENOVATION_PHOTO_MAX_SIDE", default=4096)
# An .xlsx sheet whose parts unpack to more than this is refused (zip bomb).
RENOVATION_SHEET_MAX_UNPACKED_BYTES = env.int(
    "RENOVATION_SHEET_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024
)

# Cache and task queue: Redis when REDIS_URL is set, otherwise in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies (killed, out of memory) goes back to the queue rather than
# being dropped as failed: every task here recomputes from source, so running it again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Queueing a task from a web request must not hang when the broker is down: fail fast (the
# rollup marks stay in the database and the beat catches up).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Redis: a message delivered to a worker that then vanished (the whole worker killed, the
    # machine lost) is handed to another worker once it has been unacknowledged this long. It
    # must exceed the longest task (CELERY_TASK_TIME_LIMIT, 30 minutes) and the longest
    # countdown, or a task still running would be delivered twice. The fault tests shorten it.
    "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds a statistics refresh waits after a change, so that a burst of changes gives one.
RENOVATION_ROLLUP_REFRESH_COUNTDOWN = env.int("RENOVATION_ROLLUP_REFRESH_COUNTDOWN", default=10)

# Sessions and cookies: secure in production (DEBUG off) unless explicitly turned off for a
# plain-HTTP intranet deployment.
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Under /api/ a CSRF refusal answers in the API's JSON error shape.
CSRF_FAILURE_VIEW = "renovation.api.failures.csrf_failure"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# The load balancer's health check reaches the app over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
# Preloading is a commitment to the browsers' lists that an intranet host name cannot make,
# so the deploy check's reminder about it is silenced unless preloading is asked for.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content Security Policy (django-csp): scripts, styles, images and connections from this site
# only. Pages carry no inline script, event handler attribute or style attribute (data for the
# charts travels in json_script blocks, which browsers do not execute); scripts may still set
# element.style (CSSOM), which the policy allows. ECharts draws SVG and may use data: images.
# The Django admin alone relaxes style-src (renovation.admin_site), for its own templates.
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
    },
}

# REST API (renovation/api): tokens for clients (created and revoked in admin), the session for
# the browser; one error shape; per-key throttling; lists paginated with a Link header.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous request gets 401 with WWW-Authenticate (not 403).
        "renovation.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "renovation.api.permissions.IsAuthenticatedAfterAnonymousThrottle",
        "renovation.api.permissions.ApiClientReadOnly",
        "renovation.api.permissions.ApiKeyPermission",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "renovation.api.renderers.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["renovation.api.parsers.CleanJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "renovation.api.pagination.LinkHeaderPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "renovation.api.throttling.ApiKeyRateThrottle",
        "renovation.api.throttling.AnonymousRateThrottle",
    ],
    "EXCEPTION_HANDLER": "renovation.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "renovation.api.schema.ApiAutoSchema",
    "SEARCH_PARAM": "q",
    "ORDERING_PARAM": "ordering",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests per key (token or session user) and per anonymous address; "600/min", "10/s", ...
RENOVATION_API_RATES = {
    "user": env.str("RENOVATION_API_RATE", default="600/min"),
    "anon": env.str("RENOVATION_API_ANON_RATE", default="60/min"),
}
RENOVATION_API_PAGE_SIZE = env.int("RENOVATION_API_PAGE_SIZE", default=50)
# API statistics answers are cached until the data changes (renovation/api/caching.py); this
# bounds how long an answer may outlive a change whose invalidation was lost. 0 disables.
RENOVATION_STATISTICS_CACHE_SECONDS = env.int("RENOVATION_STATISTICS_CACHE_SECONDS", default=300)
RENOVATION_API_MAX_PAGE_SIZE = env.int("RENOVATION_API_MAX_PAGE_SIZE", default=500)

SPECTACULAR_SETTINGS = {
    "TITLE": "Old Compound Renovation API",
    "DESCRIPTION": (
        "Registry, programmes, projects, progress, site problems and statistics of the old "
        "residential compound renovation platform (城镇老旧小区改造). Authenticate with "
        "`Authorization: Token <key>` (named keys issued and revoked by district officials, "
        "with an expiry; see `/api/v1/api-keys/`) or the browser "
        "session. Errors share one JSON shape; lists are paginated with an RFC 8288 `Link` "
        "header and can be downloaded as CSV with `?format=csv` or `Accept: text/csv`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "programmes.models.Stage",
        "CategoryEnum": "programmes.models.Category",
        "UserRoleEnum": "renovation.models.User.Role",
        "CommitteeMemberRoleEnum": "governance.models.CommitteeMember.Role",
        # The resident-contribution sub-types (a subset of SubTypeEnum).
        "ResidentSubTypeEnum": "funding.rule_services.RESIDENT_SUB_TYPES",
        "SubTypeEnum": "funding.models.SubType",
        # Money or in kind (资金/实物/代建/免费实施); "mode" is also long-term management's.
        "ContributionModeEnum": "funding.models.Commitment.Mode",
        "ManagementModeEnum": "governance.models.LongTermManagement.Mode",
    },
}

# E-mail (reminders): printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@renovation.local")
# Absolute links in e-mails, e.g. https://gxq.example.gov.cn
RENOVATION_SITE_URL = env.str("RENOVATION_SITE_URL", default="")

# Exports: ledgers above this many compounds are written by a worker; files kept this long.
RENOVATION_EXPORT_ASYNC_COMPOUNDS = env.int("RENOVATION_EXPORT_ASYNC_COMPOUNDS", default=5000)
RENOVATION_EXPORT_KEEP_DAYS = env.int("RENOVATION_EXPORT_KEEP_DAYS", default=7)
# Statistics snapshots: every day for this many days, then the last one of each month.
RENOVATION_SNAPSHOT_KEEP_DAILY_DAYS = env.int("RENOVATION_SNAPSHOT_KEEP_DAILY_DAYS", default=90)
# Reminders: disclosure windows closing within this many days are flagged.
RENOVATION_DISCLOSURE_CLOSING_DAYS = env.int("RENOVATION_DISCLOSURE_CLOSING_DAYS", default=2)

# Programme rules with safe defaults; each programme can override its own in the database.
RENOVATION_PROBLEM_OVERDUE_HOURS = env.int("RENOVATION_PROBLEM_OVERDUE_HOURS", default=24)
RENOVATION_PAGE_SIZE = env.int("RENOVATION_PAGE_SIZE", default=25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
