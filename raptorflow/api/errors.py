"""One error shape for the whole API: {"code": machine-readable, "message": for people, "errors": {field: [...]}}.

Service errors (raptorflow.errors.ServiceError and the apps' subclasses) carry their own code and HTTP
status, so views never build error responses by hand and this module knows no app's errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from raptorflow import context
from raptorflow.errors import ServiceError

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, exc.error_fields()), status=exc.http_status)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("payload_too_large", "The request body is too large."), status=413)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _shape(exc, response.data)
    return response


def _shape(exc: Exception, data: Any) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        return error_body("invalid_input", "The request is not valid; see errors.", errors)
    if isinstance(exc, exceptions.Throttled):
        wait = exc.wait  # type: ignore[attr-defined]  # set by Throttled.__init__; missing from the stubs
        return error_body("throttled", f"Too many requests; retry in {wait or 1:.0f} s.")
    if isinstance(exc, Http404 | exceptions.NotFound):
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "not_found"
        return error_body(code if isinstance(code, str) and code != "not_found" else "not_found", "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return error_body("permission_denied", "You do not have permission to do this.")
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes()
        return error_body(code if isinstance(code, str) else exc.default_code, _message(exc.detail))
    return error_body("error", str(data))


def _message(detail: Any) -> str:
    if isinstance(detail, list | tuple) and detail:
        return str(detail[0])
    if isinstance(detail, dict) and detail:
        return str(next(iter(detail.values())))
    return str(detail)


def json_404(request, exception=None, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that names nothing: the API's shape, not Django's page (also with DEBUG on)."""
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def json_500(request) -> JsonResponse:
    request_id = context.current().request_id
    message = f"Something went wrong on our side; quote request id {request_id} to support."
    return JsonResponse(error_body("server_error", message), status=500)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: JSON under /api/ (with how to get the token), Django's page elsewhere."""
    if not request.path.startswith("/api/"):
        from django.views.csrf import csrf_failure as page

        return page(request, reason)
    message = (
        "CSRF check failed: a signed-in session must send the csrftoken cookie and the X-CSRFToken header. "
        "GET /api/v1/auth/login sets the cookie and returns the token; then POST with both. "
        "Scripts should use an API key (Authorization: Api-Key …), which needs no CSRF token."
    )
    return JsonResponse(error_body("csrf_failed", message), status=403)


class APIErrorMiddleware:
    """An exception no view handled, on an /api/ path: logged with the request id, answered as JSON 500 — never
    a debug page, even with DEBUG on (Django's debug 500 would be HTML, and show settings and code)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith("/api/") or isinstance(exception, Http404 | DjangoPermissionDenied):
            return None  # Django's own handling (a JSON 404 via the URLconf's handlers)
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return json_500(request)
