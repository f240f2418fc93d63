"""A backup that restores (docs/runbooks/backup-restore.md): seed a database, run a few agents, seal the audit
trail, take a `pg_dump -Fc`, restore it with `pg_restore` into a fresh database, and check that every table holds
the same number of rows and that `audit_verify` passes on the restored copy with the same keys and checkpoints,
and fails with other keys (the keys live outside the database and must be backed up on their own)."""

from __future__ import annotations

import secrets
import subprocess

import pytest
from cryptography.fernet import Fernet

from .pg import FINAL_STATES, Database, app_env, manage, require_tool, server_url

pytestmark = pytest.mark.databases

# Runs of compute-only agents, executed in-process by the worker's own entry point (no broker needed).
SEED_RUNS = """
from agents.models import Agent
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from raptorflow.accounts.models import Workspace
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_seal

workspace = Workspace.objects.get(slug="demo")
agent = Agent.objects.get(slug="unit_economics")
for i in range(5):
    data = {"spend": 1000 + i, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
    run, _ = run_create(workspace=workspace, agent=agent, input=data, actor=Actor.system("backup-test"))
    run_execute(str(run.pk))
print("sealed", audit_seal())
"""


@pytest.fixture
def databases():
    server = server_url()
    made: list[Database] = []

    def make(label: str) -> Database:
        made.append(Database(server, label))
        return made[-1]

    yield make
    for database in made:
        database.drop()


def test_pg_dump_custom_format_restores_every_row_and_the_audit_chain_verifies(databases, tmp_path):
    pg_dump, pg_restore = require_tool("pg_dump"), require_tool("pg_restore")
    keys = {
        "RAPTORFLOW_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "RAPTORFLOW_AUDIT_KEYS": secrets.token_urlsafe(32),
        "RAPTORFLOW_AUDIT_CHECKPOINT_SINK": "file",
        "RAPTORFLOW_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
        "RAPTORFLOW_AUDIT_CHECKPOINT_SECONDS": "1",
    }
    source = databases("source")
    env = app_env(source.url, tmp_path / "var", **keys)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--no-experiments")
    manage(env, "create_api_key", "--name", "backup-test")
    out = manage(env, "shell", "-c", SEED_RUNS).stdout
    assert "sealed" in out
    statuses = source.query("SELECT status, count(*) FROM agents_run GROUP BY status ORDER BY status")
    assert source.query("SELECT count(*) FROM agents_run") == "5", statuses
    final = ",".join(f"'{s}'" for s in FINAL_STATES)
    assert source.query(f"SELECT count(*) FROM agents_run WHERE status IN ({final})") == "5", statuses
    assert int(source.query("SELECT count(*) FROM audit_auditevent WHERE seq IS NOT NULL")) > 0
    manage(env, "audit_verify")  # intact before the backup

    dump = tmp_path / "raptorflow.dump"
    result = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(dump), "-d", source.name],
        env=source.pg_env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert dump.stat().st_size > 0

    restored = databases("restored")
    result = subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", "-d", restored.name, str(dump)],
        env=restored.pg_env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    counts = source.row_counts()
    assert len(counts) > 30 and counts["agents_run"] == 5 and counts["audit_auditevent"] > 0
    assert restored.row_counts() == counts
    assert restored.schema() == source.schema()

    restored_env = app_env(restored.url, tmp_path / "var-restored", **keys)
    manage(restored_env, "migrate", "--check")  # nothing left to apply: the dump carried django_migrations
    verified = manage(restored_env, "audit_verify")
    assert "Audit chain intact" in verified.stdout and "checkpoint(s) match" in verified.stdout, verified.stdout

    # Without the audit keys of the backup, the restored trail cannot be verified: they must be kept apart.
    other_keys = {**keys, "RAPTORFLOW_AUDIT_KEYS": secrets.token_urlsafe(32)}
    wrong = app_env(restored.url, tmp_path / "var-wrong", **other_keys)
    assert manage(wrong, "audit_verify", check=False).returncode == 1
