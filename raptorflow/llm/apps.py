from django.apps import AppConfig


class LLMConfig(AppConfig):
    name = "raptorflow.llm"
    label = "llm"
    verbose_name = "Providers & prices"
