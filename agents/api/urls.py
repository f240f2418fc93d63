from raptorflow.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("runs", views.RunViewSet, basename="run")
router.register("agents", views.AgentViewSet, basename="agent")
router.register(r"agents/(?P<agent_slug>[-\w]+)/versions", views.AgentVersionViewSet, basename="agent-version")
router.register("dispatch", views.DispatchViewSet, basename="dispatch")

urlpatterns = router.urls
