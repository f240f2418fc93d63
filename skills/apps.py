from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_skills(sender, **kwargs) -> None:
    """Mirror the code registry into the Skill table after every migrate (idempotent)."""
    from raptorflow.audit.actors import Actor

    from .services import skill_sync

    skill_sync(actor=Actor.system("migrate"))


class SkillsConfig(AppConfig):
    name = "skills"
    verbose_name = "Skills"

    def ready(self) -> None:
        post_migrate.connect(_sync_skills, sender=self, dispatch_uid="skills.sync")
