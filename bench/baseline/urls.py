from django.urls import path

from . import views

urlpatterns = [
    path("json", views.hello),
    path("items", views.create_item),
    path("runs", views.create_run),
    path("runs/<uuid:pk>", views.get_run),
]
