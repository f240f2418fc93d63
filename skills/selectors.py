"""Reads of the Skill table, for the runtime: may a run call this skill now?

Asked before every skill step, so answered from a per-process snapshot of the
whole (small) table, reloaded at most every ``SKILL_STATE_SECONDS``. A switch in
the admin applies at once in the process that made it (the snapshot is
forgotten on commit) and within that many seconds in every worker.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Skill

SKILL_STATE_SECONDS = 5.0

_usable: frozenset[str] = frozenset()
_sensitive: frozenset[str] = frozenset()
_loaded_at = float("-inf")


def _snapshot() -> None:
    global _usable, _sensitive, _loaded_at
    now = time.monotonic()
    if now - _loaded_at >= SKILL_STATE_SECONDS:
        rows = Skill.objects.filter(enabled=True, available=True).values_list("slug", "sensitive")
        _usable = frozenset(slug for slug, _ in rows)
        _sensitive = frozenset(slug for slug, sensitive in rows if sensitive)
        _loaded_at = now


def skill_usable(slug: str) -> bool:
    """Enabled by staff and still declared in the running code."""
    _snapshot()
    return slug in _usable


def skill_sensitive(slug: str) -> bool:
    """A model's calls of this skill wait for a person's approval (staff's switch)."""
    _snapshot()
    return slug in _sensitive


def skill_state_forget() -> None:
    """Reload the snapshot on the next question, and again once the surrounding transaction commits."""
    global _loaded_at
    _loaded_at = float("-inf")
    transaction.on_commit(skill_state_reset)


def skill_state_reset() -> None:
    """Reload the snapshot on the next question."""
    global _loaded_at
    _loaded_at = float("-inf")


@receiver([post_save, post_delete], sender=Skill, dispatch_uid="skills.state_forget")
def _skill_changed(sender: type[Skill], **kwargs: Any) -> None:
    skill_state_forget()
