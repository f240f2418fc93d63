"""One error shape for the whole API: {"code": machine-readable, "message": for people, "errors": {field: [...]}}.

Service errors (raptorflow.errors.ServiceError and the apps' subclasses) carry their own code and HTTP
status, so views never build error responses by hand and this module knows no app's errors.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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


def json_404(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def json_500(request) -> JsonResponse:
    return JsonResponse(error_body("server_error", "Something went wrong on our side."), status=500)
