from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _fully_migrated(using: str) -> bool:
    """Every migration of every app is applied: the schema is the one this code's models describe."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _sync_skills(sender, using: str = "default", **kwargs) -> None:
    """Mirror the code registry into the Skill table after every migrate (idempotent). Not after a migrate that
    left the schema short of the latest migrations (a rollback, docs/runbooks/rollback.md): the code's models
    would query columns and tables that are not there."""
    if not _fully_migrated(using):
        return
    from raptorflow.audit.actors import Actor

    from .services import skill_sync

    skill_sync(actor=Actor.system("migrate"))


class SkillsConfig(AppConfig):
    name = "skills"
    verbose_name = "Skills"

    def ready(self) -> None:
        post_migrate.connect(_sync_skills, sender=self, dispatch_uid="skills.sync")
