"""factory_boy factories for the data model."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from agents.choices import RunStatus, VersionStatus
from agents.models import Agent, AgentVersion, Run, RunEvent, RunStep
from raptorflow.accounts.choices import Role
from raptorflow.accounts.models import Membership, User, Workspace
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.models import ModelPrice, Provider

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")
    monthly_budget = Decimal("100.00")
    foundation = factory.LazyFunction(lambda: {"company": "Acme", "industry": "SaaS", "stage": "seed"})


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Role.MEMBER


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["name"]

    name = "offline"
    kind = ProviderKind.OFFLINE


class ModelPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelPrice

    # Prices belong to a provider: by default one OpenAI-compatible provider, "openai", shared by every price.
    provider = factory.SubFactory(ProviderFactory, name="openai", kind=ProviderKind.OPENAI_COMPATIBLE)
    model = factory.Sequence(lambda n: f"model-{n}")
    input_per_million = Decimal("0.15")
    output_per_million = Decimal("0.60")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"agent-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class AgentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentVersion

    agent = factory.SubFactory(AgentFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = VersionStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    model_chain = factory.LazyFunction(lambda: [{"provider": "offline", "model": "offline-1"}])
    input_schema = factory.LazyFunction(lambda: {"type": "object"})


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Run

    workspace = factory.SubFactory(WorkspaceFactory)
    agent_version = factory.SubFactory(AgentVersionFactory)
    input = factory.LazyFunction(dict)
    status = RunStatus.QUEUED


class RunStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunStep

    run = factory.SubFactory(RunFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    kind = "skill"
    name = "finance.unit_economics"


class RunEventFactory(factory.django.DjangoModelFactory):
    """An event numbered as the lifecycle numbers them: the run's next sequence, which the run then records as its
    last (Run.last_event_seq), so that a later status move takes the number after it. (A global factory sequence
    made the numbers depend on which tests had run before in the process: a status move could then collide with
    an event the factory had made.)"""

    class Meta:
        model = RunEvent

    run = factory.SubFactory(RunFactory)
    sequence = factory.LazyAttribute(lambda event: event.run.last_event_seq + 1)
    type = "status"

    @classmethod
    def _create(cls, model_class: type[RunEvent], *args: Any, **kwargs: Any) -> RunEvent:
        event = super()._create(model_class, *args, **kwargs)
        run = event.run
        Run.objects.filter(pk=run.pk, last_event_seq__lt=event.sequence).update(last_event_seq=event.sequence)
        run.last_event_seq = max(run.last_event_seq, event.sequence)
        return event


def gated_run(*, output: dict, reason: str = "review", **fields) -> Run:
    """A run stopped for a person's approval the way the runtime stops one: running → awaiting_approval, with
    its pending Approval created by the same transition."""
    from agents.runs.lifecycle import run_transition
    from raptorflow.audit.actors import Actor

    run = RunFactory(status=RunStatus.RUNNING, **fields)
    run_transition(
        run,
        to=RunStatus.AWAITING_APPROVAL,
        allowed_from={RunStatus.RUNNING},
        actor=Actor.system("worker"),
        approval_reason=reason,
        output=output,
    )
    return run


def asking_run(*, questions: list[dict], step: int = 1, **fields) -> Run:
    """A run that asked questions the way the runtime asks: running → awaiting_input, with its InputRequest created
    by the same transition."""
    from agents.runs.lifecycle import InputAsk, run_transition
    from raptorflow.audit.actors import Actor

    run = RunFactory(status=RunStatus.RUNNING, **fields)
    run_transition(
        run,
        to=RunStatus.AWAITING_INPUT,
        allowed_from={RunStatus.RUNNING},
        actor=Actor.system("worker"),
        input_ask=InputAsk(step=step, questions=questions),
    )
    return run
