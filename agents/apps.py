from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents & runs"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .metrics import register as register_metrics
        from .runs.retention import register_data_rights

        register_data_rights()
        register_metrics()
