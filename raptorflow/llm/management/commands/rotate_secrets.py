"""Re-encrypt every stored secret under the newest key of RAPTORFLOW_ENCRYPTION_KEYS.

Rotation: put the new key first in the list (keep the old ones after it),
deploy, run this command, then drop the old keys.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log
from raptorflow.llm import crypto
from raptorflow.llm.models import Provider


class Command(BaseCommand):
    help = "Re-encrypt provider API keys under the newest encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        with transaction.atomic():
            for provider in Provider.objects.select_for_update().exclude(api_key_encrypted=""):
                try:
                    token = crypto.rotate(provider.api_key_encrypted)
                except crypto.SecretDecryptionError as exc:
                    raise CommandError(f"Provider {provider.name!r}: {exc}") from None
                Provider.objects.filter(pk=provider.pk).update(api_key_encrypted=token)
                rotated += 1
            audit_log("secrets.rotate", actor=Actor.system("rotate_secrets"), changes={"rotated": [None, rotated]})
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rotated} secret(s) under the newest key."))
