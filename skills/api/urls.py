from raptorflow.api.routers import OptionalSlashRouter

from .views import SkillViewSet

router = OptionalSlashRouter()
router.register("skills", SkillViewSet, basename="skill")
urlpatterns = router.urls
