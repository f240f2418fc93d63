"""JSON Schema of a workspace's foundation: the company context every agent reads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

from raptorflow.jsonschema import schema_errors

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


def validate_foundation(value: Any) -> None:
    errors = schema_errors(_validator, value)
    if errors:
        raise ValidationError(errors, code="invalid_foundation")
