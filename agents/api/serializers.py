from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import slug_re
from django.utils.encoding import smart_str
from rest_framework import serializers

from agents.models import (
    Agent,
    AgentVersion,
    Approval,
    InputRequest,
    Run,
    RunEvent,
    RunFeedback,
    RunStep,
    validate_model_tools,
)
from agents.selectors import agent_cache_key, agent_get_for_run
from raptorflow.api.serializers import SharedFieldsMixin, StrictBooleanField, StrictCharField, StrictModelSerializer
from raptorflow.errors import UnprocessableError

if TYPE_CHECKING:
    from raptorflow.accounts.models import User


class RunStepSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = RunStep
        fields = [
            "sequence", "kind", "name", "status", "input", "output", "error", "provider", "model",
            "tokens_in", "tokens_out", "cached_tokens_in", "cache_write_tokens", "cost", "latency_ms", "cache_hit",
            "started_at", "finished_at",
        ]  # fmt: skip
        extra_kwargs = {
            "tokens_in": {"help_text": "Input tokens, including those read from and written to a prompt cache."},
            "cached_tokens_in": {"help_text": "Of tokens_in, those read from the provider's prompt cache."},
            "cache_write_tokens": {"help_text": "Of tokens_in, those written to the provider's prompt cache."},
        }
        # Output only. Read-only also keeps the database's integer storage limits (which differ between SQLite
        # and PostgreSQL) out of the committed schema, so it is the same whichever database generates it.
        read_only_fields = fields


class ApprovalSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    decided_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(
        allow_null=True, help_text="Null until someone decides."
    )

    class Meta:
        model = Approval
        fields = [
            "id", "reason", "status", "requested_at", "expires_at", "decided_by", "decided_at", "comment",
            "step_sequence", "call",
        ]  # fmt: skip
        read_only_fields = fields


class RunSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    agent: serializers.SlugRelatedField[Agent] = serializers.SlugRelatedField(
        source="agent_version.agent", slug_field="slug", read_only=True
    )
    agent_version = serializers.IntegerField(source="agent_version.number", read_only=True)

    class Meta:
        model = Run
        fields = [
            "id", "agent", "agent_version", "status", "input", "output", "error_code", "error_message",
            "routing", "flags", "idempotency_key", "schedule", "tokens_in", "tokens_out", "cached_tokens_in",
            "cache_write_tokens", "cost", "attempt", "parent", "instructions", "pipeline_run", "pipeline_step",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            **RunStepSerializer.Meta.extra_kwargs,
            "parent": {"help_text": "The run this one follows up (GET …/thread for the whole chain)."},
            "pipeline_run": {"help_text": "The pipeline run this run is a step of."},
        }


class InputRequestSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    questions = serializers.JSONField(
        read_only=True,
        help_text='[{"key", "prompt", "schema"?, "required"?}]: answer with POST …/input {"answers": {key: value}}.',
    )

    class Meta:
        model = InputRequest
        fields = ["id", "questions", "requested_at", "expires_at"]
        read_only_fields = fields


class RunDetailSerializer(RunSerializer):
    steps = RunStepSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    input_request = InputRequestSerializer(
        read_only=True, allow_null=True, help_text="The questions the run waits on (status awaiting_input), else null."
    )

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "steps", "approvals", "input_request", "last_event_seq"]
        read_only_fields = fields


_SLUG_MAX = Agent._meta.get_field("slug").max_length or 50  # always set on a SlugField (50 is its default)


def is_agent_slug(data: str) -> bool:
    """Whether the text could be an agent's slug: any other names no agent (and may not be a valid cache key, or
    a string PostgreSQL can compare)."""
    return len(data) <= _SLUG_MAX and slug_re.fullmatch(data) is not None


def agent_not_found(data: str) -> UnprocessableError:
    """A string the schema allows that names no agent to use: a 422 ``agent_not_found`` (decision 0025)."""
    message = f"No enabled agent has the slug '{smart_str(data)[:_SLUG_MAX]}'."
    return UnprocessableError("agent_not_found", message, {"agent": [message]})


class AgentSlugField(serializers.SlugRelatedField):
    """An agent by slug, looked up through the agent cache (with its active version's id). Anything but a string
    is a 400; a string that names no enabled agent a 422 ``agent_not_found``."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        found: tuple[bool, Agent | None] = (False, None)
        if (prefetched := self.context.get("prefetched")) is not None:
            found = prefetched.get(agent_cache_key(data))
        agent = agent_get_for_run(data, cached=found) if is_agent_slug(data) else None
        if agent is None:
            raise agent_not_found(data)
        return agent


class RunCreateSerializer(serializers.Serializer):
    agent = AgentSlugField(slug_field="slug", queryset=Agent.objects.all())
    input = serializers.DictField(help_text="Must match the agent's input schema (GET /api/v1/agents/{slug}).")


class RunBatchItemSerializer(serializers.Serializer):
    agent = StrictCharField(max_length=100, help_text="The agent's slug, as for POST /runs.")
    input = serializers.DictField(help_text="Must match the agent's input schema (GET /api/v1/agents/{slug}).")
    idempotency_key = StrictCharField(
        max_length=255,
        help_text="This item's Idempotency-Key: sending the batch again gives each item's earlier run (200).",
    )


class RunBatchSerializer(serializers.Serializer):
    items = serializers.ListField(child=RunBatchItemSerializer(), min_length=1, max_length=100)


class RunBatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in the request, from 0.")
    status = serializers.IntegerField(
        help_text="What POST /runs would have answered for this item alone: 201 created, 200 the earlier run of the "
        "same key and request, 402, 409, 413 or 422 refused (see error)."
    )
    run = RunSerializer(allow_null=True, help_text="The run (201, 200), else null.")
    error = serializers.JSONField(allow_null=True, help_text='{"code", "message", "errors"?} when refused, else null.')


class RunBatchResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField(help_text="Items answered with the earlier run of their key.")
    refused = serializers.IntegerField()
    results = RunBatchResultSerializer(many=True)


class RunDecisionSerializer(serializers.Serializer):
    comment = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class RunAnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="One entry per question key; each must match its question's schema.")


class RunThreadSerializer(serializers.Serializer):
    runs = RunSerializer(many=True, help_text="The chain, from the first run on, oldest first.")


class FollowUpSerializer(serializers.Serializer):
    instructions = StrictCharField(max_length=5000, help_text="What to change in the parent's result.")
    input = serializers.DictField(
        required=False, default=dict, help_text="Top-level input fields to change; the rest is the parent's input."
    )


class RunCancelSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=500, default="")


class RunFeedbackSerializer(StrictModelSerializer):
    class Meta:
        model = RunFeedback
        fields = ["rating", "comment", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"comment": {"max_length": 2000, "required": False}}


class AgentVersionPublishSerializer(serializers.Serializer):
    override_reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="An owner's written reason to publish over the evaluation gate (audited, kept on the version). "
        "Never overrides a version that is not runnable.",
    )


class RunEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RunEvent
        fields = ["sequence", "type", "data", "created_at"]
        read_only_fields = fields  # output only; see RunStepSerializer


class RunEventPageSerializer(serializers.Serializer):
    run = serializers.UUIDField()
    status = serializers.CharField()
    final = serializers.BooleanField(help_text="True once the run reached a final state: no more events will come.")
    events = RunEventSerializer(many=True)
    next_after = serializers.IntegerField(help_text="Pass as ?after= to get the events that follow.")


class AgentVersionSerializer(StrictModelSerializer):
    agent: serializers.SlugRelatedField[Agent] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # many=True makes a ManyRelatedField; the stubs type the call as the single field.
    skills: serializers.ManyRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="slug", many=True, read_only=True
    )
    published_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(
        allow_null=True, help_text="Null for drafts and synced versions."
    )
    # Declared (the model has a JSONField) so that the schema says what it holds: a list of names.
    model_tools = serializers.ListField(
        child=StrictCharField(max_length=200),
        required=False,
        validators=[validate_model_tools],
        help_text=AgentVersion._meta.get_field("model_tools").help_text,
    )

    class Meta:
        model = AgentVersion
        fields = [
            "agent", "number", "status", "system_prompt", "model_chain", "temperature", "max_tokens",
            "cache_responses", "skills", "input_schema", "output_schema", "routing_examples", "run_budget",
            "timeout_seconds", "requires_approval", "model_tools", "max_tool_iterations", "stream", "notes",
            "created_at", "published_at", "published_by",
        ]  # fmt: skip
        read_only_fields = ["agent", "number", "status", "skills", "created_at", "published_at", "published_by"]


class AgentSerializer(serializers.ModelSerializer):
    active_version = serializers.SerializerMethodField()
    input_schema = serializers.SerializerMethodField()

    class Meta:
        model = Agent
        fields = ["slug", "name", "category", "description", "enabled", "active_version", "input_schema"]

    def _active(self, obj: Agent) -> AgentVersion | None:
        published = [v for v in obj.versions.all() if v.status == "published"]  # prefetched
        return max(published, key=lambda v: v.number, default=None)

    def get_active_version(self, obj: Agent) -> int | None:
        version = self._active(obj)
        return version.number if version else None

    def get_input_schema(self, obj: Agent) -> dict:
        version = self._active(obj)
        return version.input_schema if version else {}


class DispatchSerializer(serializers.Serializer):
    text = StrictCharField(max_length=5000)
    run = StrictBooleanField(default=False, help_text="Also start a run of the chosen agent.")
    input = serializers.DictField(required=False, help_text="The run's input; required by most agents.")


class RouteDecisionSerializer(serializers.Serializer):
    agent = serializers.CharField(allow_null=True, help_text="Chosen agent slug; null when clarification is needed.")
    confidence = serializers.FloatField(min_value=0, max_value=1)
    needs_clarification = serializers.BooleanField()
    explicit = serializers.BooleanField(help_text="The request named the agent itself.")
    runner_ups = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()), help_text="[[slug, confidence], …], best first."
    )
    reason = serializers.CharField()
    matched_terms = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField()
    demoted = serializers.ListField(child=serializers.CharField(), help_text="Agents demoted after repeated failures.")
    out_of_scope = serializers.BooleanField(
        help_text="No agent does what the request asks (design, code, publishing…)."
    )
    clarifying_question = serializers.CharField(
        allow_blank=True, help_text="When agent is null: a question naming the two closest agents."
    )
    language = serializers.CharField(help_text="The request's language: en, de, fr, es, pt or it.")
    decided_by = serializers.ChoiceField(
        choices=["explicit", "lexical", "model", "model+lexical"],
        help_text="Who decided: the request named the agent, the lexical router, the model, or the lexical router "
        "breaking the model's tie.",
    )
    model = serializers.JSONField(
        required=False, help_text="The model's classification and its call (tokens, cost), when a model was asked."
    )
    lexical = serializers.JSONField(required=False, help_text="The lexical router's decision, when the model decided.")
