"""Shared OpenAPI pieces: the error shape, the workspace selector, the idempotency header, and the hook that
states in the schema the limits the code enforces."""

import re
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
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
# A request the schema allows that the business rules refuse: it names a row that does not exist, a date in the
# past, a range that is too long... (decision 0025). Each refusal has its own code; the example is one of them.
UNPROCESSABLE = {
    422: _error(
        "Valid, but refused by the rules (a row that does not exist, a date in the past...)",
        "agent_not_found",
        "No enabled agent has the slug 'unit_economic'.",
    )
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


def request_example(name: str, value: dict[str, Any]) -> list[OpenApiExample]:
    """A request body's example for the docs and generated clients (every body has one: tests/api/test_openapi.py).

    Request only: an operation's responses keep their own examples.
    """
    return [OpenApiExample(name, value=value, request_only=True)]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": 255},
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (≤ 255). Repeating a request with the same key returns the first run.",
)


# drf-spectacular writes a decimal's pattern with every digit optional (``^-?\d{0,8}(?:\.\d{0,6})?$``), which
# "" and "-" match; DRF refuses both. The lookahead asks for at least one digit. (StrictDecimalField's pattern may
# have no sign: see below.)
_DECIMAL_PATTERN = re.compile(r"^\^(-\?)?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")

# The characters Python's str.strip() removes (those whose isspace() is true), as a JSON Schema (ECMA) class: not
# ``\s``, which differs (it has U+FEFF, and lacks U+001C to U+001F).
_PYTHON_WHITESPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_ONLY_WHITESPACE = f"[^{_PYTHON_WHITESPACE}]"


class CharFieldExtension(OpenApiSerializerFieldExtension):
    """A request's text field that trims whitespace and may not be blank refuses "   " (a 400): its schema says so,
    with a pattern asking for one character that is not whitespace (minLength counts the spaces)."""

    target_class = "rest_framework.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if (
            direction == "request"
            and isinstance(schema, dict)
            and schema.get("type") == "string"
            and not field.allow_blank
            and field.trim_whitespace
            and "pattern" not in schema
            and "format" not in schema
            and not any(isinstance(validator, RegexValidator) for validator in field.validators)  # a pattern of its own
        ):
            schema["pattern"] = NOT_ONLY_WHITESPACE
        return schema


class StrictDecimalFieldExtension(OpenApiSerializerFieldExtension):
    """A decimal with a minimum of zero or more has no sign in its pattern (a string's schema has no minimum)."""

    target_class = "raptorflow.api.serializers.StrictDecimalField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        minimum = self.target.min_value
        if minimum is not None and minimum >= 0 and isinstance(schema.get("pattern"), str):
            schema["pattern"] = schema["pattern"].replace("^-?", "^", 1)
        return schema


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
            sign, whole, fraction = match.groups()
            node["pattern"] = rf"^{sign or ''}(?=\.?\d)\d{{0,{whole}}}(?:\.\d{{0,{fraction}}})?$"
        for value in node.values():
            _tighten_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _tighten_decimals(value)


SSE_EVENT = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "description": "The event's type (status, step, progress, delta...), or end."},
        "id": {"type": "string", "description": "Its sequence number: send it back as Last-Event-ID to resume."},
        "data": {
            "type": "string",
            "description": "JSON: the event as the events operation lists it; for end, the run's final status.",
        },
        "retry": {"type": "integer", "description": "Milliseconds an EventSource waits before it reconnects."},
    },
}


def document_stream(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS: the server-sent event streams (of a run, of a pipeline run) as operations. They are
    plain Django views (they stream; DRF's response cycle would buffer them), so drf-spectacular cannot see them;
    each takes its events operation's path and header parameters (not its query: the stream pages by itself), its
    security and errors."""
    for resource, operation_id, noun in (("runs", "runs_stream", "run"),
                                         ("pipeline-runs", "pipeline_runs_stream", "pipeline run")):  # fmt: skip
        _document_one_stream(result, resource, operation_id, noun)
    return result


def _document_one_stream(result: dict[str, Any], resource: str, operation_id: str, noun: str) -> None:
    events = result.get("paths", {}).get(f"/api/v1/{resource}/{{id}}/events/", {}).get("get")
    if events is None:
        return
    parameters = [p for p in events.get("parameters", []) if p.get("in") != "query"]  # the stream takes none
    resume = (
        "Resume after this sequence number (an EventSource sends it by itself when it reconnects); anything but "
        "digits starts from the first event."
    )
    parameters.append({"in": "header", "name": "Last-Event-ID", "schema": {"type": "string"}, "description": resume})
    errors = {code: response for code, response in events.get("responses", {}).items() if not code.startswith("2")}
    result["paths"][f"/api/v1/{resource}/{{id}}/stream/"] = {
        "get": {
            "operationId": operation_id,
            "summary": f"Follow a {noun} as server-sent events",
            "description": f"Each event of the {noun} as `id: <sequence>`, `event: <type>` and `data: <JSON of the "
            "event as the events operation returns it>`, oldest first, then `event: end` with the final status once "
            f"the {noun} has ended. Served by the stream process, which holds the connection until the {noun} ends; "
            "the API process sends the events so far and closes, and an EventSource reconnects with Last-Event-ID.",
            "parameters": parameters,
            "tags": events.get("tags", [resource]),
            "security": events.get("security", []),
            "responses": {
                "200": {
                    "description": "The event stream (text/event-stream).",
                    # Before Open API 3.2 (itemSchema), a stream's schema describes one event.
                    "content": {"text/event-stream": {"schema": SSE_EVENT}},
                },
                **errors,
            },
        }
    }
