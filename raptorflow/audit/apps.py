from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "raptorflow.audit"
    label = "audit"
    verbose_name = "Audit & security"
