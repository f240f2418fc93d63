from django.apps import AppConfig


class APIConfig(AppConfig):
    name = "raptorflow.api"
    label = "api"
    verbose_name = "API"
