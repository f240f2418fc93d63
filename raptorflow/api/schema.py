"""Shared OpenAPI pieces: the error shape, the workspace selector, the idempotency header, and the hook that
states in the schema the limits the code enforces."""

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from .pagination import MAX_PAGE_SIZE

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Machine-readable, e.g. invalid_input, not_found, throttled."),
        "message": serializers.CharField(help_text="For people."),
        "errors": serializers.DictField(required=False, help_text="Field name → list of problems."),
    },
)


def _error(description: str, code: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer, description=description, examples=[OpenApiExample(code, {"code": code, "message": message})]
    )


ERRORS = {
    400: _error("Invalid request", "invalid_input", "The request is not valid; see errors."),
    401: _error("Not signed in, or a bad API key", "not_authenticated", "Credentials were not provided."),
    403: _error("Signed in but not allowed", "permission_denied", "Not allowed: the API key needs 'runs:write'."),
    404: _error("Not found (also another workspace's)", "not_found", "Not found."),
    429: _error("Rate limited; see Retry-After", "throttled", "Too many requests; retry in 12 s."),
}
CONFLICT = {409: _error("Conflicts with the current state", "idempotency_conflict", "This Idempotency-Key was used.")}
TOO_LARGE = {
    413: _error("The body or the run input is too large", "payload_too_large", "The request body is too large.")
}
BUDGET = {402: _error("Monthly budget spent", "budget_exceeded", "The workspace has spent $50.00 of $50.00.")}

WORKSPACE_PARAMS = [
    OpenApiParameter(
        "X-Workspace",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=False,
        description="Workspace slug, for people who belong to several (API keys imply theirs).",
    ),
]

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (≤ 255). Repeating a request with the same key returns the first run.",
)


# drf-spectacular writes a decimal's pattern with every digit optional (``^-?\d{0,8}(?:\.\d{0,6})?$``), which
# "" and "-" match; DRF refuses both. The lookahead asks for at least one digit.
_DECIMAL_PATTERN = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def tighten(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS: say in the schema what the code already enforces, so that clients (and the
    schemathesis test) can tell a valid request from an invalid one:

    - a string query parameter is never empty (QuerySerializer and StrictFilterBackend refuse ``?name=``);
    - ``limit`` is a whole number from 1 to 200 (raptorflow/api/pagination.py);
    - a decimal has at least one digit.
    """
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query":
                    continue
                if parameter["name"] == "limit" and "minimum" not in schema:  # the paginator's, which says none
                    schema.update(minimum=1, maximum=MAX_PAGE_SIZE)
                elif schema.get("type") == "string" and "enum" not in schema:
                    schema.setdefault("minLength", 1)
                elif schema.get("type") == "array" and schema.get("items", {}).get("type") == "string":
                    schema["items"].setdefault("minLength", 1)
    _tighten_decimals(result.get("components", {}).get("schemas", {}))
    return result


def _tighten_decimals(node: Any) -> None:
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and (match := _DECIMAL_PATTERN.match(pattern)):
            whole, fraction = match.groups()
            node["pattern"] = rf"^-?(?=\.?\d)\d{{0,{whole}}}(?:\.\d{{0,{fraction}}})?$"
        for value in node.values():
            _tighten_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _tighten_decimals(value)
