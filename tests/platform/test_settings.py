"""Settings come from the environment through typed helpers that fail loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from raptorflow.settings.env import EnvError, env_bool, env_choice, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("On", True), ("0", False), ("off", False)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("RF_FLAG", raw)
    assert env_bool("RF_FLAG", False) is expected


def test_env_bool_rejects_a_non_boolean_naming_the_variable(monkeypatch):
    monkeypatch.setenv("RF_FLAG", "maybe")
    with pytest.raises(EnvError, match=r"RF_FLAG must be a boolean .* got 'maybe'"):
        env_bool("RF_FLAG", False)


def test_env_int_rejects_text_and_out_of_range(monkeypatch):
    monkeypatch.setenv("RF_N", "ten")
    with pytest.raises(EnvError, match="RF_N must be an integer, got 'ten'"):
        env_int("RF_N", 1)
    monkeypatch.setenv("RF_N", "0")
    with pytest.raises(EnvError, match="RF_N must be at least 1, got 0"):
        env_int("RF_N", 1, minimum=1)


def test_missing_required_variable_is_an_error(monkeypatch):
    monkeypatch.delenv("RF_REQUIRED", raising=False)
    with pytest.raises(EnvError, match="RF_REQUIRED is required"):
        env_int("RF_REQUIRED")


def test_empty_value_means_default(monkeypatch):
    monkeypatch.setenv("RF_N", "  ")
    assert env_int("RF_N", 7) == 7


def test_env_list_and_choice(monkeypatch):
    monkeypatch.setenv("RF_HOSTS", "a.example, b.example ,,")
    assert env_list("RF_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("RF_MODE", "turbo")
    with pytest.raises(EnvError, match="RF_MODE must be one of fast, slow, got 'turbo'"):
        env_choice("RF_MODE", ["fast", "slow"], "fast")


def test_env_url_checks_scheme_without_printing_the_password(monkeypatch):
    monkeypatch.setenv("RF_URL", "http://user:hunter2@cache:6379/0")
    with pytest.raises(EnvError) as excinfo:
        env_url("RF_URL", None, schemes=["redis"])
    assert "hunter2" not in str(excinfo.value)
    assert "user:***@cache" in str(excinfo.value)


def _check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "REDIS", "CELERY"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "raptorflow.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7#kd0-v9!q2m^t5w8zr1b4n6c3f0h2j5l8p1s4u7y0a3d6g9k",
    "ALLOWED_HOSTS": "raptorflow.example.com",
    "DATABASE_URL": "postgres://raptorflow@127.0.0.1:5432/raptorflow",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "RAPTORFLOW_ENCRYPTION_KEYS": "K6FwOks1YS9tt-j7e1U6c351UXY-8RjNZzKmMORmN3o=",
    # Required in production (decision 0021); the checkpoint sink is syslog there, which nothing here connects to.
    "RAPTORFLOW_AUDIT_KEYS": "pR0d-audit-key-for-settings-tests-0123456789abcdef",
}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "django-insecure-short"}, "SECRET_KEY must be a random value"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must list"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is required in production"),
        ({"RAPTORFLOW_ENCRYPTION_KEYS": ""}, "RAPTORFLOW_ENCRYPTION_KEYS is required"),
        ({"RAPTORFLOW_ENCRYPTION_KEYS": "not-a-key"}, "is not a Fernet key"),
        ({"REDIS_URL": "memcached://x"}, "REDIS_URL must be a URL"),
        ({"DB_POOL_MAX_SIZE": "8"}, "DB_POOL_MAX_SIZE needs DB_CONN_MAX_AGE=0"),  # persistent connections by default
        ({"RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK": "1"}, "RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK is for tests"),
        ({"RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE": "5,soon"}, "RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE: comma-separated"),
    ],
)
def test_production_refuses_insecure_or_missing_values(override, message):
    result = _check({**PRODUCTION, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _check(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_stream_process_settings_pass_the_deployment_checklist():
    # As docker-compose's `stream`: no persistent connections, a pool instead.
    result = _check(
        {**PRODUCTION, "DB_CONN_MAX_AGE": "0", "DB_POOL_MAX_SIZE": "8"}, "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_behind_a_transaction_pooler_server_side_cursors_and_binding_can_be_turned_off():
    show = (
        "import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS']['server_side_binding'], "
        "d['OPTIONS'].get('prepare_threshold', 'unset'))"
    )

    def read(env: dict[str, str]) -> str:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "REDIS", "CELERY"))}
        clean.update({"DJANGO_SETTINGS_MODULE": "raptorflow.settings", **PRODUCTION, **env})
        result = subprocess.run(
            [sys.executable, "-c", show], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert read({}) == ["False", "True", "unset"]  # unset: Django's own default, no prepared statements
    assert read({"DB_DISABLE_SERVER_SIDE_CURSORS": "true", "DB_SERVER_SIDE_BINDING": "false"}) == [
        "True", "False", "unset"]  # fmt: skip
