"""Shared admin building blocks: audited changes, read-only logs, bounded pagination, JSON blocks, times with ages."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib import admin
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log

if TYPE_CHECKING:
    from raptorflow.accounts.models import User

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object  # a mixin at run time; typed as a ModelAdmin so its super() calls are checked

REDACTED = "[redacted]"


class AdminRequest(HttpRequest):
    """A request to an admin page: the admin site lets in only signed-in staff, so its user is never anonymous."""

    user: User


class CappedPaginator(Paginator):
    """Counts at most RAPTORFLOW_ADMIN_MAX_PAGES pages, so a table of millions never runs COUNT(*) over all of it."""

    @cached_property
    def count(self) -> int:
        cap = self.per_page * settings.RAPTORFLOW_ADMIN_MAX_PAGES
        limited = self.object_list[:cap]
        return limited.count() if hasattr(limited, "count") and not isinstance(limited, list) else len(limited)


class GrowingTableMixin:
    """For tables that grow without bound: no full count, capped pages."""

    show_full_result_count = False
    paginator: ClassVar[type[Paginator]] = CappedPaginator
    list_per_page = 50


def snapshot(obj: models.Model, redact: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete field values of ``obj``, secrets replaced by a marker that still shows a change."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            continue  # bookkeeping timestamps change on every save; not a change anybody made
        value = field.value_from_object(obj)
        if field.name in redact:
            value = _fingerprint(value)
        values[field.attname] = value
    return values


def _fingerprint(value: Any) -> str:
    """Redacted, but different when the stored value changed: a hash prefix of the stored (encrypted or hashed) form."""
    if not value:
        return ""
    return f"{REDACTED[:-1]}:{hashlib.sha256(str(value).encode()).hexdigest()[:8]}]"


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


class AuditedAdminMixin(_ModelAdmin):
    """Every add, change and delete through the admin becomes an audit event with a before/after diff."""

    audit_redact: tuple[str, ...] = ()

    def _audit(self, request, obj: models.Model, verb: str, changes: dict[str, list[Any]]) -> None:
        workspace = getattr(obj, "workspace_id", None) if obj._meta.model_name != "workspace" else obj.pk
        audit_log(
            f"{obj._meta.model_name}.{verb}",
            actor=Actor.for_user(request.user),
            workspace=workspace,
            target=obj,
            changes=changes,
        )

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk), self.audit_redact) if change else {}
        super().save_model(request, obj, form, change)
        after = snapshot(obj, self.audit_redact)
        changes = diff(before, after)
        if changes or not change:
            self._audit(request, obj, "update" if change else "create", changes)

    def delete_model(self, request, obj):
        before = snapshot(obj, self.audit_redact)
        self._audit(request, obj, "delete", {key: [value, None] for key, value in before.items()})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdminMixin:
    """Logs and history: visible to staff, changeable by nobody (superusers included)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [f.name for f in self.model._meta.fields]


def json_block(value: Any, *, label: str = "JSON", open_: bool = True) -> str:
    """A JSON value as the console shows it: indented, in a collapsible block, with a button that copies it
    (raptorflow/static/raptorflow/admin.js; no inline script). "—" for None."""
    if value is None:
        return "—"
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    size = ""
    if isinstance(value, dict | list):
        noun = "key" if isinstance(value, dict) else "item"
        size = f"{len(value)} {noun}{'' if len(value) == 1 else 's'}"
    return format_html(
        '<details class="json-block"{}><summary>{} {}</summary>'
        '<button type="button" class="button json-copy">Copy</button><pre>{}</pre></details>',
        mark_safe(" open") if open_ else "",  # a constant
        label,
        size,
        text,
    )


def time_with_age(field: str, description: str = "") -> Callable[[Any, models.Model], str | None]:
    """A changelist column for a datetime field: the absolute time to the second, as the admin shows it, and under
    it the age ("3 minutes ago", "2 hours from now": django.contrib.humanize's naturaltime); sorted by the field.

    Use it as a ModelAdmin attribute, named in list_display in place of the field:
    ``created_at_with_age = time_with_age("created_at")``. None stays the admin's empty value.
    """

    @admin.display(description=description or capfirst(field.replace("_", " ")), ordering=field)
    def column(model_admin: Any, obj: models.Model) -> str | None:
        value = getattr(obj, field)
        if value is None:
            return None
        return format_html(
            '<time datetime="{}">{}</time><span class="time-age">{}</span>',
            value.isoformat(),
            formats.localize(timezone.localtime(value)),
            naturaltime(value),
        )

    column.__name__ = f"{field}_with_age"
    return column
