"""URLs of the stream process (raptorflow.asgi): what waits, and its liveness probe; nothing else.

The API and the admin are the WSGI process's (raptorflow/urls.py). Domain routes are included by name, as
raptorflow/api/urls.py does: the platform imports no domain app.
"""

from django.urls import include, re_path

from raptorflow import health

urlpatterns = [
    re_path(r"^health/live/?$", health.live_view, name="health-live"),
    re_path(r"^api/(?P<version>v1)/", include("agents.api.stream_urls", namespace="api")),
]

# Every path here is the API's or a probe's: errors in the API's JSON shape, never an HTML page.
handler404 = "raptorflow.api.errors.json_404"
handler500 = "raptorflow.api.errors.json_500"
