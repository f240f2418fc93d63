"""Server-sent events of a run's progress, served by the ASGI entry point (raptorflow.asgi).

`GET /api/v1/runs/{id}/stream` sends each RunEvent as an SSE message whose id
is the event's sequence, so a client that reconnects with `Last-Event-ID`
(browsers do this by themselves) resumes where it stopped. The stream ends
with an `end` message once the run is final. Authentication and workspace
rules are the API's own: an API key with runs:read or a member's session;
another workspace's run is a 404.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.http import JsonResponse, StreamingHttpResponse
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from agents.models import Run
from agents.runs.events import EventRow, run_events_after
from raptorflow.api import workspace as workspace_context
from raptorflow.api.access import READ_RUNS
from raptorflow.api.authentication import APIKeyAuthentication
from raptorflow.api.errors import error_body

POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15
MAX_STREAM_SECONDS = 3600  # then the client reconnects with Last-Event-ID
BATCH = 200


def _visible_run(request, pk) -> Run:
    """The run, if the caller may read it; raises the API's own exceptions otherwise."""
    drf_request = Request(request, authenticators=[APIKeyAuthentication(), SessionAuthentication()])
    if not drf_request.user or not drf_request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    context = workspace_context.resolve(drf_request)
    allowed = context.api_key.has_scope(READ_RUNS.scope) if context.api_key else READ_RUNS.allows_role(context.role)
    if not allowed:
        raise exceptions.PermissionDenied()
    run = Run.objects.filter(pk=pk, workspace=context.workspace).only("pk").first()
    if run is None:
        raise exceptions.NotFound()
    return run


def _message(event: EventRow) -> str:
    data = {"sequence": event["sequence"], "type": event["type"], "data": event["data"],
            "created_at": event["created_at"].isoformat()}  # fmt: skip
    return f"id: {event['sequence']}\nevent: {event['type']}\ndata: {json.dumps(data)}\n\n"


async def _events(run_id, after: int) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    started = last_sent = time.monotonic()
    while time.monotonic() - started < MAX_STREAM_SECONDS:
        page = await sync_to_async(run_events_after)(run_id, after=after, limit=BATCH)
        for event in page.events:
            yield _message(event)
            after, last_sent = event["sequence"], time.monotonic()
        if page.final:
            yield f"event: end\ndata: {json.dumps({'status': page.status})}\n\n"
            return
        if not page.events:
            if time.monotonic() - last_sent > KEEPALIVE_SECONDS:
                yield ": keep-alive\n\n"
                last_sent = time.monotonic()
            await asyncio.sleep(POLL_SECONDS)


def _resume_point(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


async def run_stream(request, pk, version=None):
    try:
        run = await sync_to_async(_visible_run)(request, pk)
    except exceptions.APIException as exc:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        return JsonResponse(error_body(code, str(exc.detail)), status=exc.status_code)
    response = StreamingHttpResponse(_events(run.pk, _resume_point(request)), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # let nginx pass events through as they come
    return response
