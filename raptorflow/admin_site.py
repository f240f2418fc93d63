"""The admin index grouped by what staff do, not by which Python package a model lives in.

Django lists models per app (accounts, agents, llm, …); staff think in tasks: look at runs, change an
agent, set up a provider, manage who has access, check the audit trail, read the numbers. The default
`admin.site` is kept (every app registers on it) and only its `get_app_list` is replaced, for the index
page and the navigation sidebar. An app's own index page (/admin/<app>/) still lists that app alone.
"""

from __future__ import annotations

from types import MethodType
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.text import slugify

# Section title -> model labels, in the order shown. A model registered later and not listed here lands
# in "Other" at the end rather than vanishing; tests/platform/test_admin_console.py fails until it is placed.
SECTIONS: dict[str, tuple[str, ...]] = {
    "Runs": ("agents.Run", "agents.RunStep", "agents.RunEvent", "agents.Approval", "agents.Schedule"),
    "Pipelines": ("agents.PipelineRun", "agents.Pipeline", "agents.PipelineVersion"),
    "Agents & skills": ("agents.Agent", "agents.AgentVersion", "skills.Skill"),
    "Evaluations": ("agents.EvalDataset", "agents.Experiment", "agents.RunFeedback", "agents.GateOverride"),
    "Providers & prices": ("llm.Provider", "llm.ModelPrice"),
    "Webhooks": ("webhooks.Endpoint", "webhooks.Delivery"),
    "Workspaces & access": (
        "accounts.Workspace",
        "accounts.Membership",
        "accounts.User",
        "accounts.APIKey",
        "auth.Group",
    ),
    "Audit & security": (
        "audit.AuditEvent",
        "audit.IPBlock",
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
    ),
    "Analytics": ("analytics.DailyRollup", "agents.WorkspaceSpend"),
}
OTHER = "Other"


def grouped_app_list(site: admin.AdminSite, request, app_label: str | None = None) -> list[dict[str, Any]]:
    """The site's models as one pseudo-app per section (an app's own index page keeps Django's list)."""
    if app_label is not None:
        return admin.AdminSite.get_app_list(site, request, app_label)
    models = {
        model["model"]._meta.label: model for app in site._build_app_dict(request).values() for model in app["models"]
    }
    placed = {label for labels in SECTIONS.values() for label in labels}
    sections = {**SECTIONS, OTHER: tuple(sorted(label for label in models if label not in placed))}
    return [
        _section(title, [models[label] for label in labels if label in models])
        for title, labels in sections.items()
        if any(label in models for label in labels)
    ]


def _section(title: str, models: list[dict[str, Any]]) -> dict[str, Any]:
    slug = slugify(title)
    return {
        "name": title,
        "app_label": slug,
        "app_url": f"{reverse('admin:index')}#section-{slug}",
        "has_module_perms": True,
        "models": models,
    }


def install(site: admin.AdminSite = admin.site) -> None:
    """Replace `site.get_app_list` with the grouped version (idempotent)."""
    site.get_app_list = MethodType(grouped_app_list, site)  # type: ignore[method-assign]  # this one site's, on purpose


install()
