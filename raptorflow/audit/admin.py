import ipaddress
import json
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from raptorflow.accounts.models import Workspace
from raptorflow.admin_tools import AuditedAdminMixin, GrowingTableMixin, ReadOnlyAdminMixin, time_with_age
from raptorflow.client_ip import client_ip, normalise_ip

from .actors import Actor
from .blocklist import ipblock_disable
from .choices import Outcome
from .models import AuditEvent, IPBlock
from .services import audit_log
from .verify import audit_verify


class InputFilter(admin.SimpleListFilter):
    """A sidebar filter that is a text box (templates/admin/audit/input_filter.html) instead of a list of links.

    Actors, workspaces and targets are unbounded, so listing every value as a link is not an option.
    """

    template = "admin/audit/input_filter.html"
    placeholder = ""

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        kept = {k: v for k, v in changelist.params.items() if k != self.parameter_name}
        yield {
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "placeholder": self.placeholder,
            "kept": sorted(kept.items()),
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        return self.filter(queryset, value) if value else queryset

    def filter(self, queryset: QuerySet[AuditEvent], value: str) -> QuerySet[AuditEvent]:
        raise NotImplementedError


class ActorFilter(InputFilter):
    title = "actor"
    parameter_name = "actor"
    placeholder = "username or key:prefix"

    def filter(self, queryset, value):
        return queryset.filter(actor_label__icontains=value)


class WorkspaceFilter(InputFilter):
    title = "workspace"
    parameter_name = "workspace"
    placeholder = "workspace id or name"

    def filter(self, queryset, value):
        if value.isdigit():
            return queryset.filter(workspace_id=int(value))
        ids = Workspace.objects.filter(name__icontains=value).values("pk")[:100]
        return queryset.filter(workspace_id__in=ids)


class ActionFilter(InputFilter):
    title = "action"
    parameter_name = "action"
    placeholder = "e.g. provider. or run.cancel"

    def filter(self, queryset, value):
        # A prefix, so "provider." finds provider.create, provider.test, … (uses the (action, -id) index).
        return queryset.filter(action__startswith=value)


class TargetFilter(InputFilter):
    title = "target"
    parameter_name = "target"
    placeholder = "llm.provider, llm.provider:3 or 3"

    def filter(self, queryset, value):
        kind, _, target_id = value.rpartition(":")
        if kind:
            return queryset.filter(target_type=kind.lower(), target_id=target_id)
        if "." in value:
            return queryset.filter(target_type=value.lower())
        return queryset.filter(target_id=value)


@admin.register(AuditEvent)
class AuditEventAdmin(GrowingTableMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Search and read the trail; "Verify chain" re-checks every signature and the checkpoints (read-only)."""

    list_display = ["created_at_with_age", "actor_label", "action", "target_repr", "workspace_id", "outcome", "ip"]
    list_display += ["seq"]
    created_at_with_age = time_with_age("created_at")
    list_filter = [ActorFilter, WorkspaceFilter, ActionFilter, TargetFilter, "outcome", "actor_type", "created_at"]
    search_fields = ["action", "actor_label", "target_repr", "target_id", "request_id"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "actor_type",
        "actor_label",
        "actor_user_id",
        "actor_api_key_id",
        "workspace_id",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "changes_table",
        "outcome",
        "ip",
        "user_agent",
        "request_id",
        "seq",
        "prev_hash",
        "hash",
        "key_id",
        "pseudonymised",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type both as invariant lists of different items

    def get_actions(self, request):
        return {}

    @admin.display(description="Changes")
    def changes_table(self, obj: AuditEvent) -> str:
        """A before/after table for diffs ({field: [before, after]}); a field/value table for other details."""
        changes = obj.changes if isinstance(obj.changes, dict) else {"value": obj.changes}
        if not changes:
            return "—"
        is_diff = all(isinstance(v, list) and len(v) == 2 for v in changes.values())
        if is_diff:
            head = mark_safe("<tr><th>Field</th><th>Before</th><th>After</th></tr>")
            rows = format_html_join("", _DIFF_ROW, ((k, _show(b), _show(a)) for k, (b, a) in sorted(changes.items())))
        else:
            head = mark_safe("<tr><th>Field</th><th>Value</th></tr>")
            rows = format_html_join("", _VALUE_ROW, ((k, _show(v)) for k, v in sorted(changes.items())))
        return format_html('<table class="audit-changes"><thead>{}</thead><tbody>{}</tbody></table>', head, rows)

    def get_urls(self):
        verify = self.admin_site.admin_view(self.verify_chain_view)
        return [path("verify/", verify, name="audit_auditevent_verify"), *super().get_urls()]

    def verify_chain_view(self, request):
        """Walk the whole chain and the checkpoints, and say whether it is intact (POST: it records the check).

        Never seals: events not sealed yet are counted, and the sealer links them.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = audit_verify()
        if report.intact:
            self.message_user(request, report.summary(), messages.SUCCESS)
        for finding in report.findings:
            self.message_user(request, f"Audit chain broken at {finding.describe()}.", messages.ERROR)
        first = report.findings[0] if report.findings else None
        details = {
            "checked": report.checked,
            "checkpoints": report.checkpoints,
            "findings": [finding.kind for finding in report.findings],
            "broken_seq": first.seq if first else None,
            "reason": first.detail if first else "",
        }
        outcome = Outcome.SUCCESS if report.intact else Outcome.FAILURE
        audit_log("audit.verify", actor=Actor.for_user(request.user), changes=details, outcome=outcome)
        return HttpResponseRedirect(reverse("admin:audit_auditevent_changelist"))

    @admin.display(description="Pseudonymised")
    def pseudonymised(self, obj: AuditEvent) -> str:
        return ", ".join(obj.pseudonymised) or "—"


_DIFF_ROW = '<tr><th scope="row">{}</th><td class="before"><pre>{}</pre></td><td class="after"><pre>{}</pre></td></tr>'
_VALUE_ROW = '<tr><th scope="row">{}</th><td><pre>{}</pre></td></tr>'


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


class IPBlockForm(forms.ModelForm):
    """Refuses an enabled block that covers the address of the staff member saving it.

    Otherwise one typo (0.0.0.0/0, the office range) locks staff out of the very
    admin that could lift the block; the way back would be a database shell.
    """

    requester_ip: str | None = None  # set per request by IPBlockAdmin.get_form

    class Meta:
        model = IPBlock
        fields = ["network", "reason", "enabled", "expires_at"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what clean() returns; the stubs allow None
        if cleaned.get("enabled") and _covers(cleaned.get("network") or "", self.requester_ip):
            message = f"This range includes your own address ({self.requester_ip}): you would lock yourself out."
            self.add_error("network", message)
        return cleaned


def _covers(network: str, ip: str | None) -> bool:
    try:
        return ip is not None and ipaddress.ip_address(ip) in ipaddress.ip_network(network.strip(), strict=False)
    except ValueError:
        return False  # not a network: the field's own validator reports it


class ActiveNowFilter(admin.SimpleListFilter):
    title = "active now"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No (disabled or expired)")]

    def queryset(self, request, queryset: QuerySet[IPBlock]) -> QuerySet[IPBlock]:
        active = IPBlock.objects.active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(IPBlock)
class IPBlockAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Staff block addresses and ranges here; every add, edit, disable and delete is audited with a diff."""

    form = IPBlockForm
    list_display = ["network", "reason", "enabled", "expires_at", "active_now", "created_by", "created_at"]
    list_filter = [ActiveNowFilter, "enabled", ("expires_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["network", "reason"]
    list_select_related = ["created_by"]
    fields = ["network", "reason", "enabled", "expires_at", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    actions = ["disable_selected"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = cast(type[IPBlockForm], super().get_form(request, obj, change, **kwargs))  # a subclass of self.form
        form.requester_ip = client_ip(request)  # a fresh form class per call, so this never leaks across requests
        return form

    def get_search_results(self, request, queryset, search_term):
        """Searching for an address also finds the ranges that contain it ("why is this client blocked?")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        address = normalise_ip(search_term)
        if address is None:
            return results, may_have_duplicates
        covering = [pk for pk, network in queryset.values_list("pk", "network") if _covers(network, address)]
        return results | queryset.filter(pk__in=covering), may_have_duplicates

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description="Active")
    def active_now(self, obj: IPBlock) -> bool:
        return obj.is_active(timezone.now())

    @admin.action(description="Disable selected blocks")
    def disable_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        disabled = sum(ipblock_disable(block, actor=actor) for block in queryset)
        self.message_user(request, f"Disabled {disabled} block(s).", messages.SUCCESS)
