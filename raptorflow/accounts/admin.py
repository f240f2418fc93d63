from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse

from raptorflow.admin_tools import AuditedAdminMixin, ReadOnlyInline
from raptorflow.audit.actors import Actor

from .choices import Role, Scope
from .erasure import user_erase
from .models import APIKey, Membership, User, Workspace
from .rights import (
    export_filename,
    user_export_filename,
    user_export_stream,
    workspace_contents,
    workspace_delete,
    workspace_export_stream,
)
from .services import LastOwnerError, apikey_create, apikey_revoke

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _owners_left(workspace, memberships: list[tuple[Membership | None, str | None]]) -> int:
    """How many owners the workspace keeps if the (membership, new role or None=deleted) changes apply."""
    changed = {m.pk: role for m, role in memberships if m is not None and m.pk}
    kept = [
        pk for pk in workspace.memberships.filter(role=Role.OWNER).values_list("pk", flat=True) if pk not in changed
    ]
    return len(kept) + sum(1 for m, role in memberships if role == Role.OWNER)


class MembershipInlineFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None:
            return
        should_delete = self._should_delete_form  # type: ignore[attr-defined]  # Django's, private: not in the stubs
        changes = [
            (form.instance, None if self.can_delete and should_delete(form) else form.cleaned_data.get("role"))
            for form in self.forms
            if form.has_changed() or (self.can_delete and should_delete(form))
        ]
        if changes and _owners_left(self.instance, changes) == 0:
            raise forms.ValidationError(LastOwnerError.default_message)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user", "workspace"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "workspace", "role"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what clean() returns; the stubs allow None
        instance = self.instance
        demoting = instance.pk and instance.role == Role.OWNER and cleaned.get("role") != Role.OWNER
        if demoting and _owners_left(instance.workspace, [(instance, cleaned.get("role"))]) == 0:
            raise forms.ValidationError(LastOwnerError.default_message)
        return cleaned


class APIKeyInline(ReadOnlyInline):
    model = APIKey
    fields = ["name", "prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at"]
    show_change_link = True


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    """People. Their data rights are actions here: export what we hold about one person, erase people."""

    audit_redact = ("password",)
    inlines = [MembershipInline]
    list_display = ["username", "email", "is_staff", "is_superuser", "is_active", "last_login"]
    actions = ["export_personal_data", "erase_people"]

    @admin.action(description="Export personal data of the selected person (JSON)", permissions=["view"])
    def export_personal_data(self, request, queryset):
        """One person, one file (a download answers one request), audited as ``user.export``."""
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one person to export.", messages.WARNING)
            return None
        user = queryset.get()
        pieces = user_export_stream(user=user, actor=Actor.for_user(request.user))
        response = StreamingHttpResponse(pieces, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{user_export_filename(user)}"'
        return response

    @admin.action(description="Erase selected people (anonymise; cannot be undone)", permissions=["change"])
    def erase_people(self, request, queryset):
        """After a confirmation page, erase each person through the service; a last owner is refused by name."""
        if request.POST.get("confirm_erasure") != "yes":
            return self._erase_confirmation(request, queryset)
        actor = Actor.for_user(request.user)
        erased = 0
        for user in queryset.order_by("pk"):
            try:
                user_erase(user=user, actor=actor)
            except LastOwnerError as refused:
                self.message_user(request, f"{user} was not erased: {refused.message}", messages.ERROR)
            else:
                erased += 1
        if erased:
            self.message_user(request, f"Erased {erased} person(s).", messages.SUCCESS)
        return None

    def _erase_confirmation(self, request, queryset) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase these people?",
            "opts": self.model._meta,
            "people": list(queryset.order_by("pk")),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/erase_confirmation.html", context)


class MemberCount(TypedDict):
    member_count: int


@admin.register(Workspace)
class WorkspaceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "monthly_budget", "member_count", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline, APIKeyInline]
    actions = ["export_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.action(description="Export selected workspaces (JSON)")
    def export_selected(self, request, queryset):
        """One workspace, one file: a download answers one request, so several are refused with a message."""
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one workspace to export.", messages.WARNING)
            return None
        workspace = queryset.get()
        pieces = workspace_export_stream(workspace=workspace, actor=Actor.for_user(request.user))
        response = StreamingHttpResponse(pieces, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(workspace)}"'
        return response

    def delete_model(self, request, obj: Workspace) -> None:
        # Through the service, so an admin deletion is audited with counts like the API's
        # (the mixin's delete_queryset calls this once per workspace).
        workspace_delete(workspace=obj, actor=Actor.for_user(request.user))

    def get_deleted_objects(self, objs, request):
        """Counts instead of Django's page listing every run, step and event (which could be millions).

        It also asks for no delete permission on runs and their details: those
        admins are read-only on purpose, yet deleting a workspace must take them.
        """
        workspaces = str(Workspace._meta.verbose_name_plural)
        totals: dict[str, int] = {workspaces: 0}
        summary = []
        for workspace in objs:
            counts = {name.replace("_", " "): count for name, count in workspace_contents(workspace).items() if count}
            summary.append(f"{workspace} ({', '.join(f'{n} {name}' for name, n in counts.items()) or 'empty'})")
            totals[workspaces] += 1
            for name, count in counts.items():
                totals[name] = totals.get(name, 0) + count
        return summary, totals, set(), []

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, obj: WithAnnotations[Workspace, MemberCount]) -> int:
        return obj.member_count


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "workspace__name", "workspace__slug"]
    list_select_related = ["user", "workspace"]
    autocomplete_fields = ["user", "workspace"]

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for membership in objs:
            if membership.role == Role.OWNER and _owners_left(membership.workspace, [(membership, None)]) == 0:
                protected.append(f"{membership} — {LastOwnerError.default_message}")
        return deleted, counts, perms_needed, protected


class APIKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = APIKey
        fields = ["workspace", "name", "scopes", "expires_at"]


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "prefix", "scopes", "created_by", "last_used_at", "expires_at", "state"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), ("expires_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "workspace__name", "workspace__slug"]
    list_select_related = ["workspace", "created_by"]
    autocomplete_fields = ["workspace"]
    actions = ["revoke_selected"]
    readonly_fields = ["workspace", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = APIKeyCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "name", "expires_at"]

    def get_fields(self, request, obj=None):
        return ["workspace", "name", "scopes", "expires_at"] if obj is None else super().get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # keys are created and revoked, never edited

    def save_model(self, request, obj, form, change):
        key, plaintext = apikey_create(
            workspace=form.cleaned_data["workspace"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"),
            actor=Actor.for_user(request.user),
        )
        obj.pk = key.pk
        messages.warning(request, f"Copy the key now; it is not stored and will not be shown again: {plaintext}")

    @admin.display(description="State")
    def state(self, obj: APIKey) -> str:
        if obj.revoked_at:
            return "revoked"
        return "active" if obj.is_active else "expired"

    @admin.action(description="Revoke selected API keys")
    def revoke_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        revoked = sum(apikey_revoke(key=key, actor=actor) for key in queryset)
        self.message_user(request, f"Revoked {revoked} key(s).", messages.SUCCESS)
