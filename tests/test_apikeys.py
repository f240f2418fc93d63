"""API keys: the secret is shown once and only a hash is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from raptorflow.accounts.models import APIKey
from raptorflow.accounts.selectors import apikey_get_by_plaintext
from raptorflow.accounts.services import ScopeError, apikey_create, apikey_revoke
from raptorflow.audit.models import AuditEvent


def test_the_plain_secret_is_never_stored(workspace, system_actor):
    key, plaintext = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    assert plaintext.startswith(f"rfk_{key.prefix}_")
    secret_part = plaintext.split("_", 2)[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT changes FROM audit_auditevent")
        audited = " ".join(str(row[0]) for row in cursor.fetchall())
    assert secret_part not in stored
    assert secret_part not in audited
    assert key.secret_hash in stored


def test_a_key_is_found_by_its_plaintext_and_not_by_a_guess(workspace, system_actor):
    key, plaintext = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    assert apikey_get_by_plaintext(plaintext) == key
    assert apikey_get_by_plaintext(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert apikey_get_by_plaintext(f"rfk_{key.prefix}") is None
    assert apikey_get_by_plaintext("Bearer nonsense") is None


def test_revoked_and_expired_keys_are_inactive(workspace, system_actor):
    key, _ = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    assert key.is_active
    assert apikey_revoke(key=key, actor=system_actor) is True
    assert apikey_revoke(key=key, actor=system_actor) is False
    key.refresh_from_db()
    assert not key.is_active
    expired, _ = apikey_create(
        workspace=workspace,
        name="old",
        scopes=["runs:read"],
        actor=system_actor,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert not expired.is_active
    assert list(AuditEvent.objects.filter(action="apikey.revoke").values_list("target_id", flat=True)) == [str(key.pk)]


def test_scopes_are_checked(workspace, system_actor):
    with pytest.raises(ScopeError, match="Unknown scope"):
        apikey_create(workspace=workspace, name="bad", scopes=["runs:delete"], actor=system_actor)
    key, _ = apikey_create(workspace=workspace, name="adm", scopes=["admin"], actor=system_actor)
    assert key.has_scope("runs:write")
    reader, _ = apikey_create(workspace=workspace, name="r", scopes=["runs:read"], actor=system_actor)
    assert reader.has_scope("runs:read") and not reader.has_scope("runs:write")
    assert APIKey.objects.count() == 2
