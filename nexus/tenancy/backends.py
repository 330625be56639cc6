"""The tenant-aware permission backend: permissions come from the role in the current tenant."""

from typing import Any

from django.db.models import Model

from nexus.core.scope import current_tenant_id

from .access import role_in
from .roles import platform_operator_permissions, role_permissions


class TenantRoleBackend:
    """Answer ``has_perm`` from the role of the user's active membership in the current tenant.

    No tenant selected, a suspended tenant, or no active membership there: no tenant
    permissions. Platform operators also hold the platform permissions (``roles.py``) in any
    tenant or none. It authenticates nobody (``authenticate`` returns None) and grants nothing
    per object. ``is_superuser`` plays no part here.
    """

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        if obj is not None or not user_obj.is_authenticated or not user_obj.is_active:
            return set()
        permissions: set[str] = set()
        if user_obj.is_platform_operator:
            permissions |= platform_operator_permissions()
        tenant_id = current_tenant_id()
        if tenant_id is not None:
            role = role_in(user_obj, tenant_id)
            if role is not None:
                permissions |= role_permissions(role)
        return permissions

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        prefix = f"{app_label}."
        return any(name.startswith(prefix) for name in self.get_all_permissions(user_obj))
