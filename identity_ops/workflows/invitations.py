"""Invitations: a tenant administrator invites someone by email; they accept with the link.

Inviting finds the person's account or creates it (pending verification, no usable password),
gives it an invited membership with the role, and emails a single-use link — all in one
transaction, the email after commit. Accepting proves the address: a new account sets its
password and becomes active through a registration that completes at once; an existing account
simply gets the membership (never a second account). Revoking or expiring withdraws what the
invitation created (the transitions' writes, declared in ``IdentityOpsConfig.ready``, so that the
admin, the API and the expiry task all run them). Resending issues a new link and a new period,
rate-limited.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from identity_ops.contracts.access import UNKNOWN_CLIENT, Client
from identity_ops.contracts.directory import Member, NewMember, NewPerson, Person, Tenant
from identity_ops.contracts.notifications import EMAIL, IN_APP, Message
from identity_ops.models import Invitation, InvitationStatus, Registration, RegistrationSource
from identity_ops.services import keys, limits, links, policies
from identity_ops.wiring import memberships, notifier, people, tenants
from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.transitions import TransitionChange, TransitionResult, perform_transition

from . import link_keys
from .registration import person_ref
from .withdrawal import withdraw

INVALID_LINK = "This invitation link is not valid: it was already used, revoked or replaced by a newer one."
EXPIRED_LINK = "This invitation has expired; ask the organisation to send it again."
NOT_YOURS = "This invitation is for another account: sign in as the person it was sent to."
RESENDS_PER_DAY = 5
RESEND_INTERVAL_SECONDS = 60
EXPIRY_BATCH = 200
# The transitions people perform from the admin and the API (the others belong to the flows).
INVITATION_TRANSITIONS = ("revoke",)

ACTIVE = "active"
SUSPENDED = "suspended"
INVITED = "invited"
REMOVED = "removed"
PENDING_VERIFICATION = "pending_verification"


@dataclass(frozen=True)
class InvitationLink:
    """What an invitation link offers, shown before it is used."""

    tenant_name: str
    email: str
    full_name: str  # as the inviter typed it, or the account's
    role: str  # its label
    user_id: int
    new_account: bool
    expires_at: dt.datetime


@dataclass(frozen=True)
class Accepted:
    invitation_id: int
    tenant_slug: str
    tenant_name: str
    email: str
    new_account: bool


def _require_manager(actor: Any) -> None:
    """Only whoever may manage the current tenant's memberships invites into it."""
    _view, manage = tenants().membership_permissions()
    if not actor.has_perm(manage):
        raise PermissionDenied(
            "Only an administrator of this tenant may invite people or change invitations."
        )


def _role_label(role: str) -> str:
    return next((r.label for r in tenants().roles() if r.value == role), role)


def invite(
    *, email: str, role: str, actor: Any, full_name: str = "", client: Client = UNKNOWN_CLIENT
) -> Invitation:
    """Invite ``email`` into the current tenant with ``role``; the invitation email leaves after commit.

    Raises ``PermissionDenied`` unless ``actor`` may manage the tenant's memberships, and
    ``InvalidInput`` (fields ``email``, ``role``) for a malformed address, an unknown role, an
    address already a member (or already invited), or an account that is suspended or closed.
    """
    tenant_id = scope.require_tenant_id()
    _require_manager(actor)
    address = email.strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(address)
    except ValidationError as error:
        errors["email"] = list(error.messages)
    if role not in {r.value for r in tenants().roles()}:
        errors["role"] = [
            f"Unknown role {role!r}; choose one of: {', '.join(r.value for r in tenants().roles())}."
        ]
    if errors:
        raise InvalidInput(fields=errors)
    tenant = tenants().by_id([tenant_id])[tenant_id]
    with transaction.atomic():
        person = people().by_email([address]).get(address)
        existing = (
            memberships().of_people([person.id], tenant_id=tenant_id).get(person.id) if person else None
        )
        _refuse_known(address, person, existing)
        created_user = created_membership = False
        if person is None:
            person = people().create_pending([NewPerson(email=address, full_name=full_name.strip())])[address]
            created_user = True
        if existing is None:
            member = memberships().create([NewMember(user_id=person.id, tenant_id=tenant_id, role=role)])[
                person.id
            ]
            created_membership = True
        else:  # a removed member, invited back
            memberships().move(
                [existing.id], "invite_again", actor=ActorRef.system("identity: invited again")
            )
            memberships().set_roles_quietly({existing.id: role})
            member = existing
        key = keys.new_key()
        link_keys.remember(keys.digest(key), tenant_id)
        invitation = Invitation.objects.create(
            email=person.email,
            full_name=full_name.strip(),
            role=role,
            invited_by_id=actor.pk,
            user_id=person.id,
            membership_id=member.id,
            created_user=created_user,
            created_membership=created_membership,
            token_digest=keys.digest(key),
            expires_at=timezone.now() + policies.invitation_period(tenant),
        )
        inviter = ActorRef.for_user(actor)
        record_event(
            "identity.invitation_created",
            actor=inviter,
            obj=ObjectRef.for_instance(invitation),
            data={
                "role": role,
                "user_id": person.id,
                "membership_id": member.id,
                "created_user": created_user,
                "created_membership": created_membership,
                "expires_at": invitation.expires_at,
            },
            personal={
                "email": person.email,
                "ip_address": client.ip_address,
                "user_agent": client.user_agent,
            },
        )
        publish(
            "identity.invitation_created",
            {
                "invitation_id": invitation.pk,
                "role": role,
                "invited_by": actor.pk,
                "expires_at": invitation.expires_at,
            },
        )
        _send(invitation, tenant, person, key, inviter_name=actor.get_full_name())
    return invitation


def _refuse_known(address: str, person: Person | None, member: Member | None) -> None:
    if person is not None and person.status not in (ACTIVE, PENDING_VERIFICATION):
        message = (
            f"The account {person.email} is suspended or closed; a platform operator must reopen it first."
        )
        raise InvalidInput(message, fields={"email": [message]})
    if member is None or member.status == REMOVED:
        return
    if member.status == INVITED:
        message = (
            f"{address} already has a pending invitation or sign-up here; send that invitation again instead."
        )
    else:
        message = f"{address} is already a member of this tenant."
    raise InvalidInput(message, fields={"email": [message]})


def _send(invitation: Invitation, tenant: Tenant, person: Person, key: str, *, inviter_name: str) -> None:
    # An account in use also sees it in the app; a new one has no inbox to look at yet.
    channels = (EMAIL, IN_APP) if person.status == ACTIVE else (EMAIL,)
    notifier().send(
        [
            Message(
                recipient_id=person.id,
                template="invitation",
                context={
                    "link": links.link(links.ACCEPT_INVITATION, key),
                    "tenant_name": tenant.name,
                    "role": _role_label(invitation.role),
                    "inviter": inviter_name,
                    "new_account": person.status == PENDING_VERIFICATION,
                    "expires_at": f"{invitation.expires_at:%Y-%m-%d %H:%M}",
                },
                tenant_id=tenant.id,
                channels=channels,
            )
        ]
    )


def describe_invitation(key: str) -> InvitationLink:
    """What the invitation whose link has ``key`` offers, without using the link up.

    Opening a link must not spend it (mail scanners open links), so this only reads. Raises
    ``InvalidInput`` (field ``token``) for a link that ``accept_invitation`` would refuse as such.
    """
    invitation_id, tenant_id = link_keys.locate(Invitation, key, invalid=INVALID_LINK)
    with scope.tenant(tenant_id):
        invitation = Invitation.objects.get(pk=invitation_id)
        link_keys.require_usable(
            invitation, pending=InvitationStatus.PENDING, invalid=INVALID_LINK, expired=EXPIRED_LINK
        )
        assert invitation.user_id is not None
        person = people().by_id([invitation.user_id])[invitation.user_id]
        tenant = tenants().by_id([tenant_id])[tenant_id]
    return InvitationLink(
        tenant_name=tenant.name,
        email=person.email,
        full_name=invitation.full_name or person.full_name,
        role=_role_label(invitation.role),
        user_id=person.id,
        new_account=person.status == PENDING_VERIFICATION,
        expires_at=invitation.expires_at,
    )


def accept_invitation(
    key: str,
    *,
    password: str = "",
    full_name: str = "",
    as_person: int | None = None,
    client: Client = UNKNOWN_CLIENT,
) -> Accepted:
    """Accept the invitation whose link has ``key``.

    A new account (still pending verification) needs ``password``, checked by the validators;
    it becomes active through a registration completed at once, since the link proves the
    address. An account already in use joins with its existing password (``password`` is
    ignored). With ``as_person`` (the person signed in), the invitation must be theirs.
    Raises ``InvalidInput`` (fields ``token``, ``password``) otherwise.
    """
    invitation_id, tenant_id = link_keys.locate(Invitation, key, invalid=INVALID_LINK)
    with scope.tenant(tenant_id), transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        link_keys.require_usable(
            invitation, pending=InvitationStatus.PENDING, invalid=INVALID_LINK, expired=EXPIRED_LINK
        )
        assert invitation.user_id is not None
        if as_person is not None and invitation.user_id != as_person:
            raise InvalidInput(NOT_YOURS, fields={"token": [NOT_YOURS]})
        person = people().by_id([invitation.user_id])[invitation.user_id]
        tenant = tenants().by_id([tenant_id])[tenant_id]
        new_account = person.status == PENDING_VERIFICATION
        if new_account:
            name = full_name.strip() or invitation.full_name or person.full_name
            problems = people().password_problems(password, email=person.email, full_name=name)
            if problems:
                raise InvalidInput(fields={"password": problems})
            people().set_credentials({person.id: (password, name)})
        elif person.status != ACTIVE:
            message = "This account is suspended or closed, so it cannot join; contact the organisation."
            raise InvalidInput(message, fields={"token": [message]})
        perform_transition(
            invitation,
            "accept",
            actor=person_ref(person),
            writes=lambda change: _join(change.instance, person, tenant, new_account, client),
        )
    return Accepted(
        invitation_id=invitation_id,
        tenant_slug=tenant.slug,
        tenant_name=tenant.name,
        email=person.email,
        new_account=new_account,
    )


def _join(invitation: Invitation, person: Person, tenant: Tenant, new_account: bool, client: Client) -> None:
    cause = ActorRef.system(f"invitation {invitation.pk} accepted")
    membership_id = invitation.membership_id
    member = memberships().by_id([membership_id]).get(membership_id) if membership_id else None
    if member is None or member.status != INVITED:
        message = "This invitation was withdrawn by the organisation."
        raise InvalidInput(message, fields={"token": [message]})
    if new_account:
        _register(invitation, person, member, cause, client)
    else:
        memberships().move([member.id], "activate", actor=cause)
    record_event(
        "identity.invitation_accepted",
        actor=person_ref(person),
        obj=ObjectRef.for_instance(invitation),
        data={"user_id": person.id, "membership_id": member.id, "new_account": new_account},
        personal={"ip_address": client.ip_address, "user_agent": client.user_agent},
    )
    notifier().send(
        [
            Message(
                recipient_id=person.id,
                template="welcome",
                context={"login_url": links.link(links.LOG_IN)},
                tenant_id=tenant.id,
            )
        ]
    )


def _register(
    invitation: Invitation, person: Person, member: Member, cause: ActorRef, client: Client
) -> None:
    """The registration of a new account: started and, since the link proved the address, completed."""
    registration = Registration.objects.create(
        idempotency_key=f"invitation-{invitation.pk}",
        source=RegistrationSource.INVITATION,
        invitation=invitation,
        email=person.email,
        full_name=invitation.full_name,
        role=member.role,
        user_id=person.id,
        membership_id=member.id,
        created_user=invitation.created_user,
        created_membership=invitation.created_membership,
        expires_at=invitation.expires_at,
    )
    record_event(
        "identity.registration_started",
        actor=person_ref(person),
        obj=ObjectRef.for_instance(registration),
        data={
            "source": registration.source,
            "invitation_id": invitation.pk,
            "user_id": person.id,
            "membership_id": member.id,
            "role": member.role,
        },
        personal={"email": person.email, "ip_address": client.ip_address, "user_agent": client.user_agent},
    )
    publish(
        "identity.registration_started",
        {
            "registration_id": registration.pk,
            "user_id": person.id,
            "invitation_id": invitation.pk,
            "role": member.role,
        },
    )

    def activate(change: TransitionChange) -> None:
        people().move([person.id], "activate", actor=cause)
        memberships().move([member.id], "activate", actor=cause)

    perform_transition(registration, "complete", actor=person_ref(person), writes=activate)


def revoke_invitation(
    invitation_id: int, *, actor: Any, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Revoke a pending invitation of the current tenant and withdraw what it created.

    Raises ``PermissionDenied``, ``TransitionNotAllowed`` (not pending) and the service's other refusals.
    """
    return perform_transition(
        (Invitation, invitation_id), "revoke", actor=actor, reason=reason, idempotency_key=idempotency_key
    )


def withdraw_revoked(change: TransitionChange) -> None:
    """The writes of ``revoke``: what the invitation created is withdrawn, and the revocation published."""
    invitation: Invitation = change.instance
    _withdraw(invitation, change.actor_ref, cause=f"invitation {invitation.pk} revoked")
    # Revoking needs a person's permission, so the actor is a user.
    publish(
        "identity.invitation_revoked",
        {"invitation_id": invitation.pk, "revoked_by": int(change.actor_ref.id)},
    )


def withdraw_expired(change: TransitionChange) -> None:
    """The writes of an invitation's ``expire``: what it created is withdrawn."""
    invitation: Invitation = change.instance
    _withdraw(invitation, change.actor_ref, cause=f"invitation {invitation.pk} expired")


def _withdraw(invitation: Invitation, by: ActorRef, *, cause: str) -> None:
    withdrawn = withdraw(
        tenant_id=invitation.tenant_id,
        user_id=invitation.user_id,
        membership_id=invitation.membership_id,
        created_membership=invitation.created_membership,
        actor=by,
        cause=cause,
        also_erase=ObjectRef.for_instance(invitation),
    )
    if withdrawn.membership_deleted:
        invitation.membership_id = None
    if withdrawn.account_deleted:
        invitation.user_id = None


def resend_invitation(invitation_id: int, *, actor: Any) -> Invitation:
    """Email a pending invitation again with a new link and a new period; the old link stops working.

    Raises ``PermissionDenied``, ``Conflict`` (409) when it is not pending, ``Throttled`` (429)
    within a minute of the last sending or past the daily limit.
    """
    _require_manager(actor)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None:
            raise NotFound(f"Invitation {invitation_id} does not exist.")
        if invitation.status != InvitationStatus.PENDING or invitation.user_id is None:
            state = invitation.get_status_display().lower()
            raise Conflict(f"Only a pending invitation can be sent again; this one is {state}.")
        limits.require(
            "resend_invitation_now",
            str(invitation.pk),
            limit=1,
            window_seconds=RESEND_INTERVAL_SECONDS,
            what="send this invitation again",
        )
        limits.require(
            "resend_invitation",
            str(invitation.pk),
            limit=RESENDS_PER_DAY,
            window_seconds=86400,
            what="send this invitation again",
        )
        tenant = tenants().by_id([invitation.tenant_id])[invitation.tenant_id]
        person = people().by_id([invitation.user_id])[invitation.user_id]
        key = keys.new_key()
        link_keys.remember(keys.digest(key), invitation.tenant_id, replacing=invitation.token_digest)
        invitation.token_digest = keys.digest(key)
        invitation.expires_at = timezone.now() + policies.invitation_period(tenant)
        invitation.sent_count += 1
        invitation.last_sent_at = timezone.now()
        invitation.save(
            update_fields=["token_digest", "expires_at", "sent_count", "last_sent_at", "updated_at"]
        )
        record_event(
            "identity.invitation_resent",
            actor=ActorRef.for_user(actor),
            obj=ObjectRef.for_instance(invitation),
            data={"sent_count": invitation.sent_count, "expires_at": invitation.expires_at},
        )
        _send(invitation, tenant, person, key, inviter_name=actor.get_full_name())
    return invitation


def expire_invitation(invitation_id: int) -> Invitation:
    """Expire one overdue pending invitation of the current tenant and withdraw what it created."""
    system = ActorRef.system("identity: invitation period passed")
    result = perform_transition((Invitation, invitation_id), "expire", actor=system)
    expired: Invitation = result.instance
    return expired


def expire_overdue_invitations(now: dt.datetime | None = None) -> int:
    """Expire every invitation past its period, each in its tenant and transaction; return how many."""
    moment = now or timezone.now()
    with scope.system_context("identity: find invitations past their period"):
        due = list(
            Invitation.objects.filter(status=InvitationStatus.PENDING, expires_at__lte=moment)
            .order_by("expires_at", "pk")
            .values_list("pk", "tenant_id")[:EXPIRY_BATCH]
        )
    expired = 0
    for invitation_id, tenant_id in due:
        with scope.tenant(tenant_id):
            try:
                expire_invitation(invitation_id)
            except TransitionNotAllowed:
                continue  # accepted or revoked in the meantime
        expired += 1
    return expired
