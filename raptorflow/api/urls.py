"""/api/v1/: every resource, the OpenAPI schema and its docs (served offline from sidecar assets)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .health import HealthView

app_name = "api"

urlpatterns = [
    path("", include("agents.api.urls")),
    path("", include("raptorflow.accounts.api.urls")),
    path("", include("raptorflow.audit.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("skills.api.urls")),
    re_path(r"^health/?$", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
