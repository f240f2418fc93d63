from django.urls import re_path

from agents.schedules.api import ScheduleViewSet
from raptorflow.api.routers import OptionalSlashRouter

from . import evals, pipeline_stream, pipelines, stream, views

router = OptionalSlashRouter()
router.register("runs", views.RunViewSet, basename="run")
router.register("agents", views.AgentViewSet, basename="agent")
router.register(r"agents/(?P<agent_slug>[-\w]+)/versions", views.AgentVersionViewSet, basename="agent-version")
router.register("dispatch", views.DispatchViewSet, basename="dispatch")
router.register("eval-datasets", evals.EvalDatasetViewSet, basename="eval-dataset")
router.register("pipelines", pipelines.PipelineViewSet, basename="pipeline")
router.register("pipeline-runs", pipelines.PipelineRunViewSet, basename="pipeline-run")
router.register("schedules", ScheduleViewSet, basename="schedule")

urlpatterns = [
    # The API process never holds a request: this /stream sends what there is and ends. The proxy routes /stream
    # and /events to the stream process, which waits (agents/api/stream_urls.py).
    re_path(r"^runs/(?P<pk>[0-9a-f-]{36})/stream/?$", stream.run_stream_now, name="run-stream"),
    re_path(
        r"^pipeline-runs/(?P<pk>[0-9a-f-]{36})/stream/?$",
        pipeline_stream.pipeline_stream_now,
        name="pipeline-run-stream",
    ),
    *router.urls,
]
