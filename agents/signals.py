"""Guards that model.save() cannot see: the skills of a published version are frozen too."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import AgentVersion, PublishedVersionError


@receiver(m2m_changed, sender=AgentVersion.skills.through)
def _freeze_published_skills(sender, instance, action, **kwargs):
    frozen = isinstance(instance, AgentVersion) and action in {"pre_add", "pre_remove", "pre_clear"}
    if frozen and AgentVersion.objects.filter(pk=instance.pk, status="published").exists():
        raise PublishedVersionError(f"{instance} is published; its skills cannot change.", code="version_published")
