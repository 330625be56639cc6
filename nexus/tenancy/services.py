"""Operations on tenants and memberships, called by commands, the admin and the demo loader.

Each opens its transaction, locks what it decides from, and appends an audit event. Bad input
raises ``InvalidInput`` with per-field messages and changes nothing.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from nexus.accounts.models import User
from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput, NotFound, TransitionNotAllowed
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.transitions import TransitionChange, perform_transition

from .models import (
    LAST_ADMINISTRATOR,
    Membership,
    MembershipStatus,
    Role,
    Tenant,
    TenantStatus,
    last_administrator_message,
)


def _invalid(error: ValidationError) -> InvalidInput:
    return InvalidInput(fields=error.message_dict)


def create_tenant(
    *, name: str, slug: str, default_currency: str = "USD", time_zone: str = "UTC", actor: ActorRef
) -> Tenant:
    """Create an active tenant; raise ``InvalidInput`` for a bad or taken slug, currency or zone."""
    tenant = Tenant(
        name=name.strip(), slug=slug.strip(), default_currency=default_currency.strip(), time_zone=time_zone
    )
    try:
        tenant.full_clean()
    except ValidationError as error:
        raise _invalid(error) from error
    try:
        with transaction.atomic():
            tenant.save()
            record_event(
                "tenancy.tenant_created",
                actor=actor,
                obj=ObjectRef.for_instance(tenant),
                data={
                    "slug": tenant.slug,
                    "currency": tenant.default_currency,
                    "time_zone": tenant.time_zone,
                },
                tenant_id=tenant.pk,
            )
    except IntegrityError as error:  # the same slug created concurrently
        raise InvalidInput(fields={"slug": ["A tenant with this slug already exists."]}) from error
    return tenant


def suspend_tenant(tenant_id: int, *, actor: ActorRef) -> Tenant:
    """Suspend a tenant: its members can no longer select it; its data stays intact."""
    return _move_tenant(tenant_id, "suspend", "tenancy.tenant_suspended", actor)


def reactivate_tenant(tenant_id: int, *, actor: ActorRef) -> Tenant:
    """Let a suspended tenant's members in again."""
    return _move_tenant(tenant_id, "reactivate", "tenancy.tenant_reactivated", actor)


def _move_tenant(tenant_id: int, transition: str, action: str, actor: ActorRef) -> Tenant:
    """The tenant's transition, with the event in the tenant's own chain that operators look for."""
    origin = {"suspend": TenantStatus.ACTIVE, "reactivate": TenantStatus.SUSPENDED}[transition]

    def record(change: TransitionChange) -> None:
        locked: Tenant = change.instance
        record_event(
            action,
            actor=actor,
            obj=ObjectRef.for_instance(locked),
            data={"from": origin, "to": locked.status},
            tenant_id=locked.pk,
        )

    try:
        moved: Tenant = perform_transition(
            (Tenant, tenant_id), transition, actor=actor, writes=record
        ).instance
    except TransitionNotAllowed as error:
        tenant = Tenant.objects.get(pk=tenant_id)
        raise TransitionNotAllowed(
            f"The tenant {tenant.name} is {tenant.get_status_display().lower()}."
        ) from error
    return moved


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    created_user: bool
    created_membership: bool
    # Set only when a new account got a generated password: shown once, stored nowhere.
    generated_password: str | None
    previous_role: str | None  # when an existing membership changed role


def add_member(
    *,
    email: str,
    tenant_slug: str,
    role: str,
    actor: ActorRef,
    password: str | None = None,
    full_name: str = "",
) -> MemberAdded:
    """Give a person an active membership with ``role``; create the account when it is missing.

    An existing active membership takes the new role; an invited, suspended or removed one is
    refused (its lifecycle belongs to identity operations). A new account gets ``password`` or
    a generated one, returned once.
    """
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}."]
    tenant = Tenant.objects.filter(slug=tenant_slug).first()
    if tenant is None:
        errors["tenant"] = [f"No tenant has the slug {tenant_slug!r}."]
    elif tenant.status != TenantStatus.ACTIVE:
        errors["tenant"] = [f"The tenant {tenant.name} is suspended; reactivate it first."]
    try:
        validate_email(email)
    except ValidationError as error:
        errors["email"] = list(error.messages)
    if errors:
        raise InvalidInput(fields=errors)
    assert tenant is not None

    with transaction.atomic():
        user = User.objects.by_address(email)
        generated = None
        created_user = user is None
        if user is None:
            if password is None:
                generated = password = secrets.token_urlsafe(12)
            try:
                validate_password(password, User(email=email, full_name=full_name))
            except ValidationError as error:
                raise InvalidInput(fields={"password": list(error.messages)}) from error
            user = User.objects.create_user(email, password, full_name=full_name)
        membership = Membership.objects.select_for_update().filter(user=user, tenant=tenant).first()
        previous_role = None
        created_membership = membership is None
        if membership is None:
            membership = Membership.objects.create(
                user=user, tenant=tenant, role=role, status=MembershipStatus.ACTIVE
            )
            record_event(
                "tenancy.member_added",
                actor=actor,
                obj=ObjectRef.for_instance(membership),
                data={"user_id": user.pk, "role": role},
                tenant_id=tenant.pk,
            )
        elif membership.status != MembershipStatus.ACTIVE:
            raise InvalidInput(
                fields={
                    "email": [
                        f"{user.email} already has a {membership.get_status_display().lower()} membership "
                        f"in {tenant.name}; change it through the membership's lifecycle."
                    ]
                }
            )
        elif membership.role != role:
            previous_role = membership.role
            membership = change_member_role(membership.pk, role, actor=actor)
    return MemberAdded(membership, created_user, created_membership, generated, previous_role)


def check_role_change(membership: Membership, role: str) -> None:
    """Refuse an unknown role (``InvalidInput``), or demoting the tenant's last active administrator
    (``Conflict`` ``last_administrator``, the answer a suspension or removal gets too)."""
    if role not in Role.values:
        raise InvalidInput(fields={"role": [f"Unknown role {role!r}."]})
    if membership.role != Role.ADMIN or role == Role.ADMIN or membership.status != MembershipStatus.ACTIVE:
        return
    others = Membership.objects.filter(
        tenant_id=membership.tenant_id, role=Role.ADMIN, status=MembershipStatus.ACTIVE
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise Conflict(last_administrator_message(membership), code=LAST_ADMINISTRATOR)


def lock_administrators(membership_id: int) -> int:
    """Lock every administrator membership of the membership's tenant (by id); return the tenant id.

    Taken first by every change that could leave a tenant without an active administrator
    (demotion here; suspension and removal through the transition service, which takes it
    before the membership as ``TenancyConfig.ready`` declares), so that two of them can never
    both pass the check.
    Raises ``NotFound`` for an unknown membership.
    """
    tenant_id = Membership.objects.filter(pk=membership_id).values_list("tenant_id", flat=True).first()
    if tenant_id is None:
        raise NotFound(f"Membership {membership_id} does not exist.")
    list(
        Membership.objects.select_for_update()
        .filter(tenant_id=tenant_id, role=Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return tenant_id


def change_member_role(membership_id: int, role: str, *, actor: ActorRef) -> Membership:
    """Give a membership another role, keeping at least one active administrator per tenant."""
    with transaction.atomic():
        lock_administrators(membership_id)
        membership = (
            Membership.objects.select_for_update().select_related("tenant", "user").get(pk=membership_id)
        )
        if membership.role == role:
            return membership
        check_role_change(membership, role)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        record_event(
            "tenancy.member_role_changed",
            actor=actor,
            obj=ObjectRef.for_instance(membership),
            data={"user_id": membership.user_id, "from": previous, "to": role},
            tenant_id=membership.tenant_id,
        )
    return membership
