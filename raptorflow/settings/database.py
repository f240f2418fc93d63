"""Database: DATABASE_URL, or an embedded SQLite file under var/."""

from __future__ import annotations

import dj_database_url

from .base import IS_PRODUCTION, VAR_DIR
from .env import EnvError, env_bool, env_int, env_str

_url = env_str("DATABASE_URL", None)
if IS_PRODUCTION and not _url:
    raise EnvError("DATABASE_URL is required in production (PostgreSQL).")

if _url:
    try:
        _db = dj_database_url.parse(
            _url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
        )
    except ValueError as exc:  # unknown scheme, malformed URL
        raise EnvError(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "raptorflow.sqlite3")}

if _db["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel separately from the SQL instead of being quoted into it in Python: measured 5-15 %
    # more POST /api/v1/runs per web process (docs/decisions/0011). Set false behind a transaction-pooling PgBouncer.
    _db.setdefault("OPTIONS", {})["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
    # A connection pool (psycopg_pool), for a process whose connections cannot persist: under ASGI each request's
    # sync code runs in a thread of its own, so without one the stream process (DB_CONN_MAX_AGE=0) opens a new
    # connection, a fresh PostgreSQL backend with cold caches, for every read (docs/decisions/0012). 0: no pool.
    _pool_size = env_int("DB_POOL_MAX_SIZE", 0, minimum=0)
    if _pool_size:
        if _db["CONN_MAX_AGE"]:
            raise EnvError("DB_POOL_MAX_SIZE needs DB_CONN_MAX_AGE=0: the pool replaces persistent connections.")
        _db["OPTIONS"]["pool"] = {"min_size": 1, "max_size": _pool_size, "timeout": 10}
    # Behind a transaction-pooling PgBouncer: QuerySet.iterator() (audit verification, exports, retention) opens a
    # server-side cursor, which does not survive the pooler handing the connection to another client between
    # transactions. True fetches such results in chunks client-side instead (docs/scaling.md). Prepared statements
    # are already off: Django's default prepare_threshold is None.
    _db["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)

# The stream process's listener for run events (agents/runs/nudge.py) holds a LISTEN session, which a
# transaction-pooling PgBouncer cannot keep: behind one, point this at PostgreSQL itself. Empty: DATABASE_URL.
DB_LISTEN_URL = env_str("DB_LISTEN_URL", "")

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on the busy timeout instead of failing to upgrade a
    # read lock ("database is locked") in the middle of a transaction.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )

DATABASES = {"default": _db}
