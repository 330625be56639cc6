"""Who may act in which tenant: the membership checks behind the middleware, resolver, backend and admin.

A person acts in a tenant only through an **active** membership in an **active** tenant; a
suspended tenant's members cannot select it, though its data stays. The role of that
membership is remembered on the user object per tenant (as Django's model backend caches
permissions), and the middleware and the API resolver refresh it at the start of each request.
"""

from typing import Any

from django.db.models import QuerySet

from .models import Membership, MembershipStatus, TenantStatus
from .roles import STAFF_ROLES

# The session key holding the selected tenant's id (admin switcher, API fallback).
SELECTED_TENANT_SESSION_KEY = "nexus_tenant_id"

_ROLE_CACHE = "_nexus_tenant_roles"


def usable_memberships(user: Any) -> QuerySet[Membership]:
    """The user's active memberships in active tenants, with their tenants, by tenant name."""
    return (
        Membership.objects.filter(
            user_id=user.pk,
            status=MembershipStatus.ACTIVE,
            tenant__status=TenantStatus.ACTIVE,
        )
        .select_related("tenant")
        .order_by("tenant__name", "tenant_id")
    )


def active_membership(user: Any, tenant_id: int) -> Membership | None:
    """The user's active membership in the tenant, or None (none, not active, tenant suspended).

    Remembers the answer on the user object for later permission checks in this request.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    membership = usable_memberships(user).filter(tenant_id=tenant_id).first()
    _roles(user)[tenant_id] = membership.role if membership else None
    return membership


def forget_roles(user: Any) -> None:
    """Drop the remembered roles (start of a request: memberships may have changed since)."""
    user.__dict__.pop(_ROLE_CACHE, None)


def role_in(user: Any, tenant_id: int) -> str | None:
    """The role of the user's active membership in the tenant (remembered), or None."""
    roles = _roles(user)
    if tenant_id in roles:
        return roles[tenant_id]
    # Read, not looked up again: the remembered roles may be dropped meanwhile (a new request
    # on another thread holding the same user object), and an inactive user is not remembered.
    membership = active_membership(user, tenant_id)
    return membership.role if membership else None


def admin_memberships(user: Any) -> list[Membership]:
    """The memberships through which the user may use the admin (staff roles, active, active tenant)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(usable_memberships(user).filter(role__in=STAFF_ROLES))


def may_use_admin_in(user: Any, tenant_id: int | None) -> bool:
    """Whether the admin admits the user in this tenant: operator, or a staff role there."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_platform_operator:
        return True
    return tenant_id is not None and role_in(user, tenant_id) in STAFF_ROLES


def _roles(user: Any) -> dict[int, str | None]:
    roles: dict[int, str | None] = user.__dict__.setdefault(_ROLE_CACHE, {})
    return roles
