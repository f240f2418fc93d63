"""LLM providers (with encrypted credentials) and model prices."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypedDict

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from . import crypto
from .choices import ProviderKind


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


class _PriceOptions(TypedDict):
    max_digits: int
    decimal_places: int
    validators: list[Callable[[Any], None]]


_PRICE: _PriceOptions = {"max_digits": 12, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0"))]}


class ModelPrice(models.Model):
    """USD per million tokens for one model, in force from a date until a later row supersedes it."""

    provider_kind = models.CharField(max_length=20, choices=ProviderKind.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="prices",
        help_text="The provider this price is for: the same model name can cost differently at two providers.",
    )  # fmt: skip
    model = models.CharField(max_length=200)
    input_per_million = models.DecimalField(**_PRICE)
    output_per_million = models.DecimalField(**_PRICE)
    cached_input_per_million = models.DecimalField(default=Decimal("0"), **_PRICE)
    cache_write_per_million = models.DecimalField(
        default=Decimal("0"), help_text="Input written to the provider's prompt cache (Anthropic).", **_PRICE
    )
    effective_from = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider_kind", "model", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["provider_kind", "model", "effective_from"], name="modelprice_unique_from"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_kind}/{self.model} from {self.effective_from:%Y-%m-%d}"
