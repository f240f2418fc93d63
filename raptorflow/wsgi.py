"""WSGI entry point: the API and the admin are served by gunicorn over WSGI (see DESIGN.md, Serving)."""

import os

from django.core.wsgi import get_wsgi_application

from raptorflow import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")

# Before the application loads its middleware (the Django instrumentation adds its own); a no-op unless the
# OTEL_* variables ask for traces (raptorflow/tracing.py).
tracing.configure("web")
application = get_wsgi_application()
