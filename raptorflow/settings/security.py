"""Transport security, cookies, headers, login protection (django-axes) and secrets at rest."""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import timedelta

from cryptography.fernet import Fernet

from .base import IS_PRODUCTION, VAR_DIR
from .env import EnvError, env_bool, env_choice, env_int, env_list, env_path, env_str, read_or_create_secret

# --- Transport and cookies -------------------------------------------------
# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", [])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise EnvError("SECURE_PROXY_SSL_HEADER must be 'HEADER_NAME,value', e.g. HTTP_X_FORWARDED_PROTO,https.")
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", IS_PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", IS_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", IS_PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", IS_PRODUCTION)
CSRF_COOKIE_HTTPONLY = True
# A refused CSRF check under /api/ answers in the API's JSON shape (with how to get the token).
CSRF_FAILURE_VIEW = "raptorflow.api.errors.csrf_failure"

# --- Content Security Policy (django-csp) --------------------------------------
# Scripts only from our own origin: the admin has no inline scripts, and the API docs use
# drf-spectacular's split Swagger view (init script fetched separately) and plain Redoc.
# Inline *styles* stay allowed: Swagger UI, Redoc and admin widgets set them, and they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # Redoc runs its search in a blob worker
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Login protection (django-axes) ------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username + address is refused before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
# A cool-off, not a permanent lock; keyed on username AND address so that an
# attacker elsewhere cannot lock a user out of their own address.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_LOCKOUT_CALLABLE = "raptorflow.api.auth.lockout_response"  # JSON on /api/, the page elsewhere
AXES_VERBOSE = False
# The same client address as the IP blocklist and the audit trail (proxy-aware, spoof-resistant).
AXES_CLIENT_IP_CALLABLE = "raptorflow.client_ip.client_ip"

# --- Secrets at rest ---------------------------------------------------------
# A list of Fernet keys, newest first: encrypt with the first, decrypt with any,
# so keys rotate without losing data (manage.py rotate_secrets re-encrypts).
# Deliberately not derived from SECRET_KEY: rotating the session key must not
# make provider credentials unreadable, and vice versa.
RAPTORFLOW_ENCRYPTION_KEYS = env_list("RAPTORFLOW_ENCRYPTION_KEYS", [])
if not RAPTORFLOW_ENCRYPTION_KEYS:
    if IS_PRODUCTION:
        raise EnvError(
            "RAPTORFLOW_ENCRYPTION_KEYS is required in production: a comma-separated list of Fernet keys "
            "(generate one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        )
    RAPTORFLOW_ENCRYPTION_KEYS = [
        read_or_create_secret(VAR_DIR / "encryption_key", lambda: Fernet.generate_key().decode())
    ]
for _index, _key in enumerate(RAPTORFLOW_ENCRYPTION_KEYS):
    try:
        _valid = len(base64.urlsafe_b64decode(_key.encode())) == 32
    except (binascii.Error, ValueError):
        _valid = False
    if not _valid:
        raise EnvError(f"RAPTORFLOW_ENCRYPTION_KEYS entry {_index + 1} is not a Fernet key (32 url-safe base64 bytes).")

# --- Audit trail: keyed chain, checkpoints outside the database, retention (docs/decisions/0021) ------------
# HMAC keys that sign every event's chain link and every checkpoint, newest first: the sealer signs with the
# first, verification accepts any (each event records which key signed it), so keys rotate by prepending a new
# one. Keep every old key listed as long as events it signed exist, or those events can no longer be verified.
# Not in the database, and not derived from SECRET_KEY or the encryption keys: whoever can write the database
# must not be able to re-sign a rewritten history.
RAPTORFLOW_AUDIT_KEYS = env_list("RAPTORFLOW_AUDIT_KEYS", [])
if not RAPTORFLOW_AUDIT_KEYS:
    if IS_PRODUCTION:
        raise EnvError(
            "RAPTORFLOW_AUDIT_KEYS is required in production: a comma-separated list of random keys, newest first "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    RAPTORFLOW_AUDIT_KEYS = [read_or_create_secret(VAR_DIR / "audit_key", lambda: secrets.token_urlsafe(32))]
for _index, _key in enumerate(RAPTORFLOW_AUDIT_KEYS):
    if len(_key) < 32:
        raise EnvError(f"RAPTORFLOW_AUDIT_KEYS entry {_index + 1} is too short: use 32 or more random characters.")
if len(set(RAPTORFLOW_AUDIT_KEYS)) != len(RAPTORFLOW_AUDIT_KEYS):
    raise EnvError("RAPTORFLOW_AUDIT_KEYS lists the same key twice.")

# Where the sealer writes its signed checkpoints (sequence, head hash, time, key id), outside the database:
# "file" appends JSON lines to RAPTORFLOW_AUDIT_CHECKPOINT_FILE (development); "syslog" sends them to a syslog
# daemon that forwards them to a log host the database's writers cannot reach (production); "off" writes none
# (the test settings only: production refuses it).
RAPTORFLOW_AUDIT_CHECKPOINT_SINK = env_choice(
    "RAPTORFLOW_AUDIT_CHECKPOINT_SINK", ["file", "syslog", "off"], "syslog" if IS_PRODUCTION else "file"
)
if IS_PRODUCTION and RAPTORFLOW_AUDIT_CHECKPOINT_SINK == "off":
    raise EnvError("RAPTORFLOW_AUDIT_CHECKPOINT_SINK=off is refused in production: the chain needs its anchor.")
RAPTORFLOW_AUDIT_CHECKPOINT_FILE = env_path("RAPTORFLOW_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.jsonl")
# The syslog sink: a Unix socket path (/dev/log), host:port (UDP) or tcp://host:port, and the facility.
RAPTORFLOW_AUDIT_SYSLOG_ADDRESS = env_str("RAPTORFLOW_AUDIT_SYSLOG_ADDRESS", "/dev/log")
if not RAPTORFLOW_AUDIT_SYSLOG_ADDRESS.startswith("/"):
    _scheme, _, _rest = RAPTORFLOW_AUDIT_SYSLOG_ADDRESS.rpartition("://")
    _host, _, _port = _rest.rpartition(":")
    if _scheme not in ("", "udp", "tcp") or not _host or not _port.isdigit() or not 0 < int(_port) < 65536:
        raise EnvError(
            "RAPTORFLOW_AUDIT_SYSLOG_ADDRESS must be a socket path (/dev/log), host:port (UDP), udp://host:port "
            f"or tcp://host:port, got {RAPTORFLOW_AUDIT_SYSLOG_ADDRESS!r}."
        )
RAPTORFLOW_AUDIT_SYSLOG_FACILITY = env_choice(
    "RAPTORFLOW_AUDIT_SYSLOG_FACILITY",
    ["auth", "authpriv", "daemon", "user", *(f"local{n}" for n in range(8))],
    "authpriv",
)
# With the syslog sink, verification reads the checkpoints from a copy of the log host's file (read-only mount
# or export); empty: `audit_verify --checkpoints FILE` names one, and the admin checks the keyed chain only.
RAPTORFLOW_AUDIT_CHECKPOINT_COPY = env_path("RAPTORFLOW_AUDIT_CHECKPOINT_COPY", None)
# The sealer writes a checkpoint at most this often, when the chain grew. Events sealed after the last
# checkpoint are protected by the keys only: this is the window in which a cut tail goes unnoticed.
RAPTORFLOW_AUDIT_CHECKPOINT_SECONDS = env_int("RAPTORFLOW_AUDIT_CHECKPOINT_SECONDS", 10, minimum=1)
# Client addresses and user agents in the audit trail are pseudonymised (the raw value cleared, its keyed hash
# kept in the chain) once the event is this old. 0 keeps them.
RAPTORFLOW_AUDIT_IP_RETENTION_DAYS = env_int("RAPTORFLOW_AUDIT_IP_RETENTION_DAYS", 90, minimum=0)

# --- Client address behind proxies --------------------------------------------
# How many reverse proxies we run in front of the app, each appending to X-Forwarded-For.
# 0 (the default): the header is ignored and the client is REMOTE_ADDR. Never set this
# higher than the real number of proxies, or clients can choose their own address.
RAPTORFLOW_TRUSTED_PROXY_COUNT = env_int("RAPTORFLOW_TRUSTED_PROXY_COUNT", 0, minimum=0)
