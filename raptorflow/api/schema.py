"""Shared OpenAPI pieces: the error shape, the workspace selector and the idempotency header."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

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
