"""API-key authentication: `Authorization: Api-Key rfk_<prefix>_<secret>`."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from raptorflow.accounts.models import APIKey, hash_api_key
from raptorflow.accounts.selectors import apikey_cache_key, apikey_get_by_plaintext
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log

from .prefetch import Prefetched, prefetch
from .throttles import KeyOrUserRateThrottle

KEYWORD = "Api-Key"
# last_used_at is written at most this often per key, so a busy script does not turn every request into a write;
# the audit trail records a key's use at most once an hour, so it shows which keys are live without flooding.
LAST_USED_RESOLUTION_SECONDS = 60
USE_AUDIT_RESOLUTION_SECONDS = 3600


class APIKeyPrincipal:
    """request.user for a request made with an API key: authenticated, but nobody's session."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_active = True

    def __init__(self, key: APIKey):
        self.api_key = key
        self.pk = None
        self.id = None

    def __str__(self) -> str:
        return f"api-key:{self.api_key.prefix}"

    def get_username(self) -> str:
        return str(self)


class APIKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{KEYWORD} "):
            return None
        plaintext = header[len(KEYWORD) + 1 :].strip()
        key_cache_key = apikey_cache_key(plaintext)
        cached: tuple[bool, APIKey | None] = (False, None)
        if key_cache_key is not None:
            found = _round_trip(request, key_cache_key, hash_api_key(plaintext))
            cached = found.get(key_cache_key)
        key = apikey_get_by_plaintext(plaintext, cached=cached)
        if key is None:
            raise exceptions.AuthenticationFailed("The API key is not valid.", code="invalid_api_key")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("The API key was revoked.", code="api_key_revoked")
        if not key.is_active:
            raise exceptions.AuthenticationFailed("The API key has expired.", code="api_key_expired")
        _touch(key)
        return APIKeyPrincipal(key), key

    def authenticate_header(self, request) -> str:
        return KEYWORD


def _round_trip(request, key_cache_key: str, secret_hash: str) -> Prefetched:
    """The key's row, its rate-limit counter and the view's first cache reads in one round trip (prefetch.py)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    keys = [key_cache_key]
    counter = None
    if view is not None:
        named = getattr(view, "prefetch_cache_keys", None)
        if named is not None:
            keys += named(request)
        for throttle in view.get_throttles():
            if isinstance(throttle, KeyOrUserRateThrottle):
                counter = throttle.counter_for(throttle.key_cache_key(secret_hash))
                break
    return prefetch(request, keys, counter)


# Per process: when this process last recorded each key's use, so most requests skip even the shared cache.
_last_touched: dict[str, float] = {}


def _touch(key: APIKey) -> None:
    now = time.monotonic()
    if now - _last_touched.get(key.prefix, -LAST_USED_RESOLUTION_SECONDS) < LAST_USED_RESOLUTION_SECONDS:
        return
    _last_touched[key.prefix] = now
    if not cache.add(f"apikey-used:{key.pk}", 1, LAST_USED_RESOLUTION_SECONDS):
        return  # another process recorded it this minute (and audited it within the hour)
    APIKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    if cache.add(f"apikey-use-audited:{key.pk}", 1, USE_AUDIT_RESOLUTION_SECONDS):
        audit_log("apikey.use", actor=Actor.for_api_key(key), workspace=key.workspace_id, target=key)


class APIKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "raptorflow.api.authentication.APIKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key rfk_<prefix>_<secret>` — a workspace-scoped key created in the admin or the API.",
        }
