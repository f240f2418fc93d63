"""Throwaway PostgreSQL databases for the operations tests (backups, restores, migrations down and up).

They live on the server DATABASE_URL names (CI's PostgreSQL), next to the test database, under names of their
own, and are dropped afterwards. Django runs against them in subprocesses (manage.py), never in the test
process, whose connection belongs to pytest-django's test database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
FINAL_STATES = ("succeeded", "failed", "timed_out", "budget_exceeded", "cancelled")


def server_url() -> str:
    """DATABASE_URL without its database name; fail (or skip on a laptop without PostgreSQL) if it is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        message = "needs DATABASE_URL pointing at PostgreSQL (pg_dump and pg_restore work on PostgreSQL only)"
        if os.environ.get("RAPTORFLOW_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def require_tool(name: str) -> str:
    """The path of a PostgreSQL client program. Missing is a failure, not a skip: a backup we cannot take or
    restore is the thing this test exists to catch."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def libpq_env(url: str) -> dict[str, str]:
    """PGHOST/PGPORT/PGUSER/PGPASSWORD for the client programs, from a server URL."""
    parts = urlsplit(url)
    env = {"PGHOST": parts.hostname or "127.0.0.1", "PGPORT": str(parts.port or 5432)}
    if parts.username:
        env["PGUSER"] = parts.username
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


class Database:
    """One fresh database on the server; created empty, dropped by drop()."""

    def __init__(self, server: str, label: str):
        self.server = server
        self.name = f"raptorflow_ops_{label}_{uuid.uuid4().hex[:8]}"
        self.url = f"{server}/{self.name}"
        self.pg_env = {**os.environ, **libpq_env(server)}
        self.psql("postgres", f'CREATE DATABASE "{self.name}"')

    def psql(self, database: str, sql: str) -> str:
        result = subprocess.run(
            ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", database, "-tAc", sql],
            env=self.pg_env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, f"psql failed: {result.stderr}"
        return result.stdout.strip()

    def query(self, sql: str) -> str:
        return self.psql(self.name, sql)

    def tables(self) -> list[str]:
        return self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").splitlines()

    def row_counts(self) -> dict[str, int]:
        tables = self.tables()
        if not tables:
            return {}
        union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
        rows = (line.split("|") for line in self.query(union).splitlines())
        return {name: int(count) for name, count in rows}

    def schema(self) -> str:
        """The schema as pg_dump prints it (sorted and stable), for comparing two databases."""
        result = subprocess.run(
            [require_tool("pg_dump"), "--schema-only", "--no-owner", "--no-privileges", "-d", self.name],
            env=self.pg_env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        # Comments and the random \restrict token of recent pg_dump releases differ from one dump to the next.
        noise = ("--", "\\restrict", "\\unrestrict")
        return "\n".join(line for line in result.stdout.splitlines() if not line.startswith(noise))

    def drop(self) -> None:
        subprocess.run(
            ["psql", "-X", "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'],
            env=self.pg_env, capture_output=True, timeout=120,
        )  # fmt: skip


def app_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of manage.py against one of these databases: development settings (not the test
    settings, whose audit sink is off), local-memory cache, an embedded broker under var_dir, explicit keys."""
    drop = ("DJANGO_", "DATABASE_", "CELERY_", "REDIS_", "RAPTORFLOW_", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "raptorflow.settings",
            "DJANGO_ENV": "development",
            "DATABASE_URL": database_url,
            "RAPTORFLOW_VAR_DIR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check:
        output = f"{result.stdout[-3000:]}{result.stderr[-5000:]}"
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{output}"
    return result
