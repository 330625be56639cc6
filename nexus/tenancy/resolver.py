"""The API's tenant resolver (``settings.NEXUS_TENANT_RESOLVER``), called by the kernel's base view."""

from django import forms
from django.core.exceptions import ValidationError
from rest_framework.request import Request

from nexus.core.errors import PermissionDenied

from .access import SELECTED_TENANT_SESSION_KEY, active_membership, forget_roles
from .models import Tenant, TenantStatus

TENANT_HEADER = "X-Tenant"
SLUG_FIELD = forms.SlugField(max_length=Tenant._meta.get_field("slug").max_length)


class TenantForbidden(PermissionDenied):
    code = "tenant_forbidden"
    default_detail = "You have no active membership in this tenant, or the tenant is suspended."


def resolve_api_tenant(request: Request) -> Tenant | None:
    """The tenant named by ``X-Tenant: <slug>``, else by the session's selection, else None.

    Raises ``TenantForbidden`` (403) when the caller has no active membership there or the
    tenant is suspended; an unknown slug gets the same answer, so that probing reveals nothing.
    A session selection that is no longer usable is dropped.
    """
    user = request.user
    slug = request.headers.get(TENANT_HEADER, "").strip()
    bound = getattr(user, "bound_tenant_id", None)
    if bound is not None:
        return _bound_tenant(bound, slug)
    forget_roles(user)
    if slug:
        tenant_id = _tenant_named(slug)
        membership = active_membership(user, tenant_id) if tenant_id is not None else None
        if membership is None:
            raise TenantForbidden(f"You cannot act in the tenant {slug!r}: {TenantForbidden.default_detail}")
        return membership.tenant
    session = getattr(request._request, "session", None)
    selected = session.get(SELECTED_TENANT_SESSION_KEY) if session is not None else None
    if selected is None:
        return None
    membership = active_membership(user, selected)
    if membership is None:
        del session[SELECTED_TENANT_SESSION_KEY]  # type: ignore[union-attr]
        raise TenantForbidden("The tenant selected in your session is no longer available to you.")
    return membership.tenant


def _tenant_named(slug: str) -> int | None:
    """The id of the tenant with this slug; None for an unknown one or anything that is no slug."""
    try:
        valid = SLUG_FIELD.clean(slug)
    except ValidationError:
        return None  # never sent to the database (a NUL character would break the query)
    tenant_id: int | None = Tenant.objects.filter(slug=valid).values_list("pk", flat=True).first()
    return tenant_id


def _bound_tenant(tenant_id: int, slug: str) -> Tenant:
    """The one tenant a credential is bound to (a service token); naming another is refused."""
    tenant = Tenant.objects.filter(pk=tenant_id, status=TenantStatus.ACTIVE).first()
    if tenant is None or (slug and slug != tenant.slug):
        raise TenantForbidden("This token works only in the tenant it was created for.")
    return tenant
