"""Binds the request id, client address and user agent for logs and audit events; refuses blocked addresses."""

from __future__ import annotations

import logging
import re

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from raptorflow import context
from raptorflow.api.errors import error_body
from raptorflow.client_ip import client_ip

from .blocklist import ActiveBlock, is_blocked

logger = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else context.new_request_id()
        request.request_id = request_id
        with context.bind(
            request_id=request_id,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:500],
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


BLOCKED_MESSAGE = "Requests from your address are blocked."
_LOG_EVERY_SECONDS = 60


class IPBlockMiddleware:
    """Refuses requests from blocked addresses (raptorflow.audit.blocklist) with 403, before any other work.

    Placed before sessions and authentication so a blocked client costs no session,
    user or API-key lookup, and cannot even try a password. Refusals are logged
    (at most once a minute per address) but not audited: an attack would flood the
    trail; the audit trail records the block itself being added or changed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = client_ip(request)
        block = is_blocked(ip) if ip else None
        if not ip or block is None:
            return self.get_response(request)
        _log_refusal(ip, block)
        return _blocked_response(request)


def _blocked_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("ip_blocked", BLOCKED_MESSAGE), status=403)
    return HttpResponse(f"403 Forbidden: {BLOCKED_MESSAGE}\n", status=403, content_type="text/plain; charset=utf-8")


def _log_refusal(ip: str, block: ActiveBlock) -> None:
    # cache.add is atomic and only succeeds for the first refusal of the window, in any process.
    if cache.add(f"ipblock:logged:{ip}", 1, _LOG_EVERY_SECONDS):
        logger.warning(
            "Refused requests from %s: IP block %s (%s); logged once a minute per address.",
            ip,
            block.id,
            block.network,
            extra={"client_ip": ip, "ip_block_id": block.id},
        )
