"""Admin for tenants (platform operators) and memberships (per tenant: viewing and role editing)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef
from nexus.core.scope import current_tenant_id

from .models import Membership, MembershipStatus, Tenant
from .services import change_member_role, check_role_change, reactivate_tenant, suspend_tenant


def _is_operator(request: HttpRequest) -> bool:
    return bool(
        request.user.is_authenticated and request.user.is_active and request.user.is_platform_operator
    )


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    """Tenants are the platform operators' business; tenant staff never see this list."""

    list_display = ("name", "slug", "status", "default_currency", "time_zone", "active_members", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "slug")
    ordering = ("name",)
    readonly_fields = ("status", "created_at")
    fields = ("name", "slug", "status", "default_currency", "time_zone", "policies", "created_at")
    actions = ("suspend_selected", "reactivate_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tenant]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _active_members=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
            )
        )

    @admin.display(description="Active members", ordering="_active_members")
    def active_members(self, tenant: Any) -> int:
        return int(tenant._active_members)

    def get_readonly_fields(self, request: HttpRequest, obj: Tenant | None = None) -> Any:
        # The slug is the tenants' address in X-Tenant headers: fixed once clients use it.
        return (*self.readonly_fields, "slug") if obj is not None else self.readonly_fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_operator(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_operator(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a tenant is suspended, never deleted: its data stays

    @admin.action(description="Suspend selected tenants (members lose access; data stays)")
    def suspend_selected(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._move(request, queryset, suspend_tenant, "suspended")

    @admin.action(description="Reactivate selected tenants")
    def reactivate_selected(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._move(request, queryset, reactivate_tenant, "reactivated")

    def _move(self, request: HttpRequest, queryset: QuerySet[Tenant], move: Any, verb: str) -> None:
        actor = ActorRef.for_user(request.user)
        done, failures = [], []
        for tenant in queryset.order_by("pk"):
            try:
                move(tenant.pk, actor=actor)
                done.append(tenant.name)
            except NexusError as error:
                failures.append(error.detail)
        if done:
            self.message_user(request, f"{len(done)} tenant(s) {verb}: {', '.join(done)}.", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.WARNING)


class MembershipRoleForm(forms.ModelForm):
    """Only the role is edited here; refuses demoting the tenant's last administrator."""

    class Meta:
        model = Membership
        fields = ("role",)

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        try:
            check_role_change(Membership.objects.get(pk=self.instance.pk), role)
        except NexusError as error:
            raise forms.ValidationError(error.fields.get("role") or [error.detail]) from error
        return role


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships of the current tenant (all tenants for operators): view, filter, change role.

    Invitations, suspension and removal belong to the membership lifecycle of identity
    operations; this screen adds and deletes nothing. An edit-auditing mixin goes first in the
    bases; role changes already leave an audit event through ``change_member_role``.
    """

    form = MembershipRoleForm
    list_display = ("user_email", "user_name", "tenant", "role", "status", "created_at")
    list_filter = ("role", "status")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "tenant")
    ordering = ("user__email",)
    fields = ("user", "tenant", "role", "status", "created_at", "updated_at")
    readonly_fields = ("user", "tenant", "status", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        queryset = super().get_queryset(request)
        if _is_operator(request):
            return queryset
        # Memberships are global rows: tenant staff see only their tenant's, explicitly.
        return queryset.filter(tenant_id=current_tenant_id())

    def get_list_filter(self, request: HttpRequest) -> Any:
        return (*self.list_filter, "tenant") if _is_operator(request) else self.list_filter

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, membership: Membership) -> str:
        return membership.user.email

    @admin.display(description="Name", ordering="user__full_name")
    def user_name(self, membership: Membership) -> str:
        return membership.user.full_name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        updated = change_member_role(obj.pk, obj.role, actor=ActorRef.for_user(request.user))
        obj.role, obj.updated_at = updated.role, updated.updated_at
