"""Permission classes of the API kernel."""

from rest_framework.permissions import DjangoModelPermissions


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
