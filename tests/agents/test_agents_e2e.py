"""Every specialist agent runs end to end through a real worker on the demo workspace, output validated."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from agents import registry
from agents.models import Agent
from agents.runs.services import run_create
from raptorflow.accounts.models import Workspace
from raptorflow.audit.actors import Actor
from tests.fixtures.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SPECIALISTS = [spec for spec in registry.all_specs() if spec.category != "test"]


def test_the_catalogue_has_every_agent_of_the_domain():
    expected = {
        "icp_architect", "content_creator", "email_specialist", "quality_checker", "move_strategist",
        "campaign_planner", "market_sizer", "channel_strategist", "evidence_analyst", "positioning_strategist",
        "unit_economics", "launch_readiness",
    }  # fmt: skip
    assert {spec.slug for spec in SPECIALISTS} == expected
    assert all(len(spec.routing_examples) >= 10 and spec.example_input for spec in SPECIALISTS)


def test_every_agent_succeeds_on_the_demo_workspace_through_a_real_worker(var_dir, start_worker):
    call_command("seed_demo", no_experiments=True, stdout=io.StringIO())
    workspace = Workspace.objects.get(slug="demo")
    actor = Actor.system("e2e")
    runs = {
        spec.slug: run_create(workspace=workspace, agent=Agent.objects.get(slug=spec.slug), input=spec.example_input,
                              actor=actor)[0]
        for spec in SPECIALISTS
    }  # fmt: skip
    worker = start_worker()

    def all_done():
        return all(run.__class__.objects.get(pk=run.pk).status not in {"queued", "running"} for run in runs.values())

    wait_for(all_done, timeout=180, message="every agent's run to finish")
    for slug, run in runs.items():
        run.refresh_from_db()
        assert run.status == "succeeded", f"{slug}: {run.error_code} {run.error_message}\n{worker.log()[-2000:]}"
        schema = run.agent_version.output_schema
        assert not list(Draft202012Validator(schema).iter_errors(run.output)), slug
        assert run.steps.filter(status="succeeded").exists(), slug
