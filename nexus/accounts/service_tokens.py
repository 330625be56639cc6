"""Service tokens for integrations: created by a tenant admin, bound to one tenant, scoped.

The creator chooses named scopes (``"stock:read"``, ``"orders:write"``: ``token_scopes``) or,
for an exact fit, permission names (``"inventory.view_product"``); the token holds the
permissions they stand for that the creator's own role grants in that tenant, never one that
writes audit records. The authenticated principal (``ServicePrincipal``) holds exactly those
permissions, in that tenant only, and can never step up: an operation guarded by step-up needs a
person. Every use records ``last_used_at``, at most once a minute.
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
from .token_scopes import SCOPES_BY_KEY, TOKEN_SCOPES, TokenScope, audit_writing_permissions, holdable

KEY_PREFIX = "svc_"
MAX_LIFETIME = dt.timedelta(days=366)


@dataclass(frozen=True)
class CreatedServiceToken:
    key: str  # shown once
    token: ServiceToken


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def grantable_scopes(user: User, tenant_id: int) -> frozenset[str]:
    """The permission names the person's role grants in the tenant, less those that write audit
    records: the most a token can hold."""
    role = role_in(user, tenant_id)
    return holdable(role_permissions(role)) if role else frozenset()


def offered_scopes(user: User, tenant_id: int) -> list[TokenScope]:
    """The named scopes that give a token something within the person's role in the tenant."""
    allowed = grantable_scopes(user, tenant_id)
    return [scope for scope in TOKEN_SCOPES if scope.permissions & allowed]


def _token_permissions(chosen: list[str], allowed: frozenset[str]) -> tuple[list[str], list[str]]:
    """The permissions the chosen scopes give within ``allowed``, and what is refused, in words."""
    held: set[str] = set()
    refused: list[str] = []
    never = audit_writing_permissions()
    for name in chosen:
        named = SCOPES_BY_KEY.get(name)
        if named is not None:
            within = named.permissions & allowed
            if within:
                held |= within
            else:
                refused.append(f"{name!r} ({named.label}) gives nothing your role grants in this tenant.")
        elif name in never:
            refused.append(f"{name!r} changes audit records; no service token may hold it.")
        elif name in allowed:
            held.add(name)
        else:
            refused.append(f"{name!r} is not a permission your role grants in this tenant.")
    return sorted(holdable(held)), refused


def create_service_token(
    *,
    creator: User,
    tenant_id: int,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime | None,
    vendor_id: int | None = None,
) -> CreatedServiceToken:
    """Create a token for the tenant holding what ``scopes`` (named scopes or permission names)
    give within the creator's role; raise ``InvalidInput`` for a blank name, a scope giving
    nothing within that role, a permission outside it or one that writes audit records, or an
    expiry in the past or more than a year ahead.

    ``vendor_id`` binds it to one vendor of the tenant; the permissions it holds must then be
    among those offered to vendors (``token_bindings``)."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ["Give the token a name that says which integration uses it."]
    chosen = sorted(set(scopes))
    permissions, refused = _token_permissions(chosen, grantable_scopes(creator, tenant_id))
    if not chosen:
        errors["scopes"] = ["Choose at least one scope."]
    elif refused:
        errors["scopes"] = refused
    if vendor_id is not None:
        errors.update(_vendor_binding_errors(tenant_id, vendor_id, permissions))
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
            scopes=permissions,
            created_by=creator,
            expires_at=expires_at,
            vendor_id=vendor_id,
        )
        publish(
            "accounts.service_token_created",
            {
                "token_id": token.pk,
                "name": token.name,
                "scopes": permissions,
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
        # Whatever a token was given, it never writes audit records.
        scopes = holdable(frozenset(token.scopes))
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
