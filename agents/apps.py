from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents & runs"

    def ready(self) -> None:
        from . import signals, webhook_events  # noqa: F401 - connect their receivers
        from .metrics import register as register_metrics
        from .pipelines.services import on_run_moved
        from .runs.lifecycle import run_moved
        from .runs.retention import register_data_rights

        run_moved.connect(on_run_moved, dispatch_uid="agents.pipelines.on_run_moved")

        register_data_rights()
        register_metrics()
