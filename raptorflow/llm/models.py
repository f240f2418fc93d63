"""LLM providers (with encrypted credentials) and model prices."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from . import crypto
from .choices import ProviderKind
from .provider_urls import base_url_problem


class Provider(models.Model):
    """A configured model provider. Its API key is stored encrypted; only a hint is ever shown."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=ProviderKind.choices)
    base_url = models.URLField(blank=True, help_text="e.g. https://api.openai.com/v1 or http://localhost:11434/v1")
    api_key_encrypted = models.TextField(blank=True, editable=False)
    api_key_hint = models.CharField(max_length=12, blank=True, editable=False)
    timeout_seconds = models.FloatField(default=60, validators=[MinValueValidator(1), MaxValueValidator(600)])
    max_retries = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(10)])
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)

    @property
    def api_key_masked(self) -> str:
        return f"••••••••{self.api_key_hint}" if self.api_key_encrypted else ""

    def set_api_key(self, plaintext: str) -> None:
        self.api_key_encrypted = crypto.encrypt(plaintext) if plaintext else ""
        self.api_key_hint = plaintext[-4:] if len(plaintext) >= 12 else ""

    def get_api_key(self) -> str:
        """The plaintext key, for a call to the provider. Each decryption for use is audited (rate-limited)."""
        if not self.api_key_encrypted:
            return ""
        plaintext = crypto.decrypt(self.api_key_encrypted)
        from .audit import note_decryption  # the audit app depends on nothing here; keep models import-light

        note_decryption(self)
        return plaintext

    def clean(self) -> None:
        """Refuse what must never be saved: the scripted provider in production, and a base URL a provider may
        not use (provider_urls.py: never link-local or a metadata service; private only when allowed)."""
        errors: dict[str, str] = {}
        if self.kind == ProviderKind.SCRIPTED and settings.IS_PRODUCTION:
            errors["kind"] = "The scripted provider replays canned replies for tests and demos; not in production."
        if self.base_url and (problem := base_url_problem(self.base_url, unresolvable_ok=True)):
            errors["base_url"] = problem
        if errors:
            raise ValidationError(errors)


class _PriceOptions(TypedDict):
    max_digits: int
    decimal_places: int
    validators: list[Callable[[Any], None]]


_PRICE: _PriceOptions = {"max_digits": 12, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0"))]}


class ModelPrice(models.Model):
    """USD per million tokens for one model at one provider, in force from a date until a later row supersedes it.

    Keyed by provider, not by kind: OpenAI and OpenRouter are both OpenAI-compatible and price the same model
    name differently. Input is priced in three parts (uncached, read from the prompt cache, written to it).
    """

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="prices",
        help_text="The provider this price is for: the same model name can cost differently at two providers.",
    )  # fmt: skip
    model = models.CharField(max_length=200, help_text="The model name as agent versions ask for it.")
    input_per_million = models.DecimalField(help_text="Input tokens not read from or written to a cache.", **_PRICE)
    output_per_million = models.DecimalField(**_PRICE)
    cached_input_per_million = models.DecimalField(
        default=Decimal("0"), help_text="Input tokens read from the provider's prompt cache.", **_PRICE
    )
    cache_write_per_million = models.DecimalField(
        default=Decimal("0"),
        help_text="Input tokens written to the provider's prompt cache (Anthropic: 1.25 × input). Where writes "
        "cost what input costs but are reported (OpenAI, OpenRouter), the input rate.",
        **_PRICE,
    )
    effective_from = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider__name", "model", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "model", "effective_from"], name="modelprice_unique_from"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.model} from {self.effective_from:%Y-%m-%d}"
