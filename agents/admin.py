"""Staff pages for agents and their versions, and workspace spend.

Beyond the model pages: a draft → diff → publish workflow for agent versions. Every write goes through a
service in ``agents.services``, which audits it. The run pages (live run page, approvals inbox) are in
``agents.admin_runs``, imported here so they register when Django's admin autodiscovers this module.
"""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, OuterRef
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from raptorflow.admin_tools import AuditedAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline
from raptorflow.audit.actors import Actor
from raptorflow.errors import ServiceError

from . import (
    admin_evals,  # noqa: F401 - registers the evaluation pages (datasets, experiments, feedback)
    admin_pipelines,  # noqa: F401 - registers the pipeline pages (pipelines, versions, pipeline runs)
    admin_runs,  # noqa: F401 - registers the run pages (runs, steps, events, approvals)
)
from .choices import VersionStatus
from .evals.experiments import experiment_create
from .evals.gate import may_override, publish_refusal
from .models import Agent, AgentVersion, GateOverride, WorkspaceSpend
from .schedules import admin as schedules_admin  # noqa: F401 - registers the schedule pages
from .selectors import agentversion_active_id
from .services import _VERSION_FIELDS, agentversion_create_draft, agentversion_publish

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- Agents and versions ------------------------------------------------------------


class AgentVersionInline(ReadOnlyInline):
    model = AgentVersion
    fields = ["number", "status", "published_at", "published_by", "notes"]
    show_change_link = True
    ordering = ["-number"]


class LatestVersion(TypedDict):
    latest: int | None  # the highest version number; None for an agent without versions


@admin.register(Agent)
class AgentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["slug", "name", "category", "enabled", "latest_version"]
    list_filter = ["category", "enabled"]
    search_fields = ["slug", "name", "description"]
    inlines = [AgentVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(latest=Max("versions__number"))

    @admin.display(description="Latest version", ordering="latest")
    def latest_version(self, obj: WithAnnotations[Agent, LatestVersion]) -> int | None:
        return obj.latest


def _value(version: AgentVersion, field: str) -> Any:
    return sorted(version.skills.values_list("slug", flat=True)) if field == "skills" else getattr(version, field)


def _shown(value: Any) -> str:
    """A field's value as text to diff: JSON pretty-printed, one line per item."""
    return json.dumps(value, indent=2, sort_keys=True) if isinstance(value, dict | list) else str(value)


def version_diff(version: AgentVersion, base: AgentVersion | None) -> list[dict[str, Any]]:
    """The fields where ``version`` differs from ``base``, each as unified-diff lines with a kind for colour."""
    if base is None:
        return []
    changes = []
    for field in (*_VERSION_FIELDS, "skills"):
        before, after = _value(base, field), _value(version, field)
        if before == after:  # compare values, not text: Decimal("1.00") == Decimal("1.0000")
            continue
        before, after = _shown(before).splitlines(), _shown(after).splitlines()
        lines = difflib.unified_diff(before, after, f"v{base.number}", f"v{version.number}", lineterm="")
        kinds = {"+": "add", "-": "del", "@": "hunk"}
        rows = [{"text": line, "kind": kinds.get(line[:1], "same")} for line in list(lines)[2:]]
        changes.append({"field": field, "lines": rows})
    return changes


def version_diff_base(version: AgentVersion) -> AgentVersion | None:
    """A draft compares with the agent's active (latest published) version; a published one with the one before."""
    published = AgentVersion.objects.filter(agent_id=version.agent_id, status=VersionStatus.PUBLISHED)
    if version.is_published:
        published = published.filter(number__lt=version.number)
    return published.exclude(pk=version.pk).order_by("-number").first()


def _refusal_text(refusal: ServiceError) -> str:
    """A refusal as the admin shows it: its message and code."""
    return f"Not published ({refusal.code}): {refusal.message}"


@admin.register(AgentVersion)
class AgentVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "agent", "number", "standing", "published_at", "published_by", "created_at"]
    list_filter = ["status", "agent"]
    search_fields = ["agent__slug", "agent__name", "notes"]
    list_select_related = ["agent", "published_by"]
    filter_horizontal = ["skills"]
    actions = ["publish_selected", "new_draft_from_selected"]
    readonly_fields = ["number", "status", "created_by", "created_at", "published_by", "published_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(live_id=agentversion_active_id(OuterRef("agent")))

    @admin.display(description="Status", ordering="status")
    def standing(self, obj: AgentVersion) -> str:
        """Which published version new runs use: the agent's latest published one is live, older ones are
        superseded (runs pinned to them keep them), the rest are drafts."""
        if obj.status != VersionStatus.PUBLISHED:
            return obj.get_status_display()
        return "Live" if obj.pk == getattr(obj, "live_id", None) else "Superseded"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [f.name for f in AgentVersion._meta.fields if f.name != "id"] + ["skills"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_published

    def save_model(self, request, obj, form, change):
        if not change:
            obj.number = (AgentVersion.objects.filter(agent=obj.agent).aggregate(n=Max("number"))["n"] or 0) + 1
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/publish/", wrap(self.publish_view), name="agents_agentversion_publish"),
            path("<path:object_id>/new-draft/", wrap(self.new_draft_view), name="agents_agentversion_new_draft"),
            path("<path:object_id>/experiment/", wrap(self.experiment_view), name="agents_agentversion_experiment"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is not None and version.is_published and request.method == "POST":
            # A published version never changes: say so rather than fail in save() (its page offers no Save).
            self.message_user(request, f"{version} is published and cannot change; create a new draft.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        if version is not None:
            base = version_diff_base(version)
            history = version.agent.versions.select_related("published_by", "created_by").order_by("-number")
            can_publish = not version.is_published and self.has_change_permission(request, version)
            extra_context = {
                **(extra_context or {}),
                "diff_base": base,
                "diff": version_diff(version, base),
                "history": history,
                "can_publish": can_publish,
                "can_draft": self.has_add_permission(request),
                "gate_refusal": publish_refusal(version) if can_publish else None,
                "can_override": can_publish and may_override(Actor.for_user(request.user)),
                "gate_override": GateOverride.objects.filter(version=version).select_related("overridden_by").first(),
                "gating_dataset": version.agent.gating_dataset,
                "experiments": version.experiments.select_related("dataset").order_by("-created_at")[:10],
                **({"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False,
                    "show_delete": False} if version.is_published else {}),
            }  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)

    def _version_or_deny(self, request, object_id: str, allowed: bool) -> AgentVersion:
        if not allowed:
            raise PermissionDenied
        return get_object_or_404(AgentVersion.objects.select_related("agent"), pk=object_id)

    @method_decorator(require_POST)
    def publish_view(self, request, object_id: str) -> HttpResponse:
        version = self._version_or_deny(request, object_id, self.has_change_permission(request))
        reason = request.POST.get("override_reason", "")
        try:
            published = agentversion_publish(
                version=version, actor=Actor.for_user(request.user), override_reason=reason
            )
        except ServiceError as refusal:  # the gate said no (audited by the service): say why, with the code
            self.message_user(request, _refusal_text(refusal), messages.ERROR)
        else:
            if not published:
                self.message_user(request, f"{version} was already published.", messages.WARNING)
            elif reason.strip() and GateOverride.objects.filter(version=version).exists():
                self.message_user(request, f"Published {version} over the evaluation gate; the override is audited.")
            else:
                self.message_user(request, f"Published {version}; new runs of {version.agent.slug} use it.")
        return HttpResponseRedirect(reverse("admin:agents_agentversion_change", args=[version.pk]))

    @method_decorator(require_POST)
    def experiment_view(self, request, object_id: str) -> HttpResponse:
        """Start an experiment of this version on its agent's gating dataset (the workers run it)."""
        version = self._version_or_deny(request, object_id, self.has_change_permission(request))
        dataset = version.agent.gating_dataset
        if dataset is None:
            self.message_user(request, f"{version.agent.slug} has no gating dataset.", messages.WARNING)
        else:
            try:
                experiment = experiment_create(dataset=dataset, version=version, actor=Actor.for_user(request.user))
            except ServiceError as refusal:
                self.message_user(request, f"No experiment ({refusal.code}): {refusal.message}", messages.ERROR)
            else:
                self.message_user(request, f"{experiment} of {version} on {dataset.name} is queued for the workers.")
        return HttpResponseRedirect(reverse("admin:agents_agentversion_change", args=[version.pk]))

    @method_decorator(require_POST)
    def new_draft_view(self, request, object_id: str) -> HttpResponse:
        source = self._version_or_deny(request, object_id, self.has_add_permission(request))
        draft = agentversion_create_draft(agent=source.agent, from_version=source, actor=Actor.for_user(request.user))
        self.message_user(request, f"Created {draft} from v{source.number}; edit it, then publish.")
        return HttpResponseRedirect(reverse("admin:agents_agentversion_change", args=[draft.pk]))

    @admin.action(description="Publish selected drafts")
    def publish_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        published = 0
        for version in queryset.select_related("agent"):
            try:
                published += agentversion_publish(version=version, actor=actor)
            except ServiceError as refusal:
                self.message_user(request, f"{version}: {_refusal_text(refusal)}", messages.ERROR)
        self.message_user(request, f"Published {published} version(s).", messages.SUCCESS)

    @admin.action(description="Create a new draft from each selected version")
    def new_draft_from_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        for version in queryset.select_related("agent"):
            draft = agentversion_create_draft(agent=version.agent, from_version=version, actor=actor)
            self.message_user(request, f"Created {draft}.", messages.SUCCESS)


# --- Spend ------------------------------------------------------------------------


@admin.register(WorkspaceSpend)
class WorkspaceSpendAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The running totals budgets are checked against; written only by runs' paid calls."""

    list_display = ["workspace", "month", "amount", "updated_at"]
    list_filter = ["month"]
    list_select_related = ["workspace"]
    search_fields = ["workspace__name", "workspace__slug"]
    date_hierarchy = "month"
    ordering = ["-month", "workspace__name"]
