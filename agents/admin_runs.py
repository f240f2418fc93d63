"""Staff pages for runs: the live run page, its steps and events, and approvals.

The run page polls ``<run>/events/`` (JSON from ``run_live_state``) and carries cancel / approve / reject
buttons, a staff rating (up or down with a comment: ``feedback_set``) and "add to dataset" (one of the agent's
datasets; the run's output becomes the case's reference: ``case_from_run``); approvals have an inbox. Every
write goes through a service (``agents.runs.services``, ``agents.evals.datasets``), which audits it. Imported by
``agents.admin`` so these pages register with it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from raptorflow.admin_tools import GrowingTableMixin, ReadOnlyAdminMixin, ReadOnlyInline, json_block, time_with_age
from raptorflow.audit.actors import Actor
from raptorflow.errors import ServiceError

from .choices import FINAL_STATES, ApprovalStatus, InputRequestStatus, RunStatus
from .evals.choices import Rating
from .evals.datasets import case_from_run, feedback_set, feedback_to_case
from .models import Approval, EvalDataset, Run, RunEvent, RunFeedback, RunStep
from .runs.errors import RunError, RunStateError
from .runs.events import run_events_after
from .runs.services import run_answer, run_approve, run_cancel, run_reject
from .selectors import run_thread

EVENTS_PER_POLL = 200
STEPS_SHOWN = 500
STEP_FIELDS = ["sequence", "kind", "name", "status", "provider", "model", "tokens_in", "cached_tokens_in"]
STEP_FIELDS += ["cache_write_tokens", "tokens_out", "cost", "latency_ms", "cache_hit", "error"]


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- Runs ---------------------------------------------------------------------------


def run_datasets(run: Run):
    """The datasets a run may become a case of: its agent's platform datasets and its own workspace's."""
    return EvalDataset.objects.filter(agent_id=run.agent_version.agent_id).filter(
        Q(workspace__isnull=True) | Q(workspace_id=run.workspace_id)
    )


def _whole(value: str) -> int:
    """A primary key typed in a form: 0 (no row has it) when it is not a whole number."""
    return int(value) if value.strip().isdigit() else 0


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = ["reason", "status", "requested_at", "expires_at", "decided_by", "decided_at", "comment"]


def _duration(run: Run) -> float | None:
    if run.started_at is None:
        return None
    return round(((run.finished_at or timezone.now()) - run.started_at).total_seconds(), 1)


def run_live_state(run: Run, *, after: int = 0) -> dict[str, Any]:
    """What the live run page shows: the run's figures, all its steps and its events after ``after``."""
    run.refresh_from_db()  # status before events: a final answer then never misses the last event
    page = run_events_after(run.pk, after=after, limit=EVENTS_PER_POLL, status=run.status)
    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "final": page.final,
        "events": page.events,
        "next_after": page.next_after,
        "steps": list(run.steps.order_by("sequence").values(*STEP_FIELDS)[:STEPS_SHOWN]),
        "tokens_in": run.tokens_in,
        "cached_tokens_in": run.cached_tokens_in,
        "cache_write_tokens": run.cache_write_tokens,
        "tokens_out": run.tokens_out,
        "cost": run.cost,
        "duration": _duration(run),
        "error": run.error_message,
    }


def _typed(value: str) -> Any:
    """An answer typed in a form field: a number, list or object when it is JSON, else the text itself."""
    try:
        return json.loads(value)
    except ValueError:
        return value.strip()


def _what_waits(approval: Approval) -> tuple[str, str, list[tuple[str, str]]]:
    """(heading, JSON, key figures) of what a person decides on: a call the model wants to make, or the run's
    output. The key figures are its top-level numbers, yes/no values and short texts, for the inbox's summary."""
    if approval.call:
        name = approval.call.get("name", "")
        proposed, heading = approval.call.get("input"), f"Requested call: {name}"
    else:
        proposed, heading = approval.run.output, "Proposed output"
    return heading, json.dumps(proposed, indent=2, sort_keys=True), _key_figures(proposed)


INBOX_FIGURES = 8  # at most this many key figures per approval: a summary, the rest is one click away
INBOX_TEXT_CHARS = 80


def _key_figures(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return []
    figures = []
    for key, item in sorted(value.items()):  # jsonb keeps no order of its own: alphabetical, as the full JSON
        if isinstance(item, bool):
            figures.append((key, "yes" if item else "no"))
        elif isinstance(item, int | float):
            figures.append((key, f"{item:,}"))
        elif isinstance(item, str) and len(item) <= INBOX_TEXT_CHARS:
            figures.append((key, item))
        if len(figures) == INBOX_FIGURES:
            break
    return figures


@admin.register(Run)
class RunAdmin(GrowingTableMixin, admin.ModelAdmin):
    list_display = ["short_id", "workspace", "agent_version", "status", "created_at_with_age", "duration", "tokens"]
    list_display += ["cache_tokens", "cost"]
    created_at_with_age = time_with_age("created_at")
    list_filter = ["status", "agent_version__agent", "created_at"]
    search_fields = ["=id", "=idempotency_key", "=request_id", "=trace_id"]
    list_select_related = ["workspace", "agent_version__agent"]
    raw_id_fields = ["workspace", "agent_version", "requested_by", "api_key"]
    inlines = [ApprovalInline]  # steps and events are on the live panel (templates/admin/agents/run/)
    actions = ["cancel_selected"]
    readonly_fields = [
        "id",
        "workspace",
        "agent_version",
        "requested_by",
        "api_key",
        "status",
        "input_json",
        "output_json",
        "error_code",
        "error_message",
        "routing_json",
        "flags_json",
        "thread_links",
        "pipeline_link",
        "instructions",
        "idempotency_key",
        "request_id",
        "trace",
        "tokens_in",
        "cached_tokens_in",
        "cache_write_tokens",
        "tokens_out",
        "cost",
        "attempt",
        "heartbeat_at",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields  # type: ignore[assignment]  # the stubs type both as invariant lists of different items

    @admin.display(description="Input")
    def input_json(self, obj: Run) -> str:
        return json_block(obj.input, label="Input")

    @admin.display(description="Output")
    def output_json(self, obj: Run) -> str:
        return json_block(obj.output, label="Output")

    @admin.display(description="Routing")
    def routing_json(self, obj: Run) -> str:
        return json_block(obj.routing, label="Routing", open_=False)

    @admin.display(description="Flags")
    def flags_json(self, obj: Run) -> str:
        return json_block(obj.flags or None, label="Flags", open_=False)

    @admin.display(description="Thread")
    def thread_links(self, obj: Run) -> str:
        """The follow-up chain the run belongs to, oldest first (this run in bold)."""
        if obj.parent_id is None and not obj.follow_ups.exists():
            return "—"
        return format_html_join(
            " → ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:agents_run_change", args=[run.pk]),
                 format_html("<strong>{}</strong>", str(run.pk)[:8]) if run.pk == obj.pk else str(run.pk)[:8])
                for run in run_thread(obj)
            ),
        )  # fmt: skip

    @admin.display(description="Pipeline run")
    def pipeline_link(self, obj: Run) -> str:
        if obj.pipeline_run_id is None:
            return "—"
        url = reverse("admin:agents_pipelinerun_change", args=[obj.pipeline_run_id])
        return format_html('<a href="{}">{}</a> (step {})', url, str(obj.pipeline_run_id)[:8], obj.pipeline_step)

    def has_add_permission(self, request) -> bool:
        return False  # runs start through the API or a service, never by hand-filled form

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the record is read-only; decisions go through the buttons (can_decide)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def can_decide(self, request: HttpRequest) -> bool:
        """Cancel, approve and reject: staff allowed to change runs (superusers, or given agents.change_run)."""
        return request.user.has_perm("agents.change_run")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/events/", wrap(self.events_view), name="agents_run_events"),
            path("<path:object_id>/answer/", wrap(self.answer_view), name="agents_run_answer"),
            path("<path:object_id>/to-dataset/", wrap(self.to_dataset_view), name="agents_run_to_dataset"),
            path("<path:object_id>/rate/", wrap(self.rate_view), name="agents_run_rate"),
            *(
                path(f"<path:object_id>/{verb}/", wrap(self.decide_view), {"decision": verb}, name=f"agents_run_{verb}")
                for verb in ("cancel", "approve", "reject")
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        if run is not None:
            state = run_live_state(run)
            extra_context = {
                **(extra_context or {}),
                "live": state,
                "ended": state["status"] in FINAL_STATES,  # not state["final"]: that waits for the last events
                "live_url": reverse("admin:agents_run_events", args=[run.pk]),
                "approval": run.approvals.filter(status=ApprovalStatus.PENDING).first(),
                "input_request": run.input_requests.filter(status=InputRequestStatus.PENDING).first(),
                "can_decide": self.can_decide(request),
                "datasets": run_datasets(run) if self.can_add_case(request) and not run.evaluation else None,
                "can_rate": self.can_rate(request) and not run.evaluation,
                "my_feedback": RunFeedback.objects.filter(run=run, user=request.user, api_key=None).first(),
                "feedback": run.feedback.select_related("user", "api_key").order_by("-updated_at")[:20],
                "downs": run.feedback.filter(rating=Rating.DOWN).select_related("user", "api_key")[:20],
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def can_add_case(self, request: HttpRequest) -> bool:
        """Add this run to a dataset: staff allowed to change datasets (their cases are edited on them)."""
        return request.user.has_perm("agents.change_evaldataset")

    def can_rate(self, request: HttpRequest) -> bool:
        """Staff rating: staff who may see runs and add feedback."""
        return request.user.has_perm("agents.view_run") and request.user.has_perm("agents.add_runfeedback")

    @method_decorator(require_POST)
    def to_dataset_view(self, request, object_id: str) -> HttpResponse:
        """Add the run to one of its agent's datasets as a case: its input, its output as the reference."""
        if not self.can_add_case(request):
            raise PermissionDenied
        run = get_object_or_404(Run.objects.select_related("agent_version", "workspace"), pk=object_id)
        back = reverse("admin:agents_run_change", args=[run.pk])
        dataset = run_datasets(run).filter(pk=_whole(request.POST.get("dataset", ""))).first()
        if dataset is None:
            self.message_user(request, "Choose one of this agent's datasets.", messages.ERROR)
            return HttpResponseRedirect(back)
        name = request.POST.get("name", "").strip()[:200]
        down = run.feedback.filter(rating=Rating.DOWN, pk=_whole(request.POST.get("feedback", ""))).first()
        try:
            if down is not None:  # its comment becomes a judged rubric: that problem must be gone
                case = feedback_to_case(feedback=down, dataset=dataset, actor=Actor.for_user(request.user), name=name)
            else:
                case = case_from_run(run=run, dataset=dataset, actor=Actor.for_user(request.user), name=name)
        except ServiceError as refusal:
            self.message_user(request, f"Not added ({refusal.code}): {refusal.message}", messages.ERROR)
        else:
            url = reverse("admin:agents_evaldataset_change", args=[dataset.pk])
            self.message_user(
                request,
                format_html('Added as case "{}" to <a href="{}">{}</a> (revision {}); its output is the reference.',
                            case.name, url, dataset.name, dataset.revision),
            )  # fmt: skip
        return HttpResponseRedirect(back)

    @method_decorator(require_POST)
    def rate_view(self, request, object_id: str) -> HttpResponse:
        """A staff member's thumbs up or down with a comment (one per person: rating again replaces it)."""
        if not self.can_rate(request):
            raise PermissionDenied
        run = get_object_or_404(Run, pk=object_id)
        rating, comment = request.POST.get("rating", ""), request.POST.get("comment", "").strip()
        try:
            feedback_set(run=run, actor=Actor.for_user(request.user), rating=rating, comment=comment, source="admin")
        except ServiceError as refusal:
            self.message_user(request, f"Not rated ({refusal.code}): {refusal.message}", messages.ERROR)
        else:
            self.message_user(request, f"{run}: rated {Rating(rating).label.lower()}.")
        return HttpResponseRedirect(reverse("admin:agents_run_change", args=[run.pk]))

    def events_view(self, request, object_id: str) -> JsonResponse:
        """JSON for the live run page: staff only, no workspace membership needed (unlike /api/v1/runs/…/events)."""
        run = get_object_or_404(Run, pk=object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        try:
            after = max(int(request.GET.get("after", 0)), 0)
        except ValueError:
            return JsonResponse({"error": "after must be a whole number"}, status=400)
        return JsonResponse(run_live_state(run, after=after))

    @method_decorator(require_POST)
    def decide_view(self, request, object_id: str, decision: str) -> HttpResponse:
        if not self.can_decide(request):
            raise PermissionDenied
        run = get_object_or_404(Run, pk=object_id)
        actor, comment = Actor.for_user(request.user), request.POST.get("comment", "").strip()
        try:
            if decision == "cancel":
                run_cancel(run=run, actor=actor, reason=comment or f"Cancelled by {request.user} in the admin.")
            else:
                (run_approve if decision == "approve" else run_reject)(run=run, actor=actor, comment=comment)
        except RunStateError as exc:
            self.message_user(request, f"{run}: {exc.message}", messages.ERROR)
        else:
            self.message_user(request, f"{run}: {decision} done, now {run.get_status_display().lower()}.")
        return HttpResponseRedirect(_safe_next(request, reverse("admin:agents_run_change", args=[run.pk])))

    @method_decorator(require_POST)
    def answer_view(self, request, object_id: str) -> HttpResponse:
        """Answer the run's questions from its page (each field: JSON when it parses as JSON, else the text)."""
        if not self.can_decide(request):
            raise PermissionDenied
        run = get_object_or_404(Run, pk=object_id)
        answers = {
            key.removeprefix("answer-"): _typed(value)
            for key, value in request.POST.items()
            if key.startswith("answer-") and value.strip()
        }
        try:
            run_answer(run=run, actor=Actor.for_user(request.user), answers=answers)
        except RunError as exc:
            self.message_user(request, f"{run}: {exc.message} {'; '.join(exc.errors)}".strip(), messages.ERROR)
        else:
            self.message_user(request, f"{run}: answered, now {run.get_status_display().lower()}.")
        return HttpResponseRedirect(reverse("admin:agents_run_change", args=[run.pk]))

    @admin.display(description="Trace")
    def trace(self, obj: Run) -> str:
        """The run's OpenTelemetry trace: a link to the tracing UI (RAPTORFLOW_TRACE_URL_TEMPLATE), else its id."""
        if not obj.trace_id:
            return "—"
        template = settings.RAPTORFLOW_TRACE_URL_TEMPLATE
        if not template:
            return obj.trace_id
        url = template.replace("{trace_id}", obj.trace_id)
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', url, obj.trace_id)

    @admin.display(description="Run", ordering="id")
    def short_id(self, obj: Run) -> str:
        return str(obj.id)[:8]

    @admin.display(description="Duration")
    def duration(self, obj: Run) -> str:
        if obj.started_at and obj.finished_at:
            return f"{(obj.finished_at - obj.started_at).total_seconds():.1f} s"
        return "—"

    @admin.display(description="Tokens")
    def tokens(self, obj: Run) -> int:
        return obj.tokens_in + obj.tokens_out

    @admin.display(description="Cached in / cache writes")
    def cache_tokens(self, obj: Run) -> str:
        """Of the input tokens: read from a prompt cache / written to it (each priced at its own rate)."""
        return f"{obj.cached_tokens_in} / {obj.cache_write_tokens}"

    @admin.action(description="Cancel selected runs")
    def cancel_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        done = 0
        for run in queryset.exclude(status__in=FINAL_STATES):
            try:
                run_cancel(run=run, actor=actor, reason=f"Cancelled by {request.user} in the admin.")
                done += 1
            except RunStateError as exc:
                self.message_user(request, f"{run}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Cancelled {done} run(s).", messages.SUCCESS)


class _RunChildAdmin(GrowingTableMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_select_related = ["run"]
    raw_id_fields = ["run"]

    @admin.display(description="Run")
    def run_link(self, obj) -> str:
        url = reverse("admin:agents_run_change", args=[obj.run_id])
        return format_html('<a href="{}">{}</a>', url, str(obj.run_id)[:8])


@admin.register(RunStep)
class RunStepAdmin(_RunChildAdmin):
    list_display = ["run_link", "sequence", "kind", "name", "status", "provider", "tokens_in", "cached_tokens_in"]
    list_display += ["cache_write_tokens", "tokens_out", "cost", "latency_ms", "cache_hit", "started_at"]
    list_filter = ["kind", "status", "cache_hit"]
    search_fields = ["=run__id", "name"]


@admin.register(RunEvent)
class RunEventAdmin(_RunChildAdmin):
    list_display = ["run_link", "sequence", "type", "created_at"]
    list_filter = ["type"]
    search_fields = ["=run__id"]


# --- Approvals ---------------------------------------------------------------------


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["run", "reason", "status", "requested_at_with_age", "expires_at_with_age", "decided_by"]
    list_display += ["decided_at_with_age"]
    requested_at_with_age = time_with_age("requested_at")
    expires_at_with_age = time_with_age("expires_at")
    decided_at_with_age = time_with_age("decided_at")
    list_filter = ["status"]
    list_select_related = ["run", "decided_by"]
    raw_id_fields = ["run", "decided_by"]
    change_list_template = "admin/agents/approval/change_list.html"

    def get_urls(self):
        inbox = self.admin_site.admin_view(self.inbox_view)
        return [path("inbox/", inbox, name="agents_approval_inbox"), *super().get_urls()]

    def inbox_view(self, request) -> TemplateResponse:
        """Runs awaiting a decision, oldest request first, with what each run proposes to return."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        pending = (
            Approval.objects.filter(status=ApprovalStatus.PENDING, run__status=RunStatus.AWAITING_APPROVAL)
            .select_related("run__workspace", "run__agent_version__agent", "run__requested_by", "run__api_key")
            .order_by("requested_at", "pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Approvals inbox",
            "pending": [(a, *_what_waits(a)) for a in pending[:100]],
            "can_decide": request.user.has_perm("agents.change_run"),
            "inbox_url": request.path,
        }
        return TemplateResponse(request, "admin/agents/approval/inbox.html", context)
