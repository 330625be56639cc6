"""Admin screens of a tenant's identity records: shown to whoever sees the tenant's members."""

from typing import Any

from django.http import HttpRequest
from unfold.admin import ModelAdmin

from identity_ops.wiring import tenants
from nexus.core.scope import current_tenant_id


class MembershipRightsAdmin(ModelAdmin):
    """Visible with the permission to view memberships, changed with the one to manage them.

    Tenant-scoped rows: nothing is shown without a selected tenant (operators pick one with the
    switcher). Deleting is never offered: these records are the tenant's history.
    """

    def _allowed(self, request: HttpRequest, *, manage: bool) -> bool:
        user = request.user
        if current_tenant_id() is None or not user.is_authenticated:
            return False
        view_perm, manage_perm = tenants().membership_permissions()
        return bool(user.has_perm(manage_perm if manage else view_perm))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, manage=False)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, manage=False)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, manage=True)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, manage=True)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
