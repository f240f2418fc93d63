"""Staff pages for evaluations (agents/evals): datasets with their cases, experiments with their results, the
comparison of two experiments, feedback on runs and gate overrides (docs/decisions/0024-evaluations.md).

- **Datasets**: cases are edited inline (any change raises the dataset's revision, so older experiments no
  longer count for the gate); a dataset exports as JSONL from an action and imports JSONL from its page (all or
  nothing: every bad line is named and nothing is imported).
- **Experiments** (read only as records): the page shows the progress live (``agents/experiment_live.js`` polls
  ``<experiment>/progress/``), has a Cancel button and a person's pass/fail with a note per result
  (``result_grade``: it overrides the automatic grade and is audited). Staff start experiments from a version's
  page or ``manage.py eval_run``.
- **Comparison** (``compare/?a=<id>&b=<id>``, from the experiments list's action or an experiment's "Compare
  with the published version" link): per case, which graders flipped and the outputs diffed; overall, the deltas
  of pass rate, cost and latency (``agents.evals.compare``).

Reading needs the model's view permission; every write (import, cancel, grade) its change permission.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from raptorflow.admin_tools import AdminRequest, AuditedAdminMixin, ReadOnlyAdminMixin
from raptorflow.audit.actors import Actor
from raptorflow.errors import ServiceError

from .choices import VersionStatus
from .evals.choices import Outcome, ResultStatus
from .evals.compare import experiment_compare
from .evals.datasets import dataset_export_lines, dataset_import, dataset_touch
from .evals.experiments import experiment_cancel, experiment_keep_moving, result_grade
from .evals.selectors import experiment_latest_finished, experiment_progress, result_list
from .models import AgentVersion, EvalCase, EvalDataset, Experiment, ExperimentResult, GateOverride, RunFeedback

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_NOTE_CHARS = 2000


class EvalCaseInline(admin.StackedInline):
    model = EvalCase
    extra = 0
    fields = ["name", "input", "foundation", "graders", "rubric", "reference_output"]


class ImportForm(forms.Form):
    file = forms.FileField(label="JSONL file", help_text="One case a line: name, input, graders, … (as exported).")
    replace = forms.BooleanField(
        required=False, label="Replace", help_text="Remove the dataset's cases the file does not name."
    )


def _read_upload(upload) -> tuple[str, str]:
    """(text, problem) of an uploaded file: UTF-8 text of at most MAX_IMPORT_BYTES."""
    if upload.size > MAX_IMPORT_BYTES:
        return "", f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB."
    try:
        return upload.read().decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", "The file is not UTF-8 text."


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
    change_form_template = "admin/agents/evaldataset/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/import/", wrap(self.import_view), name="agents_evaldataset_import"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            dataset_touch(form.instance)  # the cases changed: experiments of the old revision no longer count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dataset = self.get_object(request, object_id)
        if dataset is not None:
            extra_context = {
                **(extra_context or {}),
                "can_import": self.has_change_permission(request, dataset),
                "experiments": _with_previous(list(dataset.experiments.select_related("version")[:11])),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def import_view(self, request: AdminRequest, object_id: str) -> HttpResponse:
        """Import cases from an uploaded JSONL file: all or nothing; a refusal names every bad line."""
        dataset = get_object_or_404(EvalDataset.objects.select_related("agent"), pk=object_id)
        if not self.has_change_permission(request, dataset):
            raise PermissionDenied
        problems: list[str] = []
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method == "POST" and form.is_valid():
            text, problem = _read_upload(form.cleaned_data["file"])
            if problem:
                problems = [problem]
            else:
                try:
                    counts = dataset_import(
                        dataset=dataset,
                        actor=Actor.for_user(request.user),
                        text=text,
                        replace=form.cleaned_data["replace"],
                    )
                except ServiceError as refusal:
                    problems = [refusal.message, *_listed(refusal.errors)]
                else:
                    self.message_user(
                        request,
                        f"Imported into {dataset.name}: {counts['created']} created, {counts['updated']} updated, "
                        f"{counts['removed']} removed (revision {dataset.revision}).",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:agents_evaldataset_change", args=[dataset.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": dataset,
            "title": f"Import cases into {dataset.name} ({dataset.agent.slug})",
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/agents/evaldataset/import.html", context)

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


def _with_previous(experiments: list[Experiment]) -> list[tuple[Experiment, Experiment | None]]:
    """Newest first, each with the one before it (to compare with); ``experiments`` holds one more than shown."""
    return [(experiments[i], experiments[i + 1] if i + 1 < len(experiments) else None)
            for i in range(min(len(experiments), 10))]  # fmt: skip


def _listed(errors: Any) -> list[str]:
    """A service error's ``errors`` (by field) as lines to show."""
    if not isinstance(errors, dict):
        return [str(errors)] if errors else []
    return [str(item) for items in errors.values() for item in (items if isinstance(items, list) else [items])]


# --- Experiments ---------------------------------------------------------------------------------------------------


def published_baseline(experiment: Experiment) -> Experiment | None:
    """What an experiment compares with by default: the published version's latest finished experiment on the
    same dataset (None when that is the experiment itself or there is none)."""
    published = (
        AgentVersion.objects.filter(agent_id=experiment.version.agent_id, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if published is None:
        return None
    baseline = experiment_latest_finished(published, experiment.dataset)
    return None if baseline is None or baseline.pk == experiment.pk else baseline


class GradeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("", "Clear"), (Outcome.PASSED, "Pass"), (Outcome.FAILED, "Fail")], required=False
    )
    note = forms.CharField(required=False, max_length=MAX_NOTE_CHARS)


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "version", "dataset", "status", "pass_rate", "passed", "cases_total", "spent"]
    list_filter = ["status", "dataset__agent"]
    list_select_related = ["version__agent", "dataset"]
    actions = ["compare_selected"]  # the results are drawn by the page's template, with a person's grade
    change_form_template = "admin/agents/experiment/change_form.html"

    def can_act(self, request: AdminRequest) -> bool:
        """Cancel and grade: staff allowed to change experiments (the records themselves stay read only)."""
        return request.user.has_perm("agents.change_experiment")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("compare/", wrap(self.compare_view), name="agents_experiment_compare"),
            path("<path:object_id>/progress/", wrap(self.progress_view), name="agents_experiment_progress"),
            path("<path:object_id>/cancel/", wrap(self.cancel_view), name="agents_experiment_cancel"),
            path("<path:object_id>/grade/<int:result_id>/", wrap(self.grade_view), name="agents_experiment_grade"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        experiment = self.get_object(request, object_id)
        if experiment is not None:
            experiment_keep_moving(experiment)  # someone watches: make sure an advance is under way
            extra_context = {
                **(extra_context or {}),
                "progress": experiment_progress(experiment),
                "progress_url": reverse("admin:agents_experiment_progress", args=[experiment.pk]),
                "results": result_list(experiment),
                "can_act": self.can_act(request),
                "graded": ResultStatus.GRADED,
                "baseline": published_baseline(experiment),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _experiment(self, request: AdminRequest, object_id: str, *, write: bool) -> Experiment:
        if not (self.can_act(request) if write else self.has_view_permission(request)):
            raise PermissionDenied
        return get_object_or_404(Experiment.objects.select_related("dataset", "version__agent"), pk=object_id)

    def progress_view(self, request: AdminRequest, object_id: str) -> JsonResponse:
        """JSON for the live experiment page: cases by state and outcome, spend, whether it has ended."""
        experiment = self._experiment(request, object_id, write=False)
        experiment_keep_moving(experiment)
        progress = experiment_progress(experiment)
        return JsonResponse({**progress, "status_label": experiment.get_status_display()})

    @method_decorator(require_POST)
    def cancel_view(self, request: AdminRequest, object_id: str) -> HttpResponse:
        experiment = self._experiment(request, object_id, write=True)
        reason = request.POST.get("reason", "").strip()[:MAX_NOTE_CHARS]
        try:
            experiment_cancel(
                experiment=experiment,
                actor=Actor.for_user(request.user),
                reason=reason or f"Cancelled by {request.user} in the admin.",
            )
        except ServiceError as refusal:
            self.message_user(request, f"{experiment}: {refusal.message}", messages.ERROR)
        else:
            self.message_user(request, f"{experiment} is cancelled; it does not count for the gate.")
        return HttpResponseRedirect(reverse("admin:agents_experiment_change", args=[experiment.pk]))

    @method_decorator(require_POST)
    def grade_view(self, request: AdminRequest, object_id: str, result_id: int) -> HttpResponse:
        """A person's pass or fail of one result, with a note: it overrides the automatic grade (audited)."""
        experiment = self._experiment(request, object_id, write=True)
        result = get_object_or_404(ExperimentResult.objects.select_related("experiment__dataset"),
                                   pk=result_id, experiment=experiment)  # fmt: skip
        form = GradeForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(f"{field}: {' '.join(str(e) for e in errs)}" for field, errs in form.errors.items())
            self.message_user(request, f"{result.case_name}: not graded ({problems}).", messages.ERROR)
        else:
            outcome, note = form.cleaned_data["outcome"], form.cleaned_data["note"].strip()
            try:
                result_grade(result=result, actor=Actor.for_user(request.user), outcome=outcome, note=note)
            except ServiceError as refusal:
                self.message_user(request, f"{result.case_name}: {refusal.message}", messages.ERROR)
            else:
                said = f"graded {outcome} by a person" if outcome else "back to its automatic grade"
                self.message_user(request, f"{result.case_name}: {said}; the experiment's figures follow.")
        return HttpResponseRedirect(reverse("admin:agents_experiment_change", args=[experiment.pk]))

    def compare_view(self, request: AdminRequest) -> HttpResponse:
        """Two experiments side by side (``?a=<baseline>&b=<other>``); different datasets are refused."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:agents_experiment_changelist")
        ids = [request.GET.get("a", ""), request.GET.get("b", "")]
        if not all(value.isdigit() for value in ids):
            self.message_user(request, "Choose two experiments to compare.", messages.ERROR)
            return HttpResponseRedirect(changelist)
        found = Experiment.objects.select_related("dataset__agent", "version__agent").in_bulk([int(i) for i in ids])
        if len(found) != 2 or ids[0] == ids[1]:
            self.message_user(request, "Choose two different experiments that exist.", messages.ERROR)
            return HttpResponseRedirect(changelist)
        a, b = found[int(ids[0])], found[int(ids[1])]
        if a.dataset_id != b.dataset_id:
            self.message_user(
                request,
                f"Not comparable: {a} ran on {a.dataset.name} and {b} on {b.dataset.name}; only experiments on "
                "the same dataset can be compared.",
                messages.ERROR,
            )
            return HttpResponseRedirect(changelist)
        comparison = experiment_compare(a, b)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{a} (v{a.version.number}) against {b} (v{b.version.number}) on {a.dataset.name}",
            "comparison": comparison,
            "a": a,
            "b": b,
            "stale": a.dataset_revision != b.dataset_revision,
            "swap_url": f"{reverse('admin:agents_experiment_compare')}?a={b.pk}&b={a.pk}",
        }
        return TemplateResponse(request, "admin/agents/experiment/compare.html", context)

    @admin.action(description="Compare the two selected experiments")
    def compare_selected(self, request, queryset):
        chosen = list(queryset.order_by("created_at", "id"))
        if len(chosen) != 2:
            self.message_user(request, "Choose exactly two experiments to compare.", messages.WARNING)
            return None
        a, b = chosen  # the older is the baseline
        if a.dataset_id != b.dataset_id:
            self.message_user(request, "Only experiments on the same dataset can be compared.", messages.ERROR)
            return None
        return HttpResponseRedirect(f"{reverse('admin:agents_experiment_compare')}?a={a.pk}&b={b.pk}")


@admin.register(RunFeedback)
class RunFeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["run", "rating", "user", "api_key", "source", "updated_at"]
    list_filter = ["rating", "source"]
    raw_id_fields = ["run", "user", "api_key"]


@admin.register(GateOverride)
class GateOverrideAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["version", "overridden_by", "created_at", "reason"]
    list_select_related = ["version__agent", "overridden_by"]
