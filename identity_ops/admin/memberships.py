"""Memberships in the admin: per tenant for its staff (all tenants for operators); role and lifecycle.

The change page edits only the role (the tenant keeps an active administrator); suspending,
reinstating and removing are buttons and change-list actions asking for a reason, each a
transition whose declared writes end the person's sessions in the tenant and tell them. Memberships
are never added or deleted here: people come in through invitations and sign-ups.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from unfold.admin import ModelAdmin

from identity_ops.wiring import membership_model, memberships
from identity_ops.workflows.lifecycle import MEMBERSHIP_TRANSITIONS, change_role
from nexus.core.admin.transitions import TransitionAdminMixin
from nexus.core.errors import NexusError
from nexus.core.models import TransitionLog
from nexus.core.scope import current_tenant_id
from nexus.core.stepup import has_recent_mfa, step_up_redirect

from .exposure import ExposedTransitionsMixin
from .history import history_of

Membership = membership_model()


def is_operator(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_platform_operator", False))


class MembershipRoleForm(forms.ModelForm):
    """Only the role is edited here; refuses demoting the tenant's last administrator."""

    class Meta:
        model = Membership
        fields = ("role",)

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        try:
            memberships().check_roles({self.instance.pk: role})
        except NexusError as error:
            raise forms.ValidationError(error.fields.get("role") or [error.detail]) from error
        return role


@admin.register(Membership)
class MembershipAdmin(ExposedTransitionsMixin, TransitionAdminMixin, ModelAdmin):
    form = MembershipRoleForm
    exposed_transitions = MEMBERSHIP_TRANSITIONS
    list_display = ("user_email", "user_name", "tenant", "role", "status", "created_at")
    list_filter = ("role", "status")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "tenant")
    ordering = ("user__email",)
    fields = ("user", "tenant", "role", "status", "created_at", "updated_at")
    readonly_fields = ("user", "tenant", "status", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if is_operator(request):
            return queryset
        # Memberships are global rows: tenant staff see only their tenant's, explicitly.
        return queryset.filter(tenant_id=current_tenant_id())

    def get_list_filter(self, request: HttpRequest) -> Any:
        return (*self.list_filter, "tenant") if is_operator(request) else self.list_filter

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, membership: Any) -> str:
        return str(membership.user.email)

    @admin.display(description="Name", ordering="user__full_name")
    def user_name(self, membership: Any) -> str:
        return str(membership.user.full_name)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Saving a role change needs a fresh second factor (step-up); looking at the page does not.
        if request.method == "POST" and not has_recent_mfa(request):
            return step_up_redirect(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        updated = change_role(obj.pk, obj.role, actor=request.user)
        obj.role = updated.role

    def transition_history(self, obj: Model) -> list[TransitionLog] | None:
        return history_of(obj, tenant_id=getattr(obj, "tenant_id", None), limit=self.transition_history_limit)
