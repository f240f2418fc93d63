from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents & runs"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .runs.retention import register_data_rights

        register_data_rights()
