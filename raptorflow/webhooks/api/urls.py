from raptorflow.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("webhooks/endpoints", views.EndpointViewSet, basename="webhook-endpoint")
router.register("webhooks/deliveries", views.DeliveryViewSet, basename="webhook-delivery")

urlpatterns = router.urls
