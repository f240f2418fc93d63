from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents & runs"

    def ready(self) -> None:
        from . import signals, webhook_events  # noqa: F401 - connect their receivers
        from .runs.retention import register_data_rights

        register_data_rights()
