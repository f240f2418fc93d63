from django.urls import re_path

from . import views

# A single resource, not a collection: GET maps to `retrieve`, with or without a trailing slash.
urlpatterns = [
    re_path(r"^usage/?$", views.UsageViewSet.as_view({"get": "retrieve"}), name="usage"),
    re_path(r"^analytics/?$", views.AnalyticsViewSet.as_view({"get": "retrieve"}), name="analytics"),
]
