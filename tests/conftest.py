"""Shared fixtures: named personas (owner, member, viewer, stranger) and a staff superuser."""

from __future__ import annotations

import os

import pytest

from raptorflow.accounts.choices import Role
from raptorflow.audit.actors import Actor

from .factories import MembershipFactory, UserFactory, WorkspaceFactory

# Fixtures every folder may need, whatever app its tests are about: the API client and keys, a headless
# browser against the live server, and real worker, web and Redis processes.
pytest_plugins = ["tests.fixtures.api", "tests.fixtures.browser", "tests.fixtures.processes"]


def pytest_sessionstart(session):
    """In CI the suite must run against the real services; if one is down, fail at once instead of skipping."""
    if os.environ.get("RAPTORFLOW_REQUIRE_SERVICES") != "1":
        return
    import redis

    missing = [name for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL") if not os.environ.get(name)]
    if missing:
        pytest.exit(f"RAPTORFLOW_REQUIRE_SERVICES=1 but {', '.join(missing)} not set", returncode=3)
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = os.environ[name]
        if url.startswith("redis"):
            try:
                redis.Redis.from_url(url, socket_connect_timeout=3).ping()
            except redis.RedisError as exc:
                pytest.exit(f"{name} is unreachable: {exc}", returncode=3)


def pytest_collection_modifyitems(config, items):
    """The multi-host failure test (tests/chaos/, root, network namespaces) runs only when asked for by marker
    (`-m chaos`, make chaos): never in a plain `pytest`, nor under a marker expression that does not name it."""
    if "chaos" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("chaos") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


class Asked(Exception):
    """What OfflineSkillContext.ask raises: the agent asked these questions (the runtime would pause the run)."""

    def __init__(self, questions: list[dict]):
        super().__init__(f"asked {[q.get('key') for q in questions]}")
        self.questions = questions


class OfflineSkillContext:
    """A context for calling skills and agents directly in tests, offline: LLM text comes from the offline
    provider, structured output and tool loops are unavailable (as offline), and questions raise Asked."""

    def __init__(self, foundation: dict | None = None):
        self.foundation = foundation or {}

    def llm(self, prompt: str, *, system: str = "", purpose: str = "") -> str:
        from raptorflow.llm.adapters import complete_offline
        from raptorflow.llm.models import Provider
        from raptorflow.llm.types import CompletionRequest, Message

        messages = ((Message("system", system),) if system else ()) + (Message("user", prompt),)
        provider = Provider(name="offline", kind="offline")
        return complete_offline(provider, CompletionRequest(messages=messages, model="offline-1")).text

    def tool(self, name: str, data: dict) -> dict:
        from skills import tools

        return tools.get(name)(data, self)

    def skill(self, slug: str, data: dict) -> dict:
        from skills import registry

        return registry.get(slug).func(data, self)

    def progress(self, message: str, **data) -> None:
        pass

    def llm_json(self, prompt: str, *, schema: dict, name: str = "answer", system: str = "", purpose: str = "") -> dict:
        from agents.registry import ModelUnavailable

        raise ModelUnavailable("The offline provider cannot give structured output; configure a model provider.")

    def llm_loop(self, prompt: str, *, system: str = "", purpose: str = "", schema: dict | None = None):
        from agents.registry import ModelUnavailable

        raise ModelUnavailable("The offline provider cannot call tools; configure a model provider.")

    def ask(self, questions: list[dict]) -> dict:
        raise Asked(questions)


@pytest.fixture
def skill_ctx() -> OfflineSkillContext:
    return OfflineSkillContext()


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def registry_synced(db, system_actor):
    """The skill and agent tables mirrored from code, with the offline provider, as seed_demo leaves them."""
    from agents.services import agent_sync
    from raptorflow.llm.models import Provider
    from skills.services import skill_sync

    Provider.objects.get_or_create(name="offline", defaults={"kind": "offline"})
    skill_sync(actor=system_actor)
    agent_sync(actor=system_actor, default_chain=[{"provider": "offline", "model": "offline-1"}])


@pytest.fixture
def paid_provider(db, httpserver):
    """An OpenAI-compatible provider at a local fake server, with a price for model gpt-test."""
    from decimal import Decimal

    from django.utils import timezone

    from raptorflow.llm.models import ModelPrice, Provider

    provider = Provider.objects.create(name="paid", kind="openai_compatible", base_url=httpserver.url_for("/v1"))
    provider.set_api_key("sk-test-0123456789abcdef")
    provider.save()
    ModelPrice.objects.create(
        provider=provider,
        model="gpt-test",
        input_per_million=Decimal("10"),
        output_per_million=Decimal("30"),
        effective_from=timezone.now() - timezone.timedelta(days=1),
    )
    return provider


@pytest.fixture
def workspace(db):
    return WorkspaceFactory()


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory()


@pytest.fixture
def owner(workspace):
    return MembershipFactory(workspace=workspace, role=Role.OWNER, user=UserFactory(username="owner")).user


@pytest.fixture
def member(workspace):
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, user=UserFactory(username="member")).user


@pytest.fixture
def viewer(workspace):
    return MembershipFactory(workspace=workspace, role=Role.VIEWER, user=UserFactory(username="viewer")).user


@pytest.fixture
def stranger(other_workspace):
    return MembershipFactory(workspace=other_workspace, role=Role.OWNER, user=UserFactory(username="stranger")).user


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _blocklist_known_empty():
    """Tests start with no IP blocks, said so in the cache, so that query counts measure the view alone.

    Saving or deleting an IPBlock drops this entry, so tests that create blocks still see them at once.
    """
    from django.core.cache import cache

    from raptorflow.audit.blocklist import CACHE_KEY, forget_local

    cache.set(CACHE_KEY, {"version": "no-blocks", "blocks": []}, None)
    forget_local()


@pytest.fixture(autouse=True)
def _forget_process_memos():
    """Per-process memos outlive a test's rolled-back transaction: published versions by id (ids come back on
    SQLite) and the skills' enabled switches."""
    from agents.selectors import agentversion_forget_published
    from skills.selectors import skill_state_reset

    agentversion_forget_published()
    skill_state_reset()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (LLM responses, breakers, throttles)."""
    from django.core.cache import cache

    yield
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")  # django-redis: only keys under the test KEY_PREFIX
    else:
        cache.clear()
