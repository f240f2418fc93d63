"""The demo command creates everything once; running it again changes nothing."""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command

from agents.models import Agent, AgentVersion
from raptorflow.accounts.models import User, Workspace
from raptorflow.audit.models import AuditEvent
from skills import registry as skill_registry
from skills.models import Skill


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", no_experiments=True, stdout=out)  # the first experiments: evals/test_seeded.py
    return out.getvalue()


def test_demo_creates_workspace_admin_and_registry(db, var_dir):
    output = _seed()
    admin = User.objects.get(username="admin")
    password = output.split("Admin login: admin / ")[1].split()[0]
    assert admin.is_superuser and admin.check_password(password)
    assert (var_dir / "demo-admin-password").stat().st_mode & 0o777 == 0o600
    workspace = Workspace.objects.get(slug="demo")
    assert workspace.memberships.get(user=admin).role == "owner"
    assert workspace.foundation["company"] == "Acme Analytics"
    assert Skill.objects.filter(available=True).count() == len(skill_registry.all_specs())
    assert Agent.objects.count() >= 1
    assert all(AgentVersion.objects.filter(agent=agent, status="published").exists() for agent in Agent.objects.all())


def test_running_the_demo_twice_changes_nothing(db, var_dir):
    first = _seed()
    before = _counts()
    last_audit = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    second = _seed()
    assert _counts() == before
    assert AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() == last_audit
    assert first.split("Admin login:")[1] == second.split("Admin login:")[1]


def test_demo_does_not_print_a_password_it_no_longer_knows(db, var_dir):
    _seed()
    admin = User.objects.get(username="admin")
    admin.set_password("changed by the operator 123")
    admin.save()
    assert "password changed since the demo set it" in _seed()


def test_the_demo_reports_totals_and_what_it_added(db, var_dir):
    """Honest counts: migrate may have synced the registry already, so "0 added" alone would hide 48 skills."""
    first, second = _seed(), _seed()
    skills, agents = len(skill_registry.all_specs()), Agent.objects.count()
    assert f"{skills} skills (" in first and f"{agents} agents (" in first
    assert f"{skills} skills (0 new) and {agents} agents (0 new), 2 pipelines (0 published now)." in second


def test_create_api_key_prints_the_key_alone_and_the_scopes_it_granted_apart(db):
    Workspace.objects.create(name="Keys", slug="keys")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", workspace="keys", scopes="runs:read,agents:read", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("rfk_") and "\n" not in key  # `KEY=$(manage.py create_api_key ...)` captures it alone
    assert "Granted agents:read, runs:read in workspace 'keys'" in err.getvalue()  # stored sorted
