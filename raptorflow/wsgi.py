"""WSGI entry point: the API and the admin are served by gunicorn over WSGI (see DESIGN.md, Serving)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")

application = get_wsgi_application()
