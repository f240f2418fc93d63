"""ASGI entry point: the stream process, which serves what waits (following runs) and nothing else.

`uvicorn raptorflow.asgi:application` answers from raptorflow/urls_stream.py: a run's long-poll
(`/api/v1/runs/{id}/events?wait=`) and server-sent events (`/api/v1/runs/{id}/stream`), and `/health/live`.
The API and the admin are served by gunicorn over WSGI (raptorflow.wsgi); see DESIGN.md, Serving, and
docs/decisions/0012-following-runs.md.
"""

import os

import django
from django.core.handlers.asgi import ASGIHandler

from raptorflow import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")

URLCONF = "raptorflow.urls_stream"


class StreamHandler(ASGIHandler):
    """Django's ASGI handler, resolving every request against the stream process's URLconf.

    The URLconf is chosen here, per request (``request.urlconf``), rather than by a setting read from an
    environment variable: web and stream share one environment (docker-compose's app block, a shell's
    exports), so a variable meant for this process could switch the WSGI process's URLs too; and
    ROOT_URLCONF stays the whole site for management commands and for reverse() outside a request.
    """

    def create_request(self, scope, body_file):
        request, error_response = super().create_request(scope, body_file)
        if request is not None:
            request.urlconf = URLCONF
        return request, error_response


django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application() does
tracing.configure("stream")  # before the handler loads its middleware; a no-op unless OTEL_* ask for traces
application = StreamHandler()
