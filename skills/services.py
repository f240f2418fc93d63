"""Mirror the code registry into the Skill table; staff's enable switch."""

from __future__ import annotations

from django.db import transaction

from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log

from . import registry
from .models import Skill
from .selectors import skill_state_forget

_MIRRORED = ("name", "category", "kind", "version", "description", "input_schema", "output_schema")


@transaction.atomic
def skill_sync(*, actor: Actor) -> dict[str, int]:
    """Create or update a row per declared skill; mark rows no longer in code unavailable.

    Staff's ``enabled`` switch is never touched. Idempotent: a second call changes nothing.
    """
    counts = {"created": 0, "updated": 0, "unavailable": 0}
    declared = registry.all_specs()
    existing = {row.slug: row for row in Skill.objects.all()}
    for spec in declared:
        values = {name: getattr(spec, name) for name in _MIRRORED}
        row = existing.get(spec.slug)
        if row is None:
            # ``sensitive`` comes from code once; afterwards it is staff's switch, as ``enabled`` is.
            Skill.objects.create(slug=spec.slug, sensitive=spec.sensitive, **values)
            counts["created"] += 1
        elif any(getattr(row, k) != v for k, v in values.items()) or not row.available:
            Skill.objects.filter(pk=row.pk).update(available=True, **values)
            counts["updated"] += 1
    gone = set(existing) - {spec.slug for spec in declared}
    counts["unavailable"] = Skill.objects.filter(slug__in=gone, available=True).update(available=False)
    if any(counts.values()):
        audit_log("skill.sync", actor=actor, changes={k: [None, v] for k, v in counts.items() if v})
        skill_state_forget()
    return counts


def skill_set_enabled(skill: Skill, *, enabled: bool, actor: Actor) -> bool:
    """Staff's switch. Returns whether it changed; audited; running workers see it within seconds."""
    with transaction.atomic():
        if not Skill.objects.filter(pk=skill.pk, enabled=not enabled).update(enabled=enabled):
            return False
        skill.enabled = enabled
        audit_log("skill.update", actor=actor, target=skill, changes={"enabled": [not enabled, enabled]})
        skill_state_forget()
    return True
