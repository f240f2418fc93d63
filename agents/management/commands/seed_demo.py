"""Create (idempotently) the demo: offline provider, skills and agents, a demo workspace and an admin, and each
agent's shipped gating dataset with its published version's first experiment (run here, offline), so the publish
gate is live on a fresh install (agents/evals/seeded.py).

Running it again changes nothing. The admin password is generated on first
run, printed, and kept in var/demo-admin-password (mode 0600) so that
`make run` can print the login again; it is never written anywhere else.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from agents.evals.seeded import seeded_datasets_load, seeded_experiments_record
from agents.models import Agent, Pipeline
from agents.pipelines.builtin import pipeline_sync
from agents.services import agent_sync
from raptorflow.accounts.choices import Role
from raptorflow.accounts.models import User, Workspace
from raptorflow.accounts.services import membership_set, workspace_create
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.models import Provider
from skills.models import Skill
from skills.services import skill_sync

DEMO_SLUG = "demo"
ADMIN_USERNAME = "admin"
OFFLINE_PROVIDER = "offline"
OFFLINE_MODEL = "offline-1"

DEMO_FOUNDATION = {
    "company": "Acme Analytics",
    "industry": "B2B SaaS analytics software",
    "stage": "seed",
    "description": "Acme Analytics turns product usage data into weekly revenue forecasts for small SaaS companies.",
    "product": "A forecasting dashboard that connects to Stripe and the product database in ten minutes.",
    "audience": "Founders and heads of growth at SaaS companies with 10 to 200 employees.",
    "competitors": ["ChartMogul", "Baremetrics", "spreadsheets"],
    "brand_voice": {
        "tone": "clear, confident, practical",
        "do": ["use concrete numbers", "write short sentences"],
        "dont": ["hype", "jargon"],
    },
    "goals": ["100 paying customers by Q4", "cut CAC below $400"],
    "budget_level": "low",
}


class Command(BaseCommand):
    help = "Create the demo workspace, an admin user, the offline provider and the agent and skill registry."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-experiments",
            action="store_true",
            help="load the gating datasets but record no first experiments (faster; the gate then asks for one)",
        )

    def handle(self, *args, **options) -> None:
        actor = Actor.system("seed_demo")
        with transaction.atomic():
            Provider.objects.get_or_create(
                name=OFFLINE_PROVIDER, defaults={"kind": ProviderKind.OFFLINE, "timeout_seconds": 10}
            )
            skills = skill_sync(actor=actor)
            agents = agent_sync(actor=actor, default_chain=[{"provider": OFFLINE_PROVIDER, "model": OFFLINE_MODEL}])
            admin, password = self._admin(actor)
            workspace = Workspace.objects.filter(slug=DEMO_SLUG).first() or workspace_create(
                name="Acme Analytics (demo)", slug=DEMO_SLUG, foundation=DEMO_FOUNDATION, actor=actor
            )
            membership_set(workspace=workspace, user=admin, role=Role.OWNER, actor=actor)
            datasets = seeded_datasets_load(actor=actor)
            pipelines = pipeline_sync(actor=actor)
        experiments = [] if options["no_experiments"] else seeded_experiments_record(actor=actor)
        # Totals, then what this call changed: migrate's post_migrate hook may have synced the registry already.
        skill_total, agent_total = Skill.objects.filter(available=True).count(), Agent.objects.count()
        self.stdout.write(
            f"Demo ready: workspace '{workspace.slug}', {skill_total} skills ({skills['created']} new) and "
            f"{agent_total} agents ({agents['agents_created']} new), "
            f"{Pipeline.objects.filter(workspace=None).count()} pipelines ({len(pipelines)} published now)."
        )
        self.stdout.write(
            f"Gating datasets: {datasets['created']} created, {datasets['updated']} updated; "
            f"{len(experiments)} first experiments recorded"
            + "".join(f"\n  {e.version.agent.slug} v{e.version.number}: {_rate(e)}" for e in experiments)
        )
        if password:
            self.stdout.write(self.style.SUCCESS(f"Admin login: {ADMIN_USERNAME} / {password}"))
        else:
            self.stdout.write(f"Admin login: {ADMIN_USERNAME} (password changed since the demo set it)")

    def _admin(self, actor: Actor) -> tuple[User, str | None]:
        """The demo superuser and its password, if it is still the one the demo generated."""
        path = Path(settings.VAR_DIR) / "demo-admin-password"
        admin = User.objects.filter(username=ADMIN_USERNAME).first()
        if admin is None:
            password = secrets.token_urlsafe(12)
            admin = User.objects.create_superuser(ADMIN_USERNAME, email="admin@example.com", password=password)
            audit_log("user.create", actor=actor, target=admin, changes={"is_superuser": [None, True]})
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(password)
            return admin, password
        stored = path.read_text().strip() if path.exists() else ""
        return admin, stored if stored and admin.check_password(stored) else None


def _rate(experiment) -> str:
    return f"{experiment.status}, {experiment.passed} of {experiment.cases_total} cases passed"
