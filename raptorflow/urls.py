from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from raptorflow import admin_site, health, metrics  # noqa: F401 - admin_site groups the admin index
from raptorflow.api.errors import json_404

admin.site.site_header = "Raptorflow"
admin.site.site_title = "Raptorflow admin"
admin.site.index_title = "Console"
# No navigation sidebar: at 1280 px it took a third of the width from every list. The index groups the models by
# task (raptorflow/admin_site.py) and every page links back to it through the breadcrumbs.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("favicon.ico", RedirectView.as_view(url="/static/raptorflow/favicon.svg", permanent=True)),
    # Observability (raptorflow/health.py, raptorflow/metrics.py). The status page comes before admin/ so the
    # admin's catch-all does not take it; admin_view makes it staff-only.
    re_path(r"^health/live/?$", health.live_view, name="health-live"),
    re_path(r"^health/ready/?$", health.ready_view, name="health-ready"),
    re_path(r"^metrics/?$", metrics.metrics_view, name="metrics"),
    path("admin/status/", admin.site.admin_view(health.status_view), name="admin-status"),
    path("admin/", admin.site.urls),
    re_path(r"^api/(?P<version>v1)/", include("raptorflow.api.urls", namespace="api")),
    re_path(r"^api/", json_404),  # another version, or no version: still the API's JSON
]

handler404 = "raptorflow.urls.not_found"
handler500 = "raptorflow.urls.server_error"


def not_found(request, exception=None):
    """JSON for API paths, Django's page for the rest."""
    from django.views.defaults import page_not_found

    from raptorflow.api.errors import json_404

    return json_404(request) if request.path.startswith("/api/") else page_not_found(request, exception)


def server_error(request):
    """The API's error shape for API paths, Django's page for the rest."""
    from django.views.defaults import server_error as page_server_error

    from raptorflow.api.errors import json_500

    return json_500(request) if request.path.startswith("/api/") else page_server_error(request)
