"""Agents used only by the integration tests, loaded by the worker through RAPTORFLOW_AGENT_MODULES."""

from __future__ import annotations

import os
import signal
import time

from django.db.models.signals import pre_save

from agents.models import Approval
from agents.registry import AgentSpec, register

_ANY = {"type": "object"}
_UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


def _slow_steps(ctx, data):
    """``steps`` skill calls with ``pause`` seconds between them: long enough to kill a worker mid-run."""
    for _ in range(int(data.get("steps", 6))):
        ctx.skill("finance.unit_economics", _UNIT)
        time.sleep(float(data.get("pause", 0.5)))
    return {"steps": data.get("steps", 6)}


def _tagline(ctx, data):
    return {"tagline": ctx.llm(f"Write a tagline about {data.get('topic', 'forecasting')}", purpose="tagline")}


def _spec(slug, run):
    return AgentSpec(
        slug=slug,
        name=slug,
        category="test",
        description="integration-test agent",
        input_schema=_ANY,
        output_schema=_ANY,
        skills=("finance.unit_economics",),
        routing_examples=(),
        system_prompt="Integration test agent.",
        run=run,
    )


SLOW = register(_spec("it-slow-steps", _slow_steps))
TAGLINE = register(_spec("it-tagline", _tagline))


def _die_at_the_first_approval(sender, instance, **kwargs):
    """With RAPTORFLOW_TEST_KILL_AT_APPROVAL=<file>, the first process to write an Approval is SIGKILLed just
    before the row is written, once (the file marks it): a worker dying between a run's approval transition and
    its Approval, the gap a two-step gate would leave."""
    marker = os.environ.get("RAPTORFLOW_TEST_KILL_AT_APPROVAL")
    if not marker or os.path.exists(marker):
        return
    with open(marker, "w") as handle:
        handle.write(str(os.getpid()))
    os.kill(os.getpid(), signal.SIGKILL)


pre_save.connect(_die_at_the_first_approval, sender=Approval, dispatch_uid="tests.kill_at_approval")
