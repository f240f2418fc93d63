from django.db import models


class ProviderKind(models.TextChoices):
    OPENAI_COMPATIBLE = "openai_compatible", "OpenAI-compatible (OpenAI, Azure, OpenRouter, Ollama, vLLM…)"
    ANTHROPIC = "anthropic", "Anthropic"
    OFFLINE = "offline", "Offline (deterministic, built in, no network)"
    SCRIPTED = "scripted", "Scripted (replays a named script; tests and demos, never in production)"
