"""Who may call the login-security endpoints: people (not service tokens), tenant admins, operators."""

from typing import Any

from rest_framework.permissions import BasePermission

from nexus.core.api.permissions import is_person
from nexus.tenancy.access import role_in
from nexus.tenancy.models import Role


class IsTenantAdmin(BasePermission):
    """A person with an active administrator membership in the request's tenant."""

    message = "Only an administrator of this tenant can do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        tenant = getattr(request, "tenant", None)
        return bool(
            is_person(request.user) and tenant is not None and role_in(request.user, tenant.pk) == Role.ADMIN
        )


class IsPlatformOperator(BasePermission):
    message = "Only a platform operator can do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(is_person(request.user) and request.user.is_platform_operator)
