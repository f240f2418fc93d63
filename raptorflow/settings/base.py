"""Core Django settings: apps, middleware, templates, static files, paths."""

from __future__ import annotations

import secrets
from pathlib import Path

from .env import EnvError, env_bool, env_choice, env_list, env_path, env_str, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# development: embedded defaults, generated keys under var/.
# production: every secret and service comes from the environment; insecure values refuse to start.
# test: like development, selected by raptorflow.settings.test.
ENVIRONMENT = env_choice("DJANGO_ENV", ["development", "production", "test"], "development")
IS_PRODUCTION = ENVIRONMENT == "production"

# Runtime state of a development install: SQLite database, embedded broker, generated keys.
VAR_DIR = env_path("RAPTORFLOW_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", not IS_PRODUCTION)

if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise EnvError("SECRET_KEY must be a random value of at least 50 characters in production.")
    if DEBUG:
        raise EnvError("DEBUG must be off when DJANGO_ENV=production.")
else:
    SECRET_KEY = env_str("SECRET_KEY", None) or read_or_create_secret(
        VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(64)
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if IS_PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise EnvError("ALLOWED_HOSTS must list the site's host names in production (no '*').")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # naturaltime: the ages next to times in the admin (raptorflow.admin_tools)
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "raptorflow.accounts",
    "raptorflow.audit",
    "raptorflow.llm",
    "raptorflow.api",
    "raptorflow.webhooks",
    "skills",
    "agents",
    "analytics",
]

MIDDLEWARE = [
    "raptorflow.metrics.MetricsMiddleware",  # outermost: counts and times every response, refusals included
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "raptorflow.audit.middleware.RequestContextMiddleware",
    # Inside the request context (its request id goes into the answer): JSON 500s under /api/, never a debug page.
    "raptorflow.api.errors.APIErrorMiddleware",
    # Before sessions and authentication: a blocked address costs no session or user lookup.
    "raptorflow.audit.middleware.IPBlockMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Must be last: it turns a lockout raised by the authentication backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "raptorflow.urls"
WSGI_APPLICATION = "raptorflow.wsgi.application"
ASGI_APPLICATION = "raptorflow.asgi.application"

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

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
FORMAT_MODULE_PATH = ["raptorflow.formats"]  # times with seconds in the console
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "raptorflow" / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
WHITENOISE_USE_FINDERS = not IS_PRODUCTION  # development serves app static files without collectstatic
if not IS_PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The API accepts paths with and without a trailing slash; redirecting a POST to add one would lose its body.
APPEND_SLASH = False
