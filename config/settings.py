"""Settings for the whole platform, driven by environment variables.

With no environment set this is the *embedded default*: SQLite, the in-memory channel layer,
a local-memory cache and eager Celery tasks plus an in-process deadline sweeper
(see docs/architecture.md, "Deadlines"). With DATABASE_URL and REDIS_URL set it is production-shaped:
PostgreSQL, channels-redis, Redis as Celery broker and cache.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED = not REDIS_URL

DEBUG = env_bool("DEBUG", default=not DATABASE_URL)
# --- The secret key (docs/deployment.md, "The secret key") -----------------------------------------
# It signs sessions and keys the anonymised labels of deliberative polls, which promise they cannot
# be recomputed without it: a production-shaped start (DEBUG off, or DATABASE_URL set) refuses to run
# without a key of its own. Only the embedded default (make run, the smoke tests) uses the public one.
EMBEDDED_DEFAULT_SECRET_KEY = "django-insecure-embedded-default-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
# Former keys, comma-separated, still accepted: sessions survive a rotation, and the sealed ballots of a
# vote or verdict open while the key changed can still be opened at its close (docs/deployment.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
if not DEBUG or DATABASE_URL:
    if not SECRET_KEY or SECRET_KEY == EMBEDDED_DEFAULT_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a secret of your own (50+ random characters) when DEBUG is off or "
            "DATABASE_URL is set; the built-in key is public. See docs/deployment.md, 'The secret key'.")
else:
    SECRET_KEY = SECRET_KEY or EMBEDDED_DEFAULT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sites",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "accounts",
    "proposals",
    "deliberation",
    "voting",
    "imports",
    "governance",
    "budget",
    "frontend",
    "corsheaders",
]
# Kakao and Naver sign-in (docs/identity.md): a provider is installed only when its keys are configured.
SOCIAL_PROVIDER_KEYS = {
    provider: (os.environ.get(f"{provider.upper()}_CLIENT_ID", ""), os.environ.get(f"{provider.upper()}_SECRET", ""))
    for provider in ("kakao", "naver")
}
INSTALLED_APPS += [f"allauth.socialaccount.providers.{p}" for p, (key, _s) in SOCIAL_PROVIDER_KEYS.items() if key]
SOCIALACCOUNT_PROVIDERS = {
    p: {"APPS": [{"client_id": key, "secret": secret, "key": ""}]}
    for p, (key, secret) in SOCIAL_PROVIDER_KEYS.items() if key
}

MIDDLEWARE = [
    # First: refuses a body over its path's cap with 413 before anything reads it (see the block below).
    "frontend.body_limits.BodyLimitMiddleware",
    # HEAD gets GET's headers and no body (a streamed export is never run): frontend/head.py.
    "frontend.head.HeadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The import paths' larger body caps are for staff only (frontend/body_limits.py), before CSRF reads a body.
    "frontend.body_limits.StaffUploadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
if DEBUG and not env_bool("TECHNICAL_ERROR_PAGES", False):
    # The demo runs with DEBUG on: show people the site's own 404 and 500 pages, not Django's English
    # technical ones (TECHNICAL_ERROR_PAGES=1 brings those back for a developer). Outermost, so it sees all.
    MIDDLEWARE.insert(0, "frontend.errors.FriendlyErrorPagesMiddleware")

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The site's own templates first, so frontend/templates/allauth/ overrides allauth's layout.
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontend.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

if DATABASE_URL:
    # Health checks: a connection kept across a PostgreSQL restart is tested (and replaced) before a
    # request or task uses it, instead of failing that request once (docs/deployment.md, faults).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }

# The covering index of proposals (INCLUDE state) is PostgreSQL's; SQLite builds it without the column.
SILENCED_SYSTEM_CHECKS = [] if DATABASE_URL else ["models.W040"]

if REDIS_URL:
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import ExponentialWithJitterBackoff
    from redis.retry import Retry

    # Redis client settings, explicit because redis-py's defaults do not fit (docs/architecture.md,
    # "Fan-out", "Redis client settings"). redis-py 8 reads a reply for at most socket_timeout (5 s by
    # default), and channels-redis blocks in BZPOPMIN for 5 s: the two raced and a quiet layer read
    # raised TimeoutError every few seconds. The read timeout is therefore well above the blocking
    # read; connecting fails fast (a Redis that is down is seen in 2 s); a connection idle for 30 s
    # is checked with a PING before use; a command that meets a dropped connection (Redis
    # restarted) is sent once more on a new one.
    REDIS_BLOCKING_READ_SECONDS = 5  # channels_redis.core.RedisChannelLayer.brpop_timeout (4.3)
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The default pool of 100 connections fails a connect storm; see docs/architecture.md.
            # capacity: a room's burst waits in the layer for the process that reads it (one channel
            # per room per process with ROOM_FANOUT=local), so it is larger than the default 100.
            "CONFIG": {"hosts": [{
                "address": REDIS_URL, "max_connections": 1000,
                "socket_timeout": REDIS_BLOCKING_READ_SECONDS + 10,
                "socket_connect_timeout": 2,
                "socket_keepalive": True,
                "health_check_interval": 30,
                "retry": AsyncRetry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), 1),
            }], "capacity": 1000},
        }
    }
    # The cache is read by pages and rate limits: a Redis outage degrades it to a per-process local
    # cache instead of failing requests (config/cache.py), and its timeouts are short, so a Redis
    # that is away costs a request at most about a second, and one request a process every 2 s.
    CACHES = {"default": {
        "BACKEND": "config.cache.DegradingRedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0, "socket_keepalive": True,
                    "health_check_interval": 30,
                    # no retry: redis-py retries a command and its connect apart, so one retry made a
                    # Redis that accepts but never answers cost a page 4 s (config/cache.py probes again)
                    "retry": Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), 0)},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Readers who are not signed in get the proposal page, the listing, a vote page and the home page whole
# from the cache, at most this many seconds older than the database (frontend/page_cache.py); 0 turns it off.
ANONYMOUS_PAGE_SECONDS = int(os.environ.get("ANONYMOUS_PAGE_SECONDS", "5"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Sign-up asks for the consents the law requires (accounts/signup.py); a confirmed address signs the person in.
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm"}
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
SOCIALACCOUNT_FORMS = {"signup": "accounts.signup.SocialSignupForm"}
SOCIALACCOUNT_AUTO_SIGNUP = False  # the consents are asked on our form, even when Kakao or Naver gives an email
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# An identity provider (PASS / 본인인증) a city has a contract with: a dotted path to an
# accounts.identity.IdentityProvider subclass, or empty for none (docs/identity.md).
IDENTITY_PROVIDER = os.environ.get("IDENTITY_PROVIDER", "")
# The privacy officer (개인정보 보호책임자) named on /privacy/: set these for a real deployment.
PRIVACY_OFFICER = {
    "name": os.environ.get("PRIVACY_OFFICER_NAME", ""),
    "department": os.environ.get("PRIVACY_OFFICER_DEPARTMENT", ""),
    "email": os.environ.get("PRIVACY_OFFICER_EMAIL", ""),
    "phone": os.environ.get("PRIVACY_OFFICER_PHONE", ""),
}
# The operator (개인정보처리자) named on /privacy/ and /terms/; empty: the site's name.
SITE_OPERATOR = os.environ.get("SITE_OPERATOR", "")

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
# One date, time and number style per language (config/formats/<lang>/formats.py; docs/i18n.md).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# The browser code is native ES modules (frontend/static/frontend/, no build step): in production the
# manifest storage (whitenoise's, with support_js_module_import_aggregation on: frontend/storage.py) rewrites
# their relative imports ("./socket.js") to the hashed names, so a module and what it imports change names
# together (docs/architecture.md, "The browser code").
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    if DEBUG
    else {"BACKEND": "frontend.storage.ModuleManifestStaticFilesStorage"},  # whitenoise's, imports hashed too
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@participation.seoul.example")

# --- HTTPS (docs/deployment.md, "HTTPS and CSP") -----------------------------------------------------
# Production (DEBUG off) redirects plain HTTP to HTTPS, sends HSTS and secure cookies by default, so
# that `manage.py check --deploy` is clean. Behind a TLS proxy set BEHIND_TLS_PROXY=1 (trust its
# X-Forwarded-Proto); if that proxy itself redirects and sends HSTS, HTTPS_BY_PROXY=1 turns both off
# here (and their two deploy warnings, since the proxy does it). SECURE_SSL_REDIRECT=0 alone serves
# plain HTTP (the test services on 127.0.0.1).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
HTTPS_BY_PROXY = env_bool("HTTPS_BY_PROXY", False)
if BEHIND_TLS_PROXY or HTTPS_BY_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not HTTPS_BY_PROXY)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or HTTPS_BY_PROXY else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browsers' built-in lists that is slow to undo: the operator's decision.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS += ["security.W021"] + (["security.W004", "security.W008"] if HTTPS_BY_PROXY else [])
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Content-Security-Policy: config/security.py (strict scripts; its POLICY is the default).

# Celery: Redis as broker in production; in the embedded default tasks run eagerly in-process and
# an in-process sweeper (proposals.scheduler) honours deadlines stored in the database.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = EMBEDDED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# Surviving a broker outage (docs/deployment.md, "Supervision"): retry the connection at start and
# for ever after a loss (the default gives up after 100 tries and the worker exits). A task running
# when the connection is lost is left to finish, not cancelled: a Redis restarted without
# persistence would never redeliver it, and every task is idempotent if it is redelivered too.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "proposals.tasks.sweep_deadlines", "schedule": 30.0},
    # Round deadlines have exact-time tasks; this only catches what a lost task or a restart missed.
    "sweep-rounds": {"task": "deliberation.tasks.sweep_rounds", "schedule": 5.0},
    # Votes open and close at their times, and are tallied, by this sweep (voting/services/lifecycle.py).
    "sweep-votes": {"task": "voting.tasks.sweep_votes", "schedule": 30.0},
}
# The embedded default has no beat: `manage.py runembedded` runs these sweeps in a thread, every
# EMBEDDED_SWEEP_SECONDS (1 s, so a round ends within a second of its deadline there too).
EMBEDDED_SWEEPS = ["proposals.tasks.sweep_deadlines", "deliberation.tasks.sweep_rounds", "voting.tasks.sweep_votes",
                   "governance.dashboard.tasks.sweep_tallies", "governance.committees.tasks.close_due_calls",
                   "budget.cycles.tasks.advance_due_cycles", "budget.execution.tasks.sync_tallied_cycles"]
EMBEDDED_SWEEP_SECONDS = float(os.environ.get("EMBEDDED_SWEEP_SECONDS", "1"))

# How room events reach sockets (deliberation/rooms/realtime/fanout.py, docs/architecture.md "Fan-out"): "local", one
# channel-layer subscription per room per process; "group", Channels' stock group of every socket.
# The sockets one signed-in person may hold open: per room (tabs, a phone and a laptop) and over all
# rooms; one more is refused with close code 4429 (docs/realtime-protocol.md).
ROOM_MAX_SOCKETS_PER_USER = int(os.environ.get("ROOM_MAX_SOCKETS_PER_USER", "5"))
USER_MAX_SOCKETS = int(os.environ.get("USER_MAX_SOCKETS", "20"))
ROOM_FANOUT = os.environ.get("ROOM_FANOUT", "local")
if ROOM_FANOUT not in ("local", "group"):
    raise ImproperlyConfigured("ROOM_FANOUT must be 'local' or 'group'")
# Under daphne, a room's events are written to its sockets as ready-made frames (realtime/wire.py); "0" sends
# each through ASGI instead (the benchmark's comparison, and a way back should a daphne upgrade break it).
ROOM_DIRECT_SEND = os.environ.get("ROOM_DIRECT_SEND", "1") == "1"
# The rooms whose shared hello part (deliberation/rooms/services/rooms.py) a process keeps, the ones used last;
# a part is reused for at most a second, so this only needs to cover the rooms connecting at one moment.
ROOM_HELLO_CACHE_MAX = int(os.environ.get("ROOM_HELLO_CACHE_MAX", "256"))

# --- The open-data API (docs/api.md) ----------------------------------------------------------------
# Reads from any site (CORS) for /api/ and /feeds/ only, and only GET/HEAD/OPTIONS: nothing else is allowed
# cross-site, and no credentials (cookies) go with a cross-site request.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|feeds)/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Retry-After")
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/m")  # per client address
NINJA_NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0")) or None  # X-Forwarded-For hops trusted (ninja get_ident)
# allauth's login-failure limit is per client address too: behind NUM_PROXIES proxies, the address those proxies
# put in X-Forwarded-For (gunicorn, unlike daphne --proxy-headers, leaves REMOTE_ADDR the proxy's; deployment.md).
ALLAUTH_TRUSTED_PROXY_COUNT = NINJA_NUM_PROXIES or 0
BENCH_BASELINE = env_bool("BENCH_BASELINE", False)  # mounts /api/baseline/proposals/ (governance/api/baseline.py)

# Per-user rate limits: action -> (max events, window seconds). Overridable in tests.
RATE_LIMITS = {
    "proposal.create": (5, 3600),
    "comment.create": (20, 600),
    "flag.create": (20, 3600),
    "support.toggle": (60, 60),
    "chat.message": (20, 30),
}

# --- Request bodies and uploaded imports (docs/deployment.md "Request body limits" and "Imports") ---
# Every request body is capped at REQUEST_BODY_MAX_BYTES, except staff's import forms, which get their
# file's limit (plus room for the form's other fields). The cap is enforced before anything reads the
# body: by frontend.body_limits (the first middleware, and an ASGI wrapper in config/asgi.py, since
# Django's ASGI handler reads the whole body before any middleware runs, and a hook in daphne's request,
# which otherwise buffers the whole body first). The proxy in front enforces the same (client_max_body_size).
MEGABYTE = 1024 * 1024
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", 2 * MEGABYTE))
POOL_IMPORT_MAX_BYTES = int(os.environ.get("POOL_IMPORT_MAX_BYTES", 50 * MEGABYTE))  # PEOPLE.csv
VOTE_IMPORT_MAX_BYTES = int(os.environ.get("VOTE_IMPORT_MAX_BYTES", 20 * MEGABYTE))  # .pb
IMPORT_FORM_ALLOWANCE = 64 * 1024  # the multipart framing and the form's other fields
REQUEST_BODY_LIMITS = {  # exact path -> cap; every other path gets REQUEST_BODY_MAX_BYTES
    "/draws/pools/import/": POOL_IMPORT_MAX_BYTES + IMPORT_FORM_ALLOWANCE,
    "/votes/import/": VOTE_IMPORT_MAX_BYTES + IMPORT_FORM_ALLOWANCE,
}
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES  # form fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = MEGABYTE  # a larger uploaded file is spooled to a temporary file, not memory
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5  # no form takes more than one file
# Import jobs whose task a broker restart lost are queued again; those whose worker died are failed.
CELERY_BEAT_SCHEDULE["sweep-imports"] = {"task": "imports.tasks.sweep_imports", "schedule": 60.0}
# Committee minutes past their due date: the secretariat hears once (governance.meetings.tasks).
CELERY_BEAT_SCHEDULE["overdue-committee-minutes"] = {
    "task": "governance.meetings.tasks.notify_overdue_minutes", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["close-due-open-calls"] = {"task": "governance.committees.tasks.close_due_calls", "schedule": 60.0}
# A budget cycle's call opens, call closes and review ends on their dates (budget.cycles.tasks).
CELERY_BEAT_SCHEDULE["advance-due-budget-cycles"] = {"task": "budget.cycles.tasks.advance_due_cycles", "schedule": 60.0}
# The budget cycle page's map (budget/execution): a tile server's URL template ("https://{s}.tile.example.org/{z}/{x}/
# {y}.png") and the attribution its licence asks for. Empty (the default): no map, the page lists the funded
# projects' places. Its host is added to the CSP's img-src (config/security.py).
BUDGET_MAP_TILE_URL = os.environ.get("BUDGET_MAP_TILE_URL", "")
BUDGET_MAP_ATTRIBUTION = os.environ.get("BUDGET_MAP_ATTRIBUTION", "")
# A budget cycle whose vote is tallied funds its projects and moves to execution (budget.execution.tasks).
CELERY_BEAT_SCHEDULE["sync-tallied-budget-cycles"] = {"task": "budget.execution.tasks.sync_tallied_cycles",
                                                      "schedule": 60.0}
# A task queued at a commit while the broker was away is dropped (config.celery.queue_on_commit): emails
# are found again in the database (the notifications' by sweep-deadlines, the invitations' here).
CELERY_BEAT_SCHEDULE["resend-lost-invitation-emails"] = {
    "task": "deliberation.tasks.resend_lost_invitation_emails", "schedule": 60.0}
# The dashboard's tallies are kept by receivers; this heals a missed one and takes the overdue snapshot.
CELERY_BEAT_SCHEDULE["reconcile-tallies"] = {"task": "governance.dashboard.tasks.reconcile_tallies", "schedule": 600.0}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
