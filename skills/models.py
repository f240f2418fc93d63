"""The skill table: a mirror of the registry in code, so staff can see and switch skills."""

from django.db import models

from .choices import SkillCategory, SkillKind


class Skill(models.Model):
    """A named, versioned capability. Declared in code (skills/registry.py); `enabled` is staff's switch."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=SkillCategory.choices)
    kind = models.CharField(max_length=10, choices=SkillKind.choices)
    version = models.CharField(max_length=20)
    description = models.TextField(blank=True)
    input_schema = models.JSONField(default=dict, blank=True)
    output_schema = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(
        default=True, help_text="A disabled skill makes the agents that need it fail clearly."
    )
    sensitive = models.BooleanField(
        default=False, help_text="When a model calls this skill itself, a person approves each call first."
    )
    available = models.BooleanField(default=True, editable=False, help_text="Still declared in the running code.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "slug"]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"
