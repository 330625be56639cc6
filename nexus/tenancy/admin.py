"""Admin for tenants (platform operators).

Memberships are administered with their lifecycle by identity operations (``identity_ops.admin``).
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from nexus.core.admin.navigation import Group, register_screen
from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef

from .models import MembershipStatus, Tenant
from .services import reactivate_tenant, suspend_tenant


def _is_operator(request: HttpRequest) -> bool:
    return bool(
        request.user.is_authenticated and request.user.is_active and request.user.is_platform_operator
    )


@admin.register(Tenant)
class TenantAdmin(ModelAdmin):
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


register_screen(Group.PEOPLE_AND_ACCESS, model=Tenant, icon="domain", order=50)
