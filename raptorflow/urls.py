from django.contrib import admin
from django.urls import path

admin.site.site_header = "Raptorflow"
admin.site.site_title = "Raptorflow admin"
admin.site.index_title = "Console"

urlpatterns = [
    path("admin/", admin.site.urls),
]
