from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "raptorflow.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
