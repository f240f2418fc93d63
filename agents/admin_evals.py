"""Staff pages for evaluations (agents/evals): datasets with their cases, experiments with their results (read
only), feedback on runs and gate overrides (read only; docs/decisions/0024-evaluations.md).

A minimal slice: cases are edited inline on their dataset (any change raises the dataset's revision, so older
experiments no longer count for the gate), a dataset exports as JSONL from an action; experiments are started by
``manage.py eval_run``. Not here yet: import from the admin, a person's grade on a result, the comparison page.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse

from raptorflow.admin_tools import AuditedAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline

from .evals.datasets import dataset_export_lines, dataset_touch
from .models import EvalCase, EvalDataset, Experiment, ExperimentResult, GateOverride, RunFeedback


class EvalCaseInline(admin.StackedInline):
    model = EvalCase
    extra = 0
    fields = ["name", "input", "foundation", "graders", "rubric", "reference_output"]


@admin.register(EvalDataset)
class EvalDatasetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "agent", "workspace", "revision", "updated_at"]
    list_filter = ["agent"]
    list_select_related = ["agent", "workspace"]
    search_fields = ["name", "agent__slug"]
    raw_id_fields = ["workspace"]
    readonly_fields = ["revision", "seeded", "created_by", "created_at", "updated_at"]
    inlines = [EvalCaseInline]
    actions = ["export_jsonl"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            dataset_touch(form.instance)  # the cases changed: experiments of the old revision no longer count

    @admin.action(description="Export the selected dataset as JSONL")
    def export_jsonl(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one dataset to export.", messages.WARNING)
            return None
        dataset = queryset.get()
        body = "".join(f"{line}\n" for line in dataset_export_lines(dataset))
        response = HttpResponse(body, content_type="application/jsonl")
        response["Content-Disposition"] = f'attachment; filename="{dataset.agent.slug}-{dataset.name}.jsonl"'
        return response


class ExperimentResultInline(ReadOnlyInline):
    model = ExperimentResult
    fields = ["case_name", "status", "outcome", "auto_outcome", "human_outcome", "error_code", "cost", "latency_ms"]
    ordering = ["id"]


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "version", "dataset", "status", "pass_rate", "passed", "cases_total", "spent"]
    list_filter = ["status", "dataset__agent"]
    list_select_related = ["version__agent", "dataset"]
    inlines = [ExperimentResultInline]


@admin.register(RunFeedback)
class RunFeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["run", "rating", "user", "api_key", "source", "updated_at"]
    list_filter = ["rating", "source"]
    raw_id_fields = ["run", "user", "api_key"]


@admin.register(GateOverride)
class GateOverrideAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["version", "overridden_by", "created_at", "reason"]
    list_select_related = ["version__agent", "overridden_by"]
