from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Raptorflow"
admin.site.site_title = "Raptorflow admin"
admin.site.index_title = "Console"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
