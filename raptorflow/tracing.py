"""OpenTelemetry tracing: off unless the standard ``OTEL_*`` variables ask for it (decision 0028).

Each process calls ``configure()`` once at start-up: the WSGI and ASGI entry points (raptorflow/wsgi.py,
raptorflow/asgi.py) and Celery's ``worker_init``/``beat_init`` (raptorflow/celery.py). With no exporter asked
for (``OTEL_TRACES_EXPORTER`` unset and no ``OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT``), or with
``OTEL_SDK_DISABLED=true``, it returns at once: the SDK is not even imported, no instrumentation patches
anything, and ``span()``/``continued()`` hand back the API's invalid span without touching the context. Asked
for, it installs the SDK's TracerProvider (resource from ``OTEL_SERVICE_NAME``/``OTEL_RESOURCE_ATTRIBUTES``,
sampler from ``OTEL_TRACES_SAMPLER``), a BatchSpanProcessor per exporter (``otlp`` over HTTP/protobuf, whose
endpoint, headers and timeout the exporter reads from ``OTEL_EXPORTER_OTLP_*``; ``console``), and the
maintained instrumentations: Django, Celery (the trace context travels in the task message's headers),
psycopg, Redis and httpx.

A run keeps its trace: ``run_trace_fields()`` is stored on the run when it is created (Run.trace_id and
Run.traceparent), and ``continued()`` puts a later piece of work (a re-send by the sweeper or after an approval,
an execution whose message came without a context) back into that trace, linked to whatever was current.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanKind, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

Attributes = Mapping[str, str | bool | int | float | list[str]]

_TRUE = {"1", "true", "yes", "on"}
_lock = threading.Lock()
_active = False
_propagator = TraceContextTextMapPropagator()
tracer = trace.get_tracer("raptorflow")
# Health probes and /metrics are polled every few seconds: traced, they would drown the requests that matter.
DEFAULT_EXCLUDED_URLS = "health/,metrics"


def requested(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the OTEL_* variables ask for traces to be exported."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() in _TRUE:
        return False
    exporters = _exporter_names(environ)
    if exporters:
        return exporters != ["none"]
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").strip()
        or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
    )


def active() -> bool:
    """Whether this process records spans (configure() installed the SDK)."""
    return _active


def configure(process: str, *, exporter: SpanExporter | None = None, environ: Mapping[str, str] = os.environ) -> bool:
    """Install the SDK and the instrumentations when the environment asks for traces; return whether it did.

    ``process`` names this process in the resource (``raptorflow.process``: web, stream, worker, beat) and in
    the default service name (``raptorflow-<process>``) when OTEL_SERVICE_NAME is unset. ``exporter`` is for
    tests and the bench: that one exporter, behind a synchronous processor, whatever the environment says.
    Idempotent: the first call of a process wins.
    """
    global _active
    with _lock:
        if _active:
            return True
        if exporter is None and not requested(environ):
            return False
        provider = _provider(process, exporter, environ)
        trace.set_tracer_provider(provider)
        _instrument(provider, environ)
        _active = True
        return True


def _provider(process: str, exporter: SpanExporter | None, environ: Mapping[str, str]) -> Any:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    service = environ.get("OTEL_SERVICE_NAME", "").strip() or f"raptorflow-{process}"
    resource = Resource.create({"service.name": service, "raptorflow.process": process})
    provider = TracerProvider(resource=resource)
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        return provider
    for name in _exporter_names(environ) or ["otlp"]:
        if name != "none":
            provider.add_span_processor(BatchSpanProcessor(_exporter(name, environ)))
    return provider


def _exporter_names(environ: Mapping[str, str]) -> list[str]:
    return [name.strip().lower() for name in environ.get("OTEL_TRACES_EXPORTER", "").split(",") if name.strip()]


def _exporter(name: str, environ: Mapping[str, str]) -> SpanExporter:
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if name != "otlp":
        raise ImproperlyConfigured(f"OTEL_TRACES_EXPORTER: {name!r} is not one of otlp, console, none.")
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "").strip()
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "").strip()
        or "http/protobuf"
    )
    if protocol != "http/protobuf":
        raise ImproperlyConfigured(
            f"OTEL_EXPORTER_OTLP_PROTOCOL: {protocol!r} is not installed; Raptorflow exports OTLP over http/protobuf."
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()  # endpoint, headers, timeout, compression: from OTEL_EXPORTER_OTLP_*


def _instrument(provider: Any, environ: Mapping[str, str]) -> None:
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    excluded = None if environ.get("OTEL_PYTHON_DJANGO_EXCLUDED_URLS") else DEFAULT_EXCLUDED_URLS
    DjangoInstrumentor().instrument(tracer_provider=provider, excluded_urls=excluded)
    CeleryInstrumentor().instrument(tracer_provider=provider)
    PsycopgInstrumentor().instrument(tracer_provider=provider, enable_commenter=False)
    RedisInstrumentor().instrument(tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)


def uninstrument() -> None:
    """Undo the instrumentations (tests). The tracer provider stays: OpenTelemetry sets it once per process."""
    global _active
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    with _lock:
        for instrumentor in (
            DjangoInstrumentor(),
            CeleryInstrumentor(),
            PsycopgInstrumentor(),
            RedisInstrumentor(),
            HTTPXClientInstrumentor(),
        ):
            instrumentor.uninstrument()
        _active = False


# --- Spans of Raptorflow's own ---------------------------------------------------------------------------


def span(name: str, attributes: Attributes | None = None, *, kind: SpanKind = SpanKind.INTERNAL) -> Any:
    """A context manager: a span child of the current one, or (tracing off) the invalid span and nothing else."""
    if not _active:
        return contextlib.nullcontext(trace.INVALID_SPAN)
    return tracer.start_as_current_span(name, kind=kind, attributes=attributes)


def run_trace_fields() -> dict[str, str]:
    """The current trace's id and W3C traceparent, to store on a run created now; empty when nothing is traced
    (tracing off, or this request sampled out)."""
    if not _active:
        return {}
    context = trace.get_current_span().get_span_context()
    if not (context.is_valid and context.trace_flags.sampled):
        return {}
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return {"trace_id": format_trace_id(context.trace_id), "traceparent": carrier.get("traceparent", "")}


@contextlib.contextmanager
def continued(name: str, traceparent: str, attributes: Attributes | None = None) -> Iterator[Span]:
    """A span in the trace of ``traceparent`` (a run's): a child of the current span when that is already in the
    run's trace (the web request that created it, the worker's task whose message carried it), else a child of
    the stored parent, linked to the current span (the sweeper's pass, the request that approved the run)."""
    if not _active:
        yield trace.INVALID_SPAN
        return
    current = trace.get_current_span().get_span_context()
    stored = trace.get_current_span(_propagator.extract({"traceparent": traceparent})).get_span_context()
    if not stored.is_valid or stored.trace_id == current.trace_id:
        with tracer.start_as_current_span(name, attributes=attributes) as inner:
            yield inner
        return
    parent = trace.set_span_in_context(NonRecordingSpan(stored))
    links = [Link(current)] if current.is_valid else []
    with tracer.start_as_current_span(name, context=parent, links=links, attributes=attributes) as inner:
        yield inner
