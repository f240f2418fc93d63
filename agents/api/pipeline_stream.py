"""Following a pipeline run: its one stream (status changes, step markers, the children's events), as long-poll and
server-sent events, on the same terms as a run's (agents/api/stream.py, docs/decisions/0012): only the stream
process waits, the API process answers at once, and no database connection is held while a client waits.

A second watcher per event loop (agents.runs.follow.RunWatcher, with a reader of pipeline runs) wakes the
followers: every pipeline event bumps ``PipelineRun.last_event_seq`` in the statement that numbers it.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import AsyncIterator, Collection
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connections
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from agents.models import PipelineEvent, PipelineRun
from agents.pipelines.selectors import pipeline_event_page
from agents.runs.follow import RunState, RunWatcher
from raptorflow.api import workspace as workspace_context
from raptorflow.api.access import READ_RUNS
from raptorflow.api.authentication import APIKeyAuthentication

from . import pipelines
from .stream import (
    _TIMESTAMP,
    BATCH,
    BATCH_NOW,
    MAX_STREAM_SECONDS,
    RECONNECT_MS,
    _end,
    _error_response,
    _next_wait,
    _refuse_method,
    _resume_point,
    _sse,
    answer_now,
)

_events_action = pipelines.PipelineRunViewSet.as_view({"get": "events"}, detail=True, basename="pipeline-run")


def pipeline_states(ids: Collection[str]) -> dict[str, RunState]:
    rows = PipelineRun.objects.filter(pk__in=list(ids)).values_list("pk", "status", "last_event_seq")
    return {str(pk): RunState(status=str(status), last_event_seq=int(seq)) for pk, status, seq in rows}


_watchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RunWatcher] = weakref.WeakKeyDictionary()


async def pipeline_wait(pipeline_run_id: str, *, after: int, timeout: float) -> RunState | None:
    loop = asyncio.get_running_loop()
    watcher = _watchers.get(loop)
    if watcher is None:
        watcher = _watchers[loop] = RunWatcher(read=pipeline_states, nudges=True)
    return await watcher.wait(pipeline_run_id, after=after, timeout=timeout)


def _read(pipeline_run_id: str, after: int, limit: int, status: str | None = None) -> dict[str, Any] | None:
    """A page of the stream; None if the pipeline run is gone."""
    if status is None:
        status = PipelineRun.objects.filter(pk=pipeline_run_id).values_list("status", flat=True).first()
        if status is None:
            return None
    return pipeline_event_page(pipeline_run_id, status, after=after, limit=limit)


def _page(pipeline_run_id: str, after: int, limit: int, status: str | None = None) -> dict[str, Any] | None:
    """``_read``, then the connection closed: a stream holds none between reads."""
    try:
        return _read(pipeline_run_id, after, limit, status)
    finally:
        connections.close_all()


def _body(page: dict[str, Any]) -> dict[str, Any]:
    return {**page, "events": pipelines.PipelineEventSerializer(page["events"], many=True).data}


async def pipeline_events_wait(request: HttpRequest, pk: str, version: str | None = None) -> HttpResponseBase:
    """GET …/pipeline-runs/{id}/events?wait= on the stream process: the API's answer, then the wait if empty."""
    if (refused := _refuse_method(request)) is not None:
        return refused
    response, wait, limit = await sync_to_async(answer_now)(request, pk, version, _events_action)
    if not wait:
        return response
    state = await pipeline_wait(pk, after=response.data["next_after"], timeout=wait)
    if state is None:
        return response
    page = await sync_to_async(_page)(pk, response.data["next_after"], limit, state.status)
    if page is None:
        return _error_response(exceptions.NotFound())
    response.data = _body(page)
    return response


def _visible(request: HttpRequest, pk: str) -> str:
    drf_request = Request(request, authenticators=[APIKeyAuthentication(), SessionAuthentication()])
    if not drf_request.user or not drf_request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    context = workspace_context.resolve(drf_request)
    allowed = context.api_key.has_scope(READ_RUNS.scope) if context.api_key else READ_RUNS.allows_role(context.role)
    if not allowed:
        raise exceptions.PermissionDenied()
    if not PipelineRun.objects.filter(pk=pk, workspace=context.workspace).exists():
        raise exceptions.NotFound()
    return pk


def _message(event: PipelineEvent) -> str:
    data = {"sequence": event.sequence, "type": event.type, "data": event.data,
            "created_at": _TIMESTAMP.to_representation(event.created_at)}  # fmt: skip
    return f"id: {event.sequence}\nevent: {event.type}\ndata: {json.dumps(data)}\n\n"


async def _events(pipeline_run_id: str, after: int) -> AsyncIterator[str]:
    yield f"retry: {RECONNECT_MS}\n\n"
    deadline, status = time.monotonic() + MAX_STREAM_SECONDS, None
    while (page := await sync_to_async(_page)(pipeline_run_id, after, BATCH, status)) is not None:
        for event in page["events"]:
            yield _message(event)
        after = page["next_after"]
        if page["final"]:
            yield _end(page["status"])
            return
        if len(page["events"]) == BATCH:
            continue
        while (state := await pipeline_wait(pipeline_run_id, after=after, timeout=_next_wait(deadline))) is None:
            if time.monotonic() >= deadline:
                return
            yield ": keep-alive\n\n"
        status = state.status


async def pipeline_stream(request: HttpRequest, pk: str, version: str | None = None) -> HttpResponseBase:
    """Server-sent events of a pipeline run until it is final (stream process)."""
    if (refused := _refuse_method(request)) is not None:
        return refused
    try:
        await sync_to_async(_visible)(request, pk)
    except exceptions.APIException as exc:
        return _error_response(exc)
    await sync_to_async(connections.close_all)()
    return _sse(_events(pk, _resume_point(request)))


def pipeline_stream_now(request: HttpRequest, pk: str, version: str | None = None) -> HttpResponseBase:
    """The API process's …/stream: the events there are, then the response ends (an EventSource reconnects)."""
    if (refused := _refuse_method(request)) is not None:
        return refused
    try:
        _visible(request, pk)
    except exceptions.APIException as exc:
        return _error_response(exc)
    page = _read(pk, _resume_point(request), BATCH_NOW)
    if page is None:
        return _error_response(exceptions.NotFound())
    tail = [_end(page["status"])] if page["final"] else []
    return _sse("".join([f"retry: {RECONNECT_MS}\n\n", *map(_message, page["events"]), *tail]))
