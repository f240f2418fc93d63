from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

admin.site.site_header = "Raptorflow"
admin.site.site_title = "Raptorflow admin"
admin.site.index_title = "Console"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    re_path(r"^api/(?P<version>v1)/", include("raptorflow.api.urls", namespace="api")),
]

handler404 = "raptorflow.urls.not_found"


def not_found(request, exception=None):
    """JSON for API paths, Django's page for the rest."""
    from django.views.defaults import page_not_found

    from raptorflow.api.errors import json_404

    return json_404(request) if request.path.startswith("/api/") else page_not_found(request, exception)
