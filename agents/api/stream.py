"""Following a run: the long-poll and the server-sent events, served by the stream process (raptorflow.asgi).

Anything that waits belongs to the stream process, never to a sync WSGI worker (docs/decisions/0012):

- ``run_events_wait``: ``GET /api/v1/runs/{id}/events?wait=`` there. The API's own action answers first
  (authentication, scope, workspace, throttling, parameters, errors and the first page are the WSGI
  endpoint's, by construction); only when it has nothing new and the client asked to wait, the request is
  held by the process's run watcher (agents.runs.follow) until the run has news or the wait ends.
- ``run_stream``: ``GET /api/v1/runs/{id}/stream`` there: each RunEvent as an SSE message whose id is the
  event's sequence, so a client that reconnects with ``Last-Event-ID`` (browsers do this by themselves)
  resumes where it stopped; an ``end`` message once the run is final. Waits on the same watcher.
- ``run_stream_now``: the same route in the API process. It sends the events there are and ends the response
  (``event: end`` if the run is final); an EventSource reconnects after ``retry`` with ``Last-Event-ID``.

Authentication and workspace rules are the API's own: an API key with runs:read or a member's session;
another workspace's run is a 404. No database connection is held while a client waits.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable

from asgiref.sync import sync_to_async
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from agents.models import Run
from agents.runs.events import EventPage, EventRow, run_events_after
from agents.runs.follow import run_wait
from raptorflow.api import workspace as workspace_context
from raptorflow.api.access import READ_RUNS
from raptorflow.api.authentication import KEYWORD, APIKeyAuthentication
from raptorflow.api.errors import error_body

from . import views

RECONNECT_MS = 2000  # the SSE `retry:`: how soon an EventSource comes back after the response ends
KEEPALIVE_SECONDS = 15
MAX_STREAM_SECONDS = 3600  # then the client reconnects with Last-Event-ID
BATCH = 200
BATCH_NOW = 500  # the API process's /stream sends at most this many events per response

_events_action = views.RunViewSet.as_view({"get": "events"}, detail=True, basename="run")


# --- GET …/events?wait= (stream process) ---------------------------------------------------------------------


async def run_events_wait(request: HttpRequest, pk: str, version: str | None = None) -> HttpResponseBase:
    """The long-poll: the API's action answers, then the watcher holds the request if there is nothing yet."""
    if (refused := _refuse_method(request)) is not None:
        return refused
    response, wait, limit = await sync_to_async(answer_now)(request, pk, version)
    if not wait:
        return response
    body = response.data
    state = await run_wait(pk, after=body["next_after"], timeout=wait)
    if state is None:  # the first answer stands: nothing changed since (every status change is an event)
        return response
    # News: read it, with the status the watcher read just before.
    page = await sync_to_async(_page_or_none)(pk, body["next_after"], limit, state.status)
    if page is None:
        return _error_response(exceptions.NotFound())
    response.data = views.event_page_body(body["run"], page)
    return response


def answer_now(
    request: HttpRequest, pk: str, version: str | None, action: Callable[..., Response] | None = None
) -> tuple[Response, float, int]:
    """The API's events action's answer (a run's, or ``action``'s), and how long to wait for more (0: answer now)
    with the page size asked for."""
    response: Response = (action or _events_action)(request, pk=pk, version=version)
    query = views.EventQuerySerializer(data=request.GET)
    if response.status_code != 200 or not query.is_valid():
        return response, 0, 0
    body, wait = response.data, query.validated_data["wait"]
    if not wait or body["events"] or body["final"]:
        return response, 0, 0
    connections.close_all()  # hold no database connection while waiting (with a pool: give it back)
    return response, wait, query.validated_data["limit"]


def _page_or_none(run_id: str, after: int, limit: int, status: str | None) -> EventPage | None:
    """A page of the run's events; None if the run no longer exists (its workspace was deleted)."""
    try:
        return run_events_after(run_id, after=after, limit=limit, status=status)
    except Run.DoesNotExist:
        return None


# --- GET …/stream ---------------------------------------------------------------------------------------------


def _visible_run(request: HttpRequest, pk: str) -> Run:
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


def _refuse_method(request: HttpRequest) -> JsonResponse | None:
    """These are reads: any other method is a 405 in the API's error shape (as DRF's views answer)."""
    if request.method in {"GET", "HEAD"}:
        return None
    response = _error_response(exceptions.MethodNotAllowed(request.method or ""))
    response["Allow"] = "GET, HEAD"
    return response


def _error_response(exc: exceptions.APIException) -> JsonResponse:
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    response = JsonResponse(error_body(str(code), str(exc.detail)), status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = KEYWORD  # as the API's own 401s
    return response


_TIMESTAMP = serializers.DateTimeField()  # the JSON API's format (UTC as "Z"), not isoformat()'s "+00:00"


def _message(event: EventRow) -> str:
    data = {"sequence": event["sequence"], "type": event["type"], "data": event["data"],
            "created_at": _TIMESTAMP.to_representation(event["created_at"])}  # fmt: skip
    return f"id: {event['sequence']}\nevent: {event['type']}\ndata: {json.dumps(data)}\n\n"


def _end(status: str) -> str:
    return f"event: end\ndata: {json.dumps({'status': status})}\n\n"


def _resume_point(request: HttpRequest) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


def _sse(body: str | AsyncIterator[str]) -> HttpResponseBase:
    response: HttpResponseBase
    if isinstance(body, str):
        response = HttpResponse(body, content_type="text/event-stream")
    else:
        response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # let nginx pass events through as they come
    return response


def _read_released(run_id: str, after: int, status: str | None) -> EventPage | None:
    """A page of events, then the connection closed: a stream holds none between reads. None if the run is gone."""
    try:
        return _page_or_none(run_id, after, BATCH, status)
    finally:
        connections.close_all()


async def _events(run_id: str, after: int) -> AsyncIterator[str]:
    yield f"retry: {RECONNECT_MS}\n\n"
    deadline, status = time.monotonic() + MAX_STREAM_SECONDS, None
    while (page := await sync_to_async(_read_released)(run_id, after, status)) is not None:
        for event in page.events:
            yield _message(event)
        after = page.next_after
        if page.final:
            yield _end(page.status)
            return
        if len(page.events) == BATCH:
            continue  # more to read at once
        while (state := await run_wait(run_id, after=after, timeout=_next_wait(deadline))) is None:
            if time.monotonic() >= deadline:
                return  # the client reconnects with Last-Event-ID
            yield ": keep-alive\n\n"
        status = state.status  # read before the events that follow, so a final page keeps its last event


def _next_wait(deadline: float) -> float:
    return max(min(KEEPALIVE_SECONDS, deadline - time.monotonic()), 0)


async def run_stream(request: HttpRequest, pk: str, version: str | None = None) -> HttpResponseBase:
    """Server-sent events of a run's progress until it is final (stream process)."""
    if (refused := _refuse_method(request)) is not None:
        return refused
    try:
        run = await sync_to_async(_visible_run)(request, pk)
    except exceptions.APIException as exc:
        return _error_response(exc)
    await sync_to_async(connections.close_all)()
    return _sse(_events(str(run.pk), _resume_point(request)))


def run_stream_now(request: HttpRequest, pk: str, version: str | None = None) -> HttpResponseBase:
    """The API process's /stream: the events there are, then the response ends; it never holds a worker."""
    if (refused := _refuse_method(request)) is not None:
        return refused
    try:
        run = _visible_run(request, pk)
    except exceptions.APIException as exc:
        return _error_response(exc)
    page = run_events_after(run.pk, after=_resume_point(request), limit=BATCH_NOW)
    tail = [_end(page.status)] if page.final else []
    return _sse("".join([f"retry: {RECONNECT_MS}\n\n", *map(_message, page.events), *tail]))
