"""Model layer v2, cost: prices per provider and model, cache tokens at their own rates, the worst-case estimate
before a call, free offline and scripted calls, and the migration from kind-wide prices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from raptorflow.llm.budget import Budgets, CallRefused, call_check
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.models import ModelPrice, Provider
from raptorflow.llm.pricing import completion_cost, cost_of, estimate_cost, price_for
from raptorflow.llm.services import _test_model
from raptorflow.llm.types import Completion, CompletionRequest, Message, ToolSpec, Usage
from tests.factories import ModelPriceFactory

from . import make_provider

JAN = datetime(2025, 1, 1, tzinfo=UTC)
FEB = datetime(2025, 2, 15, tzinfo=UTC)
PLENTY = Budgets(Decimal("0"), Decimal("100"), Decimal("0"), Decimal("1000"))
NOTHING = Budgets(Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0"))


@pytest.fixture
def openai(db) -> Provider:
    return make_provider(ProviderKind.OPENAI_COMPATIBLE, name="openai")


@pytest.fixture
def openrouter(db) -> Provider:
    return make_provider(ProviderKind.OPENAI_COMPATIBLE, name="openrouter")


def _price(provider: Provider, model: str = "gpt-4o-mini", **rates: str) -> ModelPrice:
    values = {"input_per_million": "0.15", "output_per_million": "0.60", **rates}
    return ModelPriceFactory(
        provider=provider, model=model, effective_from=JAN, **{k: Decimal(v) for k, v in values.items()}
    )


def _ask(text: str = "x" * 400, *, tools: tuple[ToolSpec, ...] = (), max_tokens: int = 100) -> CompletionRequest:
    return CompletionRequest((Message("user", text),), "gpt-4o-mini", max_tokens=max_tokens, tools=tools)


# --- prices per provider --------------------------------------------------------------------------------------


def test_two_providers_of_one_kind_each_have_their_own_price_for_the_same_model(openai, openrouter):
    at_openai = _price(openai, input_per_million="0.15")
    at_openrouter = _price(openrouter, input_per_million="0.20")

    assert price_for(openai, "gpt-4o-mini", FEB) == at_openai
    assert price_for(openrouter, "gpt-4o-mini", FEB) == at_openrouter
    usage = Usage(input_tokens=1_000_000, output_tokens=0)
    assert cost_of(price_for(openai, "gpt-4o-mini", FEB), usage) == Decimal("0.150000")
    assert cost_of(price_for(openrouter, "gpt-4o-mini", FEB), usage) == Decimal("0.200000")


def test_a_price_at_another_provider_of_the_same_kind_never_applies(openai, openrouter):
    _price(openai)
    paid = Completion("t", Usage(1_000, 100), "gpt-4o-mini", openrouter.name, 5)

    assert price_for(openrouter, "gpt-4o-mini", FEB) is None
    assert completion_cost(paid, openrouter, FEB) == 0  # unpriced: call_check refuses such a call beforehand
    with pytest.raises(CallRefused) as refused:
        call_check(openrouter, _ask(), PLENTY, at=FEB)
    assert refused.value.code == "price_missing" and not refused.value.over_budget
    assert "gpt-4o-mini" in refused.value.message and openrouter.name in refused.value.message


def test_one_provider_has_one_price_per_model_and_date(openai, openrouter):
    _price(openai)
    _price(openrouter)  # the same model and date at another provider is another price
    with pytest.raises(IntegrityError, match="modelprice_unique_from"), transaction.atomic():
        _price(openai)


def test_a_connection_test_asks_for_a_model_priced_at_that_provider(openai, openrouter):
    _price(openai, model="a-model-only-openai-prices")
    _price(openrouter, model="z-model")

    assert _test_model(openrouter) == "z-model"
    assert _test_model(make_provider(ProviderKind.OPENAI_COMPATIBLE)) == "gpt-4o-mini"  # no price: the default


# --- cache tokens -----------------------------------------------------------------------------------------------


def test_uncached_input_cached_input_cache_writes_and_output_each_cost_their_own_rate(openai):
    price = _price(
        openai,
        input_per_million="3.00",
        cached_input_per_million="0.30",
        cache_write_per_million="3.75",
        output_per_million="15",
    )
    # input_tokens includes the cache parts: 2,000 uncached + 6,000 read from the cache + 2,000 written to it.
    usage = Usage(input_tokens=10_000, output_tokens=1_000, cached_input_tokens=6_000, cache_write_tokens=2_000)

    # 2,000 × 3 + 6,000 × 0.30 + 2,000 × 3.75 + 1,000 × 15 = 6,000 + 1,800 + 7,500 + 15,000 per million
    assert cost_of(price, usage) == Decimal("0.030300")
    assert cost_of(price, Usage(input_tokens=10_000, output_tokens=1_000)) == Decimal("0.045000")  # all uncached


def test_a_completion_is_charged_for_its_cache_writes(openai):
    _price(openai, input_per_million="1", cache_write_per_million="1.25", output_per_million="0")
    written = Completion("t", Usage(1_000_000, 0, cache_write_tokens=1_000_000), "gpt-4o-mini", "openai", 5)

    assert completion_cost(written, openai, FEB) == Decimal("1.250000")


# --- the worst case before a call -------------------------------------------------------------------------------


def test_the_estimate_counts_the_whole_request_tools_and_schemas_included_and_all_of_max_tokens(openai):
    price = _price(openai, input_per_million="1", output_per_million="2")
    tool = ToolSpec("lookup", "Look a thing up in the workspace." * 10, {"type": "object", "properties": {}})
    bare, with_tools = _ask(), _ask(tools=(tool,))

    assert with_tools.input_chars > bare.input_chars == 400
    # 400 chars = 100 tokens × $1/M + 100 output tokens × $2/M
    assert estimate_cost(price, bare) == Decimal("0.000300")
    tool_tokens = -(-with_tools.input_chars // 4)
    assert estimate_cost(price, with_tools) == (Decimal(tool_tokens) * 1 + 100 * 2) / Decimal(1_000_000)


def test_the_estimate_assumes_no_cache_read_and_the_dearer_of_input_and_cache_write(openai, openrouter):
    cheap_reads = _price(openai, input_per_million="1", cached_input_per_million="0.1", output_per_million="0")
    dear_writes = _price(openrouter, input_per_million="1", cache_write_per_million="1.25", output_per_million="0")
    request = _ask("x" * 4_000_000, max_tokens=1)  # a million input tokens

    assert estimate_cost(cheap_reads, request) == Decimal("1.000000")
    assert estimate_cost(dear_writes, request) == Decimal("1.250000")


def test_the_budget_check_refuses_a_call_whose_tools_would_break_the_run_budget(openai):
    _price(openai, input_per_million="1000", output_per_million="0")  # $0.001 a token: easy figures
    tool = ToolSpec("lookup", "d" * 4_000, {"type": "object"})
    budgets = Budgets(Decimal("0"), Decimal("0.5"), Decimal("0"), Decimal("100"))

    assert call_check(openai, _ask(), budgets, at=FEB) == Decimal("0.100000")  # 100 tokens of messages
    with pytest.raises(CallRefused) as refused:
        call_check(openai, _ask(tools=(tool,)), budgets, at=FEB)  # + over 1,000 tokens of tool description
    assert refused.value.code == "run_budget_exceeded" and refused.value.over_budget


# --- free calls ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ProviderKind.OFFLINE, ProviderKind.SCRIPTED])
def test_offline_and_scripted_calls_cost_nothing_and_are_never_refused(db, kind):
    provider = make_provider(kind)
    ModelPriceFactory(provider=provider, model="gpt-4o-mini", input_per_million=Decimal("100"))
    answered = Completion("t", Usage(1_000_000, 1_000_000), "gpt-4o-mini", provider.name, 1)

    assert completion_cost(answered, provider, FEB) == 0  # even with a price on the row
    assert call_check(provider, _ask(), NOTHING, at=FEB) == 0  # no price needed, no budget left


def test_a_scripted_or_cached_completion_costs_nothing_even_at_a_paid_provider(openai):
    _price(openai)
    paid = Completion("t", Usage(1_000_000, 0), "gpt-4o-mini", "openai", 5)

    assert completion_cost(paid, openai, FEB) == Decimal("0.150000")
    assert completion_cost(Completion("t", paid.usage, "gpt-4o-mini", "s", 5, scripted=True), openai, FEB) == 0
    assert completion_cost(Completion("t", paid.usage, "gpt-4o-mini", "c", 5, cache_hit=True), openai, FEB) == 0


# --- the migration from kind-wide prices ---------------------------------------------------------------------------

BEFORE = [("llm", "0002_model_layer_v2")]
AFTER = [("llm", "0004_modelprice_provider_required")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def kind_wide_prices(transactional_db):
    """The database as it was before prices were per provider: rows per kind, some with a provider."""
    old = _migrate(BEFORE)
    try:
        Provider, ModelPrice = old.get_model("llm", "Provider"), old.get_model("llm", "ModelPrice")
        openai = Provider.objects.create(name="openai", kind="openai_compatible")
        openrouter = Provider.objects.create(name="openrouter", kind="openai_compatible")
        claude = Provider.objects.create(name="claude", kind="anthropic")
        row = {"input_per_million": Decimal("0.15"), "output_per_million": Decimal("0.60"), "effective_from": JAN}
        ModelPrice.objects.create(provider_kind="openai_compatible", model="gpt-4o-mini", **row)
        ModelPrice.objects.create(
            provider_kind="openai_compatible", model="gpt-4o-mini", provider=openrouter,
            **{**row, "input_per_million": Decimal("0.20"), "effective_from": FEB},
        )  # fmt: skip
        ModelPrice.objects.create(
            provider_kind="anthropic", model="claude-x", cache_write_per_million=Decimal("3.75"), **row
        )
        ModelPrice.objects.create(provider_kind="scripted", model="script-1", **row)  # a kind with no provider
        yield {"openai": openai.pk, "openrouter": openrouter.pk, "claude": claude.pk}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _rows(apps) -> set[tuple]:
    ModelPrice = apps.get_model("llm", "ModelPrice")
    return {
        (price.provider.name, price.model, str(price.input_per_million), str(price.cache_write_per_million),
         price.effective_from)
        for price in ModelPrice.objects.select_related("provider")
    }  # fmt: skip


def test_the_migration_gives_each_provider_of_a_kind_its_own_copy_of_the_kind_wide_prices(kind_wide_prices):
    new = _migrate(AFTER)

    assert _rows(new) == {
        ("openai", "gpt-4o-mini", "0.1500", "0.0000", JAN),
        ("openrouter", "gpt-4o-mini", "0.1500", "0.0000", JAN),  # the kind-wide row, copied
        ("openrouter", "gpt-4o-mini", "0.2000", "0.0000", FEB),  # its own row, kept
        ("claude", "claude-x", "0.1500", "3.7500", JAN),
    }  # the scripted row is gone: no provider of that kind


def test_the_migration_back_restores_one_price_per_kind(kind_wide_prices):
    _migrate(AFTER)
    old = _migrate(BEFORE)

    ModelPrice = old.get_model("llm", "ModelPrice")
    kinds = sorted(ModelPrice.objects.values_list("provider_kind", "model", "effective_from", "provider__name"))
    assert kinds == [
        ("anthropic", "claude-x", JAN, "claude"),
        ("openai_compatible", "gpt-4o-mini", JAN, "openai"),  # the oldest row of the two copies
        ("openai_compatible", "gpt-4o-mini", FEB, "openrouter"),
    ]
