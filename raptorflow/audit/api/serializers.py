from __future__ import annotations

from rest_framework import serializers

from raptorflow.accounts.models import Workspace
from raptorflow.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    workspace: serializers.SlugRelatedField[Workspace] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="Null for platform events (and for a deleted workspace)."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id", "seq", "created_at", "actor_type", "actor_label", "actor_user", "actor_api_key", "workspace",
            "action", "target_type", "target_id", "target_repr", "changes", "outcome",
            "ip", "user_agent", "request_id", "hash",
        ]  # fmt: skip
        read_only_fields = fields
