from raptorflow.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("workspaces", views.WorkspaceViewSet, basename="workspace")
router.register("members", views.MembershipViewSet, basename="member")
router.register("api-keys", views.APIKeyViewSet, basename="api-key")
router.register("me", views.MeViewSet, basename="me")

urlpatterns = router.urls
