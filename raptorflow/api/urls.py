"""/api/v1/: every resource, the OpenAPI schema and its docs (served offline from sidecar assets)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from .auth import LoginView, LogoutView
from .docs import redoc_bundle
from .errors import json_404
from .health import HealthView

app_name = "api"

urlpatterns = [
    path("", include("agents.api.urls")),
    path("", include("raptorflow.accounts.api.urls")),
    path("", include("raptorflow.audit.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("skills.api.urls")),
    path("", include("raptorflow.webhooks.api.urls")),
    re_path(r"^health/?$", HealthView.as_view(), name="health"),
    re_path(r"^auth/login/?$", LoginView.as_view(), name="login"),
    re_path(r"^auth/logout/?$", LogoutView.as_view(), name="logout"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as its own request, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("redoc-dist/bundles/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
    # Last: any other path under /api/v1/ is the API's JSON 404, with DEBUG on too (Django's would be HTML).
    re_path(r"^.*$", json_404, name="not-found"),
]
