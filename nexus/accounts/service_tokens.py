"""Service tokens for integrations: created by a tenant admin, bound to one tenant, scoped.

The scopes are permission names (``"inventory.view_product"``) and must lie within what the
creator's own role grants in that tenant. The authenticated principal (``ServicePrincipal``)
holds exactly those permissions, in that tenant only, and can never step up: an operation
guarded by step-up needs a person. Every use records ``last_used_at``, at most once a minute.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework import exceptions

from nexus.core.errors import InvalidInput, NotFound
from nexus.core.events import publish
from nexus.core.models.refs import ActorKind, ActorRef
from nexus.core.scope import current_tenant_id
from nexus.tenancy.access import role_in
from nexus.tenancy.roles import role_permissions

from .models import User
from .models_tokens import ServiceToken
from .token_bindings import vendor_exists, vendor_scopes

KEY_PREFIX = "svc_"
MAX_LIFETIME = dt.timedelta(days=366)


@dataclass(frozen=True)
class CreatedServiceToken:
    key: str  # shown once
    token: ServiceToken


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def grantable_scopes(user: User, tenant_id: int) -> frozenset[str]:
    """The permission names the person's role grants in the tenant: the most a token can hold."""
    role = role_in(user, tenant_id)
    return role_permissions(role) if role else frozenset()


def create_service_token(
    *,
    creator: User,
    tenant_id: int,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime | None,
    vendor_id: int | None = None,
) -> CreatedServiceToken:
    """Create a token for the tenant; raise ``InvalidInput`` for a blank name, scopes outside the
    creator's role, or an expiry in the past or more than a year ahead.

    ``vendor_id`` binds it to one vendor of the tenant; its scopes must then be among those
    offered to vendors (``token_bindings``)."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ["Give the token a name that says which integration uses it."]
    chosen = sorted(set(scopes))
    allowed = grantable_scopes(creator, tenant_id)
    beyond = [scope for scope in chosen if scope not in allowed]
    if not chosen:
        errors["scopes"] = ["Choose at least one permission."]
    elif beyond:
        errors["scopes"] = [
            f"{scope!r} is not a permission your role grants in this tenant." for scope in beyond
        ]
    if vendor_id is not None:
        errors.update(_vendor_binding_errors(tenant_id, vendor_id, chosen))
    now = timezone.now()
    if expires_at is not None and not now < expires_at <= now + MAX_LIFETIME:
        errors["expires_at"] = ["Choose an expiry in the future, at most a year ahead."]
    if errors:
        raise InvalidInput(fields=errors)
    key = f"{KEY_PREFIX}{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ServiceToken.objects.create(
            tenant_id=tenant_id,
            name=name[:100],
            digest=digest(key),
            key_prefix=key[:8],
            scopes=chosen,
            created_by=creator,
            expires_at=expires_at,
            vendor_id=vendor_id,
        )
        publish(
            "accounts.service_token_created",
            {
                "token_id": token.pk,
                "name": token.name,
                "scopes": chosen,
                "created_by": creator.pk,
                "expires_at": expires_at,
            },
            tenant_id=tenant_id,
        )
    return CreatedServiceToken(key, token)


def _vendor_binding_errors(tenant_id: int, vendor_id: int, scopes: list[str]) -> dict[str, list[str]]:
    if not vendor_exists(tenant_id, vendor_id):
        return {"vendor": [f"Vendor {vendor_id} does not exist in this tenant."]}
    offered = vendor_scopes()
    beyond = [scope for scope in scopes if scope not in offered]
    if beyond:
        return {"scopes": [f"{scope!r} is not offered to a vendor's integration." for scope in beyond]}
    return {}


def tenant_service_tokens(tenant_id: int, *, include_revoked: bool = False) -> QuerySet[ServiceToken]:
    tokens = ServiceToken.objects.filter(tenant_id=tenant_id).select_related("created_by", "revoked_by")
    return tokens if include_revoked else tokens.filter(revoked_at__isnull=True)


def revoke_service_token(token_id: int, *, tenant_id: int, revoked_by: User) -> ServiceToken:
    """Revoke a token of the tenant (another tenant's token is not found)."""
    with transaction.atomic():
        token = ServiceToken.objects.select_for_update().filter(pk=token_id, tenant_id=tenant_id).first()
        if token is None:
            raise NotFound("No such service token in this tenant.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = revoked_by
            token.save(update_fields=["revoked_at", "revoked_by"])
            publish(
                "accounts.token_revoked",
                {
                    "user_id": revoked_by.pk,
                    "token_ids": [token.pk],
                    "family_ids": [],
                    "reason": "service_token_revoked",
                    "revoked_by": revoked_by.pk,
                },
                tenant_id=tenant_id,
            )
    return token


def find_live_service_token(key: str, *, now: dt.datetime | None = None) -> ServiceToken | None:
    now = now or timezone.now()
    return (
        ServiceToken.objects.select_related("tenant")
        .filter(digest=digest(key), revoked_at__isnull=True, suspended_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )


def touch(token: ServiceToken, *, now: dt.datetime | None = None) -> None:
    """Record a use, at most once a minute: one conditional UPDATE, skipped within the minute."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=1)
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    ServiceToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
    ).update(last_used_at=now)


class ServicePrincipal:
    """Who a request authenticated with a service token is: the token's scopes, in its tenant.

    Not a person: no memberships, no platform authority, no admin, never a step-up.
    ``bound_tenant_id`` tells the tenant resolver the only tenant it may act in;
    ``bound_vendor_id`` (None: none) the only vendor whose documents it may act on, and then it
    holds only the scopes offered to vendors.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_platform_operator = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, token: ServiceToken) -> None:
        self.token = token
        self.bound_tenant_id = token.tenant_id
        self.bound_vendor_id = token.vendor_id
        scopes = frozenset(token.scopes)
        self._scopes = scopes if token.vendor_id is None else scopes & vendor_scopes()

    def __str__(self) -> str:
        return f"service token {self.token.name}"

    @property
    def actor_ref(self) -> ActorRef:
        return ActorRef(ActorKind.SERVICE_TOKEN, str(self.token.pk), str(self)[:255])

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        if obj is not None or current_tenant_id() != self.bound_tenant_id:
            return set()
        return set(self._scopes)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(obj)

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perms)

    def has_module_perms(self, app_label: str) -> bool:
        return any(name.startswith(f"{app_label}.") for name in self.get_all_permissions())


def authenticate_service_token(key: str) -> tuple[ServicePrincipal, ServiceToken] | None:
    """The principal of a live service token (None: no such token — perhaps a login token's key).

    Raises ``AuthenticationFailed`` when its tenant is suspended.
    """
    token = find_live_service_token(key)
    if token is None:
        return None
    if not token.tenant.is_active:
        raise exceptions.AuthenticationFailed("The token is invalid, expired or revoked.")
    touch(token)
    return ServicePrincipal(token), token
