"""Rollback (docs/runbooks/rollback.md): every migration of our apps can be reversed, or says why it cannot, and
the chain really goes down and up again on PostgreSQL: from nothing to the top, down to zero and back (the schema
comes back identical), and, with the demo's data in it, down to each app's first migration and back (no row is
lost from a table that both ends have)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from .pg import ROOT, Database, app_env, manage, server_url

# Migrations whose reversal is refused on purpose, each with the reason (an operation Django cannot reverse:
# RunPython or RunSQL without reverse code). Reversing one would lose or invent data; the rollback runbook says
# what to do instead (restore the backup taken before the deploy). Empty: today every migration is reversible.
IRREVERSIBLE: dict[tuple[str, str], str] = {}


def project_apps() -> list[str]:
    """Labels of the apps in this repository that have migrations (not Django's or third parties')."""
    labels = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT in path.parents and ".venv" not in path.parts and (path / "migrations").is_dir():
            labels.append(config.label)
    return labels


def test_every_migration_is_reversible_or_says_why_not():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = set(project_apps())
    assert {"accounts", "audit", "llm", "skills", "agents", "analytics"} <= labels
    irreversible = {}
    for (label, name), migration in loader.disk_migrations.items():
        if label not in labels:
            continue
        refused = [type(op).__name__ for op in migration.operations if not op.reversible]
        if refused:
            irreversible[(label, name)] = refused
    undeclared = {key: ops for key, ops in irreversible.items() if key not in IRREVERSIBLE}
    assert not undeclared, f"irreversible migrations without a reason in IRREVERSIBLE: {undeclared}"
    stale = set(IRREVERSIBLE) - set(irreversible)
    assert not stale, f"listed as irreversible but reversible (drop them from IRREVERSIBLE): {stale}"
    assert all(reason.strip() for reason in IRREVERSIBLE.values())


@pytest.fixture
def fresh_db():
    database = Database(server_url(), "migrate")
    yield database
    database.drop()


def applied(database: Database, labels: list[str]) -> int:
    names = ",".join(f"'{label}'" for label in labels)
    return int(database.query(f"SELECT count(*) FROM django_migrations WHERE app IN ({names})"))


def migrate_all(env: dict[str, str], targets: dict[str, str]) -> None:
    """`migrate <app> <target>` for each app in turn, in one process (Django starts once)."""
    script = (
        "from django.core.management import call_command\n"
        f"for label, target in {list(targets.items())!r}:\n"
        "    call_command('migrate', label, target, interactive=False, verbosity=0)\n"
    )
    manage(env, "shell", "-c", script, timeout=600)


@pytest.mark.databases
def test_migrations_go_down_and_up_again_with_data_and_from_zero_to_the_same_schema(fresh_db, tmp_path):
    env = app_env(fresh_db.url, tmp_path / "var")
    labels = project_apps()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--no-experiments")
    top, before = fresh_db.schema(), fresh_db.row_counts()
    assert before["agents_agent"] > 0 and before["audit_auditevent"] > 0

    # With the demo's data: every app down to its first migration (dependents first), then up again. Rows of
    # tables the first migrations already had must all come back (tables made later go, with their rows: hence
    # the expand/contract rule of the runbook).
    loader = MigrationLoader(None, ignore_no_migrations=True)
    firsts = {label: min(name for (app, name) in loader.disk_migrations if app == label) for label in labels}
    migrate_all(env, {label: firsts[label] for label in reversed(labels)})
    assert applied(fresh_db, labels) == len(labels)
    bottom = set(fresh_db.tables())
    manage(env, "migrate", "--noinput", "-v0")
    assert fresh_db.schema() == top
    after = fresh_db.row_counts()
    lost = {t: (n, after[t]) for t, n in before.items() if t in bottom and after[t] < n}
    assert not lost, f"rows lost going down and up (table: before, after): {lost}"

    # Down to zero: no table of ours left; up again: the same schema as a fresh migrate.
    migrate_all(env, {label: "zero" for label in reversed(labels)})
    assert applied(fresh_db, labels) == 0
    leftovers = [t for t in fresh_db.tables() if t.split("_", 1)[0] in labels]
    assert not leftovers, f"tables left behind at zero: {leftovers}"
    manage(env, "migrate", "--noinput", "-v0")
    assert fresh_db.schema() == top
