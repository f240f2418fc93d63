"""ASGI entry point: serves only the server-sent events stream of run progress."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")

application = get_asgi_application()
