"""Binds the request id, client address and user agent for logs and audit events."""

from __future__ import annotations

import re

from raptorflow import context

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
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.headers.get("User-Agent", "")[:500],
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
