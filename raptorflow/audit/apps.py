from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "raptorflow.audit"
    label = "audit"
    verbose_name = "Audit & security"

    def ready(self) -> None:
        from . import blocklist, signals  # noqa: F401 - connect signal receivers
