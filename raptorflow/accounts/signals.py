"""Forget cached API-key rows when anything they carry changes (see selectors.apikey_get_by_plaintext)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from .models import APIKey, User, Workspace
from .selectors import apikey_cache_forget


@receiver(post_save, sender=APIKey)
@receiver(post_delete, sender=APIKey)
def _apikey_changed(sender: type[APIKey], instance: APIKey, **kwargs: Any) -> None:
    apikey_cache_forget([instance.prefix])


@receiver(post_save, sender=Workspace)
@receiver(pre_delete, sender=Workspace)
def _workspace_changed(sender: type[Workspace], instance: Workspace, **kwargs: Any) -> None:
    if not kwargs.get("created"):
        apikey_cache_forget(APIKey.objects.filter(workspace=instance).values_list("prefix", flat=True))


@receiver(pre_delete, sender=User)
def _creator_deleted(sender: type[User], instance: User, **kwargs: Any) -> None:
    # Before the delete: afterwards the keys' created_by is already null and they cannot be found by it.
    apikey_cache_forget(APIKey.objects.filter(created_by=instance).values_list("prefix", flat=True))
