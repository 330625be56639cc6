"""Who may call the login-security endpoints: people (not service tokens), tenant admins, operators."""

from typing import Any

from rest_framework.permissions import BasePermission

from nexus.accounts.models import User
from nexus.tenancy.access import role_in
from nexus.tenancy.models import Role


class IsPerson(BasePermission):
    """A logged-in person; a service token is not one (it cannot manage logins or factors)."""

    message = "Only a person can do this; a service token cannot."

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.user, User) and request.user.is_authenticated


class IsTenantAdmin(IsPerson):
    """A person with an active administrator membership in the request's tenant."""

    message = "Only an administrator of this tenant can do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        tenant = getattr(request, "tenant", None)
        return bool(
            super().has_permission(request, view)
            and tenant is not None
            and role_in(request.user, tenant.pk) == Role.ADMIN
        )


class IsPlatformOperator(IsPerson):
    message = "Only a platform operator can do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(super().has_permission(request, view) and request.user.is_platform_operator)
