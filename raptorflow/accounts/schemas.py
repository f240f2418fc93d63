"""JSON Schema of a workspace's foundation: the company context every agent reads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

from .choices import Stage

_TEXT = {"type": "string", "maxLength": 5000}
_NAME = {"type": "string", "minLength": 1, "maxLength": 200}
_LIST = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 500}, "maxItems": 50}

FOUNDATION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Foundation",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "company": _NAME,
        "industry": {"type": "string", "maxLength": 200},
        "stage": {"enum": list(Stage.values)},
        "description": _TEXT,
        "product": _TEXT,
        "audience": _TEXT,
        "competitors": _LIST,
        "brand_voice": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "tone": {"type": "string", "maxLength": 200},
                "do": _LIST,
                "dont": _LIST,
            },
        },
        "goals": _LIST,
        "budget_level": {"enum": ["low", "medium", "high"]},
    },
}

_validator = Draft202012Validator(FOUNDATION_SCHEMA)


# Compiled validators of schemas that live for the process (skills' and published versions'), by identity.
# The schema is kept with its validator so that its id cannot be reused by another object while cached.
_VALIDATORS: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}
_VALIDATORS_MAX = 1024


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for ``schema``, built once per schema object. Do not mutate a schema after using it here."""
    cached = _VALIDATORS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    if len(_VALIDATORS) >= _VALIDATORS_MAX:
        _VALIDATORS.clear()
    validator = Draft202012Validator(schema)
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


def schema_errors(validator: Draft202012Validator, value: Any) -> list[str]:
    """Human-readable errors, each prefixed with the JSON path of the offending value."""
    messages = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(part) for part in error.absolute_path) or "(root)"
        messages.append(f"{path}: {error.message}")
    return messages


def validate_foundation(value: Any) -> None:
    errors = schema_errors(_validator, value)
    if errors:
        raise ValidationError(errors, code="invalid_foundation")
