"""The runs' routes of the stream process (raptorflow.asgi, raptorflow/urls_stream.py): following a run.

The same paths as the API process's, so the proxy can route them by path alone; there they answer at once.
"""

from django.urls import re_path

from . import pipeline_stream, stream

app_name = "api"

urlpatterns = [
    re_path(r"^runs/(?P<pk>[0-9a-f-]{36})/events/?$", stream.run_events_wait, name="run-events"),
    re_path(r"^runs/(?P<pk>[0-9a-f-]{36})/stream/?$", stream.run_stream, name="run-stream"),
    re_path(
        r"^pipeline-runs/(?P<pk>[0-9a-f-]{36})/events/?$",
        pipeline_stream.pipeline_events_wait,
        name="pipeline-run-events",
    ),
    re_path(
        r"^pipeline-runs/(?P<pk>[0-9a-f-]{36})/stream/?$", pipeline_stream.pipeline_stream, name="pipeline-run-stream"
    ),
]
