"""Guards that model.save() cannot see (the skills of a published version are frozen too), and forgetting
the cached agent of a run request whenever the agent or one of its versions changes, and planning schedules again
when their workspace's time zone changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from raptorflow.accounts.models import Workspace

from .models import Agent, AgentVersion, PublishedVersionError
from .schedules.services import schedules_replan
from .selectors import agent_cache_forget, run_body_forget_all


@receiver(m2m_changed, sender=AgentVersion.skills.through)
def _freeze_published_skills(sender, instance, action, **kwargs):
    frozen = isinstance(instance, AgentVersion) and action in {"pre_add", "pre_remove", "pre_clear"}
    if frozen and AgentVersion.objects.filter(pk=instance.pk, status="published").exists():
        raise PublishedVersionError(f"{instance} is published; its skills cannot change.", code="version_published")


@receiver([post_save, post_delete], sender=Agent, dispatch_uid="agents.agent_cache_forget")
def _agent_changed(sender, instance: Agent, **kwargs):
    agent_cache_forget(instance.slug)
    run_body_forget_all()  # a finished run's cached body shows its agent's slug


@receiver([post_save, post_delete], sender=AgentVersion, dispatch_uid="agents.agentversion_cache_forget")
def _version_changed(sender, instance: AgentVersion, **kwargs):
    agent_cache_forget(Agent.objects.filter(pk=instance.agent_id).values_list("slug", flat=True).first() or "")


@receiver(post_save, sender=Workspace, dispatch_uid="agents.schedules_replan")
def _workspace_saved(sender, instance: Workspace, update_fields=None, created=False, **kwargs):
    """Schedules fire in the workspace's time zone: when it may have changed, plan them in the zone as saved."""
    if created or (update_fields is not None and "timezone" not in update_fields):
        return
    schedules_replan(instance)
