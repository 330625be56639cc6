"""Who may see and manage a tenant's people through the API: the roles with membership permissions."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from identity_ops.wiring import tenants
from nexus.core.api.permissions import is_person


class ManagesMembers(BasePermission):
    """Reading needs the permission to view the tenant's memberships, anything else to manage them.

    Answered from the caller's role in the request's tenant (the tenant-aware backend), so an
    administrator here is nobody in another tenant.
    """

    message = "Only the tenant's administrators may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        view_perm, manage_perm = tenants().membership_permissions()
        if request.method in SAFE_METHODS:
            return bool(user.has_perm(view_perm))
        # Changing who belongs to a tenant is a person's act, never an integration's.
        return is_person(user) and bool(user.has_perm(manage_perm))


class PlatformOperators(BasePermission):
    """People's accounts are the platform operators' business."""

    message = "Only platform operators may manage people's accounts."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and user.is_active and getattr(user, "is_platform_operator", False)
        )
