from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "raptorflow.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from .rights import register_data_rights

        register_data_rights()
