"""Permission classes of the API kernel."""

from typing import Any

from rest_framework.permissions import BasePermission, DjangoModelPermissions


class TenantModelPermissions(DjangoModelPermissions):
    """Django model permissions, reading included, answered from the caller's role in the tenant.

    ``user.has_perm`` goes through the authentication backends; the tenant-aware backend
    answers from the role of the caller's active membership in the current tenant, which the
    base view has selected before permissions are checked.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


def is_person(user: Any) -> bool:
    """A signed-in person: an account with a row, not a service token's principal (which has none)."""
    return bool(user and user.is_authenticated and getattr(user, "pk", None) is not None)


class IsPerson(BasePermission):
    """The caller is a person: what the view answers or changes belongs to a person's own account.

    A service token acts for an integration in one tenant; it has no inbox, login, password or
    second factor, so it gets 403 ``person_required`` here (401 without any credentials).
    """

    message = "Only a signed-in person can do this; a service token cannot."
    code = "person_required"

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_person(request.user)
