from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "raptorflow.accounts"
    label = "accounts"
    verbose_name = "Workspaces & access"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the API-key cache invalidation
