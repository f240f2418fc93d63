"""The rollup table (read-only) and the staff analytics dashboard at /admin/analytics/dashboard/."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.http import urlencode

from raptorflow.accounts.models import Workspace
from raptorflow.admin_tools import GrowingTableMixin, ReadOnlyAdminMixin

from .models import DailyRollup
from .selectors import (
    DEFAULT_RANGE_DAYS,
    dashboard_data,
    dashboard_next_steps,
    default_range,
    default_start,
    range_problem,
)
from .services import rollup_today_if_stale


@admin.register(DailyRollup)
class DailyRollupAdmin(GrowingTableMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "workspace", "agent", "runs_total", "success_rate", "duration_p95_ms", "tokens_in"]
    list_display += ["cached_tokens_in", "cache_write_tokens", "tokens_out", "cost"]
    list_filter = ["day", "agent"]
    search_fields = ["workspace__name", "agent__slug"]
    list_select_related = ["workspace", "agent"]
    # templates/admin/analytics/dailyrollup/change_list.html links the dashboard from the object tools.


class DashboardFilterForm(forms.Form):
    """The dashboard's GET filters. Missing dates fall back to the last DEFAULT_RANGE_DAYS days."""

    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="To")
    workspace = forms.ModelChoiceField(
        queryset=Workspace.objects.order_by("name"), required=False, to_field_name="slug", empty_label="All workspaces"
    )

    @classmethod
    def from_query(cls, query: QueryDict) -> DashboardFilterForm:
        """Bind the GET query with the defaults filled in, so the inputs show the range actually used."""
        given = {name: value for name, value in query.items() if isinstance(value, str) and value}
        given.setdefault("end", default_range()[1].isoformat())
        if "start" not in given:
            with suppress(ValueError):  # an invalid end is reported by the form itself
                given["start"] = default_start(date.fromisoformat(given["end"])).isoformat()
        return cls(given)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() returns; the stubs allow None
        start, end = data.get("start"), data.get("end")
        if start and end and (problem := range_problem(start, end)):
            raise forms.ValidationError(problem)
        return data


def analytics_dashboard_view(request: HttpRequest) -> HttpResponse:
    """Charts of the rollups for staff who may view them; admin_view has already refused anyone else."""
    if not request.user.has_perm("analytics.view_dailyrollup"):
        raise PermissionDenied
    form = DashboardFilterForm.from_query(request.GET)
    data = None
    if form.is_valid():
        rollup_today_if_stale(end=form.cleaned_data["end"])
        data = dashboard_data(**form.cleaned_data)
    has_data = bool(data and data["totals"]["runs"])
    context = {
        **admin.site.each_context(request),
        "title": "Analytics dashboard",
        "form": form,
        "data": data,
        "has_data": has_data,
        "next_steps": None if has_data or data is None else _next_steps(**form.cleaned_data),
        "opts": DailyRollup._meta,
    }
    return TemplateResponse(request, "admin/analytics/dashboard.html", context)


def _next_steps(start: date, end: date, workspace: Workspace | None) -> dict[str, Any]:
    """An empty period's way forward; with runs finished outside the period, a link to the range up to the latest."""
    steps = {**dashboard_next_steps(workspace=workspace), "range_days": DEFAULT_RANGE_DAYS}
    if (last := steps["latest_finished_day"]) is not None and not start <= last <= end:
        query = {"start": default_start(last).isoformat(), "end": last.isoformat()}
        steps["latest_range_query"] = urlencode(query | ({"workspace": workspace.slug} if workspace else {}))
    return steps


def _with_dashboard(get_urls: Callable[[], list[URLPattern | URLResolver]]) -> Callable[[], list]:
    """The admin site's URLs with the dashboard first: it is not a model page, so no ModelAdmin can route it."""

    def urls() -> list[URLPattern | URLResolver]:
        dashboard = admin.site.admin_view(analytics_dashboard_view)
        return [path("analytics/dashboard/", dashboard, name="analytics_dashboard"), *get_urls()]

    return urls


admin.site.get_urls = _with_dashboard(admin.site.get_urls)  # type: ignore[method-assign]
