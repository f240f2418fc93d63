"""Test settings: the normal settings plus what only the test suite wants.

DATABASE_URL, REDIS_URL and CELERY_BROKER_URL still come from the environment,
so CI runs the same suite against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from . import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never outside tests
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    # One prefix per pytest-xdist process: each test ends by deleting every key under its prefix, which must not
    # reset another process's keys (a scripted provider's cursor, a breaker) mid-test. A real worker started by a
    # test inherits the variable, so it shares its test process's prefix.
    CACHES["default"]["KEY_PREFIX"] = "rf-test" + os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405

# A real Celery worker started by the integration tests must open the same
# database as the test process: a file for SQLite (not the in-memory default),
# and the test database's name, passed down in RAPTORFLOW_TEST_DB_NAME.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
if os.environ.get("RAPTORFLOW_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["RAPTORFLOW_TEST_DB_NAME"]  # noqa: F405

# Test-only agents (slow steps, an LLM tagline) that a real worker must be able to run.
RAPTORFLOW_AGENT_MODULES = [*RAPTORFLOW_AGENT_MODULES, "tests.fixtures.sample_agents"]  # noqa: F405

# No audit checkpoints by default: the test database rolls back after each test, a checkpoint file would not, and
# its heads would then name events that no longer exist. Tests of the anchoring point a file sink at their own
# tmp_path (tests/audit/conftest.py).
RAPTORFLOW_AUDIT_CHECKPOINT_SINK = "off"
