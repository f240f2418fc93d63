"""Provider keys are encrypted at rest, rotate without loss, and fail clearly with a wrong key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from raptorflow.llm import crypto
from raptorflow.llm.models import Provider


@pytest.fixture
def provider(db):
    provider = Provider(name="openai", kind="openai_compatible")
    provider.set_api_key("sk-live-abcdefghijklmnop")
    provider.save()
    return provider


def test_the_key_is_stored_encrypted_and_shown_masked(provider):
    stored = Provider.objects.values_list("api_key_encrypted", flat=True).get()
    assert "sk-live" not in stored
    assert provider.get_api_key() == "sk-live-abcdefghijklmnop"
    assert provider.api_key_masked == "••••••••mnop"


def test_old_data_still_decrypts_after_rotation_and_the_command_reencrypts_it(provider, settings):
    old_key = settings.RAPTORFLOW_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.RAPTORFLOW_ENCRYPTION_KEYS = [new_key, old_key]
    provider.refresh_from_db()
    assert provider.get_api_key() == "sk-live-abcdefghijklmnop"

    out = io.StringIO()
    call_command("rotate_secrets", stdout=out)
    assert "Re-encrypted 1 secret" in out.getvalue()

    settings.RAPTORFLOW_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    provider.refresh_from_db()
    assert provider.get_api_key() == "sk-live-abcdefghijklmnop"


def test_a_wrong_key_raises_a_clear_error_instead_of_returning_ciphertext(provider, settings):
    settings.RAPTORFLOW_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    provider.refresh_from_db()
    with pytest.raises(crypto.SecretDecryptionError, match="could not be decrypted"):
        provider.get_api_key()


def test_the_admin_shows_the_key_masked_and_never_in_full(admin_client, provider):
    page = admin_client.get(f"/admin/llm/provider/{provider.pk}/change/").content.decode()
    assert "sk-live-abcdefghijklmnop" not in page
    assert provider.api_key_encrypted not in page
    assert "••••••••mnop" in page
