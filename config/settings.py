"""Postmortems settings: one module, every deployment knob read from the environment.

With nothing set (and DEBUG=1) the site runs on SQLite and Celery's filesystem transport under
var/, so `make run` needs no server. Set DATABASE_URL and CELERY_BROKER_URL for PostgreSQL and
Redis. See README.md for the full list.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_int,
    env_list,
    env_role_map,
    env_severity_map,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        f"SECRET_KEY is {len(SECRET_KEY)} characters long; at least 50 are required when DEBUG "
        "is off (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "Postmortems")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "config.apps.StaticFilesConfig",  # django.contrib.staticfiles, axe-core left out
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config",
    "accounts",
    "postmortems",
    "slos",
    "trackers",
    "api",
]

MIDDLEWARE = [
    "config.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML, JSON and CSV gzipped (static files already are, by WhiteNoise). BREACH: pages that
    # echo user input also carry the CSRF token, but Django masks that token afresh on every
    # response and GZipMiddleware pads each response with random bytes (Django >= 4.2), so
    # compression does not leak it; session cookies and API tokens are never in a body.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.sessions.SessionRefreshMiddleware",  # saves a session once per refresh interval
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A change sent to a part of an incident in the trash: said so, with what was typed.
    "postmortems.middleware.ChangesInTrashMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its page
]
# Content-Security-Policy (django-csp): scripts only from this site's static files, never
# inline (no <script> blocks, no on…= attributes, no eval); style attributes are allowed
# (progress bars' widths). Nothing may frame the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", "sqlite:///var/db.sqlite3")
DATABASES = {"default": parse_database_url(DATABASE_URL, base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address lock that pair out for LOGIN_LOCKOUT_MINUTES, the right password included.
# The address is the connection's own (a client cannot choose it with X-Forwarded-For);
# behind N proxies set LOGIN_PROXY_COUNT=N.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
                                     if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"])
# Sign-ins through the provider (single sign-on) are not password guesses: not counted.
AXES_WHITELIST_CALLABLE = "accounts.sso.is_provider_sign_in"
# Single sign-on (OpenID Connect, accounts/sso.py), on when OIDC_DISCOVERY_URL is set: the
# provider's /.well-known/openid-configuration (read on first use and cached, never at start-up).
# OIDC_ROLE_MAP maps the groups in the OIDC_ROLE_CLAIM claim to roles on every sign-in (the
# highest wins; a user in none of them is refused); without a map roles are set on the users
# page. LOCAL_PASSWORDS=0 leaves single sign-on as the only way in.
OIDC_DISCOVERY_URL = env_str("OIDC_DISCOVERY_URL")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_ROLE_CLAIM = env_str("OIDC_ROLE_CLAIM", "groups")
OIDC_ROLE_MAP = env_role_map("OIDC_ROLE_MAP")
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
if OIDC_DISCOVERY_URL:
    if urlsplit(OIDC_DISCOVERY_URL).scheme not in ("http", "https"):
        raise ImproperlyConfigured(
            f"OIDC_DISCOVERY_URL={OIDC_DISCOVERY_URL!r} is not an http(s) URL: give the "
            "provider's https://…/.well-known/openid-configuration.")
    for _name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if not globals()[_name]:
            raise ImproperlyConfigured(
                f"{_name} is required with OIDC_DISCOVERY_URL: register this site at the "
                "provider (README, Single sign-on) and set the client id and secret it gives.")
    if "openid" not in OIDC_SCOPES.split():
        raise ImproperlyConfigured(f"OIDC_SCOPES={OIDC_SCOPES!r} must include openid.")
    AUTHENTICATION_BACKENDS.insert(1, "accounts.sso.SsoBackend")
elif not LOCAL_PASSWORDS:
    raise ImproperlyConfigured(
        "LOCAL_PASSWORDS=0 needs single sign-on (OIDC_DISCOVERY_URL): else nobody can sign in.")
if not LOCAL_PASSWORDS:
    AUTHENTICATION_BACKENDS.remove("django.contrib.auth.backends.ModelBackend")
# Invitation links (the users page) work once, for INVITE_DAYS days.
INVITE_DAYS = env_int("INVITE_DAYS", 7, minimum=1)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# Times are stored in UTC and shown in UTC, labelled as such.
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "postmortems@localhost")

# Sessions end after SESSION_IDLE_SECONDS without a request (8 hours by default). A request
# saves the session (pushing its expiry out again) only when it was last saved
# SESSION_REFRESH_SECONDS ago (5 minutes by default), not on every request: a session ends
# between IDLE - REFRESH and IDLE seconds after the last request (config/sessions.py).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 8 * 3600, minimum=60)
SESSION_REFRESH_SECONDS = min(env_int("SESSION_REFRESH_SECONDS", 300, minimum=0),
                              SESSION_COOKIE_AGE // 2)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "config.sessions"  # the database store, refusing keys Django never issues

# HTTPS. Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from
# clients), SECURE_PROXY_SSL_HEADER=1 lets Django see HTTPS; SECURE_SSL_REDIRECT=1 and
# SECURE_HSTS_SECONDS=31536000 are then the production settings (README, Security).
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
if env_bool("SECURE_PROXY_SSL_HEADER", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probes speak plain HTTP inside
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Celery: Redis (or any kombu URL) when CELERY_BROKER_URL is set, else folders under var/.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),  # else ./control
    }
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND",
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith("redis")
    else f"file://{VAR_DIR / 'celery' / 'results'}",
)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "postmortems")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (SIGKILL, OOM) gives its task back instead of dropping it; Redis
# hands an unacknowledged task to another worker after the visibility timeout, matched to the
# longest task (the hard time limit) plus the longest retry countdown, not Redis's 1 hour.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
        "socket_connect_timeout": 2, "socket_timeout": 5,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {}

# SLO polling: every SLO_POLL_INTERVAL seconds, at most SLO_POLL_CONCURRENCY raw queries at
# once; a failed poll is retried after SLO_RETRY_BACKOFF s, doubling, SLO_MAX_RETRIES times.
SLO_POLL_INTERVAL = env_int("SLO_POLL_INTERVAL", 60, minimum=1)
SLO_POLL_CONCURRENCY = env_int("SLO_POLL_CONCURRENCY", 8, minimum=1)
SLO_RETRY_BACKOFF = env_int("SLO_RETRY_BACKOFF", 5, minimum=1)
SLO_MAX_RETRIES = env_int("SLO_MAX_RETRIES", 3, minimum=0)
CELERY_BEAT_SCHEDULE["poll-slos"] = {
    "task": "slos.poll_all", "schedule": float(SLO_POLL_INTERVAL),
    "options": {"expires": float(SLO_POLL_INTERVAL)},
}
CELERY_BEAT_SCHEDULE["send-outbox"] = {"task": "config.send_outbox", "schedule": 60.0}
# Expired sessions deleted daily, 03:40 UTC (`manage.py clearsessions` does the same).
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {"task": "config.clear_expired_sessions",
                                                  "schedule": crontab(minute=40, hour=3)}
# Snapshot retention tiers (slos.models.snapshots: downsample, hourly): every poll for
# SLO_SNAPSHOT_RAW_HOURS, one per 5 minutes up to SLO_SNAPSHOT_FIVE_MINUTE_DAYS, one per hour
# within the SLO window, one per day beyond (1,000 SLOs on 28-day windows: under 1 GB).
SLO_SNAPSHOT_RAW_HOURS = env_int("SLO_SNAPSHOT_RAW_HOURS", 48, minimum=1)
SLO_SNAPSHOT_FIVE_MINUTE_DAYS = env_int("SLO_SNAPSHOT_FIVE_MINUTE_DAYS", 3, minimum=1)
CELERY_BEAT_SCHEDULE["downsample-slo-snapshots"] = {"task": "slos.downsample",
                                                   "schedule": 3600.0}
# The monthly compliance report: the month that just ended, measured for every SLO and stored
# (final once measured after the month's end; later runs that month do nothing).
CELERY_BEAT_SCHEDULE["measure-slo-months"] = {"task": "slos.measure_month",
                                              "schedule": crontab(minute=20, hour="*/6")}

# Postmortems: the weekly action-item digest (also `manage.py send_digest`), Mondays 07:00 UTC.
CELERY_BEAT_SCHEDULE["postmortems-weekly-digest"] = {
    "task": "postmortems.send_weekly_digest",
    "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
}
# Ticket keys like OPS-123 become links: TICKET_URL_TEMPLATE=https://jira.example.com/browse/{key}
TICKET_URL_TEMPLATE = env_str("TICKET_URL_TEMPLATE")
if TICKET_URL_TEMPLATE and "{key}" not in TICKET_URL_TEMPLATE:
    raise ImproperlyConfigured(
        f"TICKET_URL_TEMPLATE={TICKET_URL_TEMPLATE!r} must contain {{key}}, e.g. "
        "https://jira.example.com/browse/{key}."
    )
# The role of a user in none of the groups viewer/editor/admin (accounts/roles.py).
POSTMORTEMS_DEFAULT_ROLE = env_str("POSTMORTEMS_DEFAULT_ROLE", "editor")
if POSTMORTEMS_DEFAULT_ROLE not in ("viewer", "editor", "admin"):
    raise ImproperlyConfigured(
        f"POSTMORTEMS_DEFAULT_ROLE={POSTMORTEMS_DEFAULT_ROLE!r} must be viewer, editor or admin."
    )

# The site's own Prometheus metrics. When METRICS_TOKEN is set, /metrics wants
# "Authorization: Bearer <token>"; without one it is open in DEBUG or with METRICS_PUBLIC=1.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_PUBLIC = env_bool("METRICS_PUBLIC", DEBUG)
PROMETHEUS_URL = env_str("PROMETHEUS_URL", "http://127.0.0.1:9090")
# Data sources may only point at these hosts ("host" or "host:port"): the server calls them.
PROMETHEUS_ALLOWED_HOSTS = env_list(
    "PROMETHEUS_ALLOWED_HOSTS",
    [urlsplit(PROMETHEUS_URL).hostname or ""]
    + (["127.0.0.1", "localhost", "::1"] if DEBUG else []),
)
# Ticket trackers (trackers/): Jira, GitHub and GitLab connections made by admins. Their
# credentials are encrypted with TRACKER_ENCRYPTION_KEY (Fernet keys, comma-separated: the first
# encrypts, all decrypt, for rotation); without it trackers are off and say so. The server calls
# only hosts in TRACKER_ALLOWED_HOSTS ("host", "host:port" or "*.domain").
TRACKER_ENCRYPTION_KEYS = env_list("TRACKER_ENCRYPTION_KEY")
if TRACKER_ENCRYPTION_KEYS:
    from cryptography.fernet import Fernet

    for _key in TRACKER_ENCRYPTION_KEYS:
        try:
            Fernet(_key)
        except ValueError:
            raise ImproperlyConfigured(
                "TRACKER_ENCRYPTION_KEY holds a value that is not a Fernet key (32 url-safe "
                "base64-encoded bytes); make one with python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'.") from None
TRACKER_ALLOWED_HOSTS = env_list(
    "TRACKER_ALLOWED_HOSTS",
    ["api.github.com", "gitlab.com", "*.atlassian.net"]
    + (["127.0.0.1", "localhost", "::1"] if DEBUG else []),
)
TRACKER_TIMEOUT = env_int("TRACKER_TIMEOUT", 5, minimum=1)  # seconds per request
# Linked tickets are polled every TRACKER_POLL_INTERVAL seconds, at most TRACKER_POLL_BATCH a
# run; a failed call is retried after TRACKER_RETRY_BACKOFF s, doubling, up to an hour.
TRACKER_POLL_INTERVAL = env_int("TRACKER_POLL_INTERVAL", 300, minimum=10)
TRACKER_POLL_BATCH = env_int("TRACKER_POLL_BATCH", 200, minimum=1)
TRACKER_RETRY_BACKOFF = env_int("TRACKER_RETRY_BACKOFF", 60, minimum=1)
CELERY_BEAT_SCHEDULE["poll-tickets"] = {
    "task": "trackers.poll_tickets", "schedule": float(TRACKER_POLL_INTERVAL),
    "options": {"expires": float(TRACKER_POLL_INTERVAL)},
}
# The site's public address: SLO alerts link to their SLO page under it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
HEALTHZ_BROKER_TIMEOUT = env_int("HEALTHZ_BROKER_TIMEOUT", 3, minimum=1)

# The REST API under /api/v1/ (api/): a session or an API token; roles as on the pages.
# Every API list (/api/v1/ and /api/slos/) answers at most API_MAX_PAGE_SIZE results a page,
# whatever ?page_size= asks.
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 500, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",  # first: anonymous callers get 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.SchemaWithErrors",
    "EXCEPTION_HANDLER": "api.errors.handle",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Incidents, postmortems, action items, meetings and SLOs. Send "
                   "'Authorization: Bearer <API token>' (create one on your profile page).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",  # vendored by drf-spectacular-sidecar: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"AlertStatusEnum": ["firing", "resolved"]},
}

# POST /api/v1/alertmanager/ (off, 404, until ALERTMANAGER_TOKEN is set): alert groups open
# incidents. Severity from a label through a map (label value=SEV number), services from a label.
ALERTMANAGER_TOKEN = env_str("ALERTMANAGER_TOKEN")
ALERTMANAGER_SEVERITY_LABEL = env_str("ALERTMANAGER_SEVERITY_LABEL", "severity")
ALERTMANAGER_SEVERITY_MAP = env_severity_map(
    "ALERTMANAGER_SEVERITY_MAP", "critical=1,page=1,error=2,warning=3,ticket=4,info=4")
ALERTMANAGER_DEFAULT_SEVERITY = env_int("ALERTMANAGER_DEFAULT_SEVERITY", 3, minimum=1)
if ALERTMANAGER_DEFAULT_SEVERITY > 4:
    raise ImproperlyConfigured("ALERTMANAGER_DEFAULT_SEVERITY must be 1 to 4 (SEV1-SEV4).")
ALERTMANAGER_SERVICE_LABEL = env_str("ALERTMANAGER_SERVICE_LABEL", "service")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per Prometheus query would drown the log of every SLO poll cycle.
        "httpx": {"level": "WARNING"},
    },
}
