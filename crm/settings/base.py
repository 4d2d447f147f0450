"""Settings shared by every environment; values come from the environment (see .env.example)."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from crm.env import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "crm",
    "crm.login_throttle",
    "partners",
    "contacts",
    "documents",
    "django_tasks_db",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL character anywhere in the request: 400 before any query (crm/middleware.py).
    "crm.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page requires login unless its view is marked @login_not_required (login, static).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Content-Security-Policy: scripts only from this site and with the page's nonce (templates/_base.html), no inline
# script, event handler or style attribute; htmx is told not to inject its indicator style (meta htmx-config).
# The nonce on style-src serves the admin's own nonced <style> of its change lists.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

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
                "django.template.context_processors.csp",
                "crm.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue instead of
    # failing half-way ("database is locked"); number series rely on it on SQLite.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays for queries that scan millions of rows, and the planner's estimates turn it
    # on for short index lookups of a large table too (the duplicate index's lookup of a batch: 14 ms of work,
    # 250 ms compiling at 200,000 contacts), so that costs grow with the table (bench/README "Write growth").
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Off by design: Contact.save() and partners' save() are atomic together with the synchronization
# their signals run, and multi-row services are @transaction.atomic; a request-wide transaction
# would only hold the contact row locks the sync takes while templates render (README "Synchronization").
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# E-mail through Django 6.1 mailers. Development prints mail to the console; production defaults
# to SMTP (MAILER_BACKEND=smtp and the SMTP_* variables).
_MAILER_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def mailers(backend: str) -> dict:
    """The MAILERS setting for ``backend`` (console | file | smtp | locmem), options from the environment."""
    if backend not in _MAILER_BACKENDS:
        raise ImproperlyConfigured(f"MAILER_BACKEND must be one of {', '.join(_MAILER_BACKENDS)}, not {backend!r}.")
    options = {}
    if backend == "smtp":
        options = {
            "host": env("SMTP_HOST", default="localhost"),
            "port": env.int("SMTP_PORT", default=587),
            "username": env("SMTP_USER", default=""),
            "password": env("SMTP_PASSWORD", default=""),
            "use_tls": env.bool("SMTP_USE_TLS", default=True),
        }
    elif backend == "file":
        options = {"file_path": env("MAILER_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))}
    return {"default": {"BACKEND": _MAILER_BACKENDS[backend], "OPTIONS": options}}


MAILER_BACKEND = env("MAILER_BACKEND", default="console")
MAILERS = mailers(MAILER_BACKEND)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Change history: who changed a contact or partner, and (for synchronized changes) from where.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Logs are lines on stdout: JSON objects (LOG_FORMAT=json, the production default) or plain text.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "crm.logs.JsonFormatter"},
                   "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# The JSON API (api/, django-ninja; "ninja" serves its docs page's scripts from static files, not a CDN).
INSTALLED_APPS += ["ninja", "api"]
API_RATE_LIMIT = env("API_RATE_LIMIT", default="600/m")  # requests per API key (or signed-in user)

# Background jobs (the jobs app) run as tasks of Django's task framework. The embedded default is the database
# backend of django-tasks-db: tasks are rows, `manage.py db_worker` processes run them (several on PostgreSQL
# share the queue: each claims a row with SELECT … FOR UPDATE SKIP LOCKED). TASKS_BACKEND=immediate runs them
# in the web request instead.
TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                 "immediate": "django.tasks.backends.immediate.ImmediateBackend"}
if env("TASKS_BACKEND", default="database") not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env("TASKS_BACKEND", default="database")], "QUEUES": ["default"]}}
JOBS_STALE_AFTER = env.int("JOBS_STALE_AFTER", default=120)  # seconds without a heartbeat: the worker is gone
JOBS_CHUNK_SIZE = env.int("JOBS_CHUNK_SIZE", default=10_000)  # partners per chunk task of a create job

# Outbound webhooks (the webhooks app): signed POSTs through the task queue, retried with back-off.
INSTALLED_APPS += ["webhooks"]
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)  # allow private/loopback target hosts
WEBHOOKS_TIMEOUT = env.int("WEBHOOKS_TIMEOUT", default=5)  # seconds per POST
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=6)  # a failed event is retried up to this
WEBHOOKS_BACKOFF = env.int("WEBHOOKS_BACKOFF", default=30)  # seconds before the 1st retry; doubles each time
WEBHOOKS_BATCH_SIZE = env.int("WEBHOOKS_BATCH_SIZE", default=500)  # events per delivery task
