from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "raptorflow.accounts"
    label = "accounts"
    verbose_name = "Workspaces & access"
