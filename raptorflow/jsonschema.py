"""JSON Schema helpers every app uses: validators compiled once, and errors people can read.

(Absolute imports make ``import jsonschema`` below the library, not this module.)
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

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
