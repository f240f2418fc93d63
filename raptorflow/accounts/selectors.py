"""Reads for workspaces, memberships and API keys."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import QuerySet

from raptorflow.db import cache_forget

from .models import APIKey, Membership, User, Workspace


def workspace_list_for_user(user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(memberships__user=user)


def membership_get(*, user: User, workspace: Workspace) -> Membership | None:
    return Membership.objects.filter(user=user, workspace=workspace).first()


# A key's row (with its workspace and creator) is cached by prefix, so an API request does not query for it.
# Every write that can change what the row says (save, delete, revoke, its workspace's or creator's save or
# delete) forgets it (raptorflow/accounts/signals.py); the TTL bounds anything that bypasses those hooks.
APIKEY_CACHE_SECONDS = 300


def _apikey_cache_key(prefix: str) -> str:
    return f"apikey:v1:{prefix}"


def apikey_prefix(plaintext: str) -> str | None:
    """The prefix of a presented key (``rfk_<prefix>_<secret>``), or None when it cannot be a key."""
    try:
        marker, prefix, _secret = plaintext.split("_", 2)
    except ValueError:
        return None
    return prefix if marker == APIKey.PREFIX and prefix else None


def apikey_cache_key(plaintext: str) -> str | None:
    """The cache key of the row of the key presented (for a round trip that fetches it with other things)."""
    prefix = apikey_prefix(plaintext)
    return _apikey_cache_key(prefix) if prefix is not None else None


def apikey_get_by_plaintext(plaintext: str, *, cached: tuple[bool, APIKey | None] = (False, None)) -> APIKey | None:
    """Find the key a client presented, or None. Constant-time on the secret.

    ``cached``: (asked, row) when the caller already asked the cache for ``apikey_cache_key(plaintext)``."""
    prefix = apikey_prefix(plaintext)
    if prefix is None:
        return None
    asked, key = cached
    if not asked:
        key = cache.get(_apikey_cache_key(prefix))
    if key is None:
        key = APIKey.objects.select_related("workspace", "created_by").filter(prefix=prefix).first()
        if key is None:
            return None
        cache.set(_apikey_cache_key(prefix), key, APIKEY_CACHE_SECONDS)
    if not key.check_secret(plaintext):
        return None
    return key


def apikey_cache_forget(prefixes: Iterable[str]) -> None:
    """Drop the cached rows of these keys (see raptorflow.db.cache_forget)."""
    cache_forget([_apikey_cache_key(prefix) for prefix in prefixes])
