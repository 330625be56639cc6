"""Registration: self sign-up into a tenant, email verification, and expiry as its compensation.

``sign_up`` runs in one transaction: the account (created, or found), the invited membership,
the ``Registration`` record, its audit event and the verification email's notification rows
commit together or not at all; the email leaves after commit, and a failed email is re-sent
from its notification without touching the registration. The answer to the caller is the same
whatever happened, and every path hashes the password once (as creating an account does), so
that nobody learns whether an address has an account, not even from the time it takes: an address that
already belongs somewhere in the tenant gets an email saying so instead of a link.

``verify_email`` completes the registration (account and membership active). A registration not
verified within the tenant's period is expired by ``expire_overdue_registrations`` (Celery beat);
the ``expire`` transition's writes (``withdraw_expired``, declared in ``IdentityOpsConfig.ready``)
withdraw what was created only for it.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from identity_ops.contracts.access import UNKNOWN_CLIENT, Client
from identity_ops.contracts.directory import AlreadyExists, Member, NewMember, NewPerson, Person, Tenant
from identity_ops.contracts.notifications import EMAIL, Message
from identity_ops.models import Registration, RegistrationSource, RegistrationStatus
from identity_ops.services import keys, limits, links, policies
from identity_ops.wiring import memberships, notifier, people, tenants
from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.errors import IdempotencyMismatch, InvalidInput, TransitionNotAllowed
from nexus.core.events import publish
from nexus.core.models.refs import ANONYMOUS, ActorKind, ActorRef, ObjectRef
from nexus.core.transitions import TransitionChange, perform_transition

from . import link_keys
from .withdrawal import withdraw

CLOSED_TENANT = "This organisation does not accept sign-ups."
INVALID_LINK = (
    "This verification link is not valid: it was already used, replaced by a newer one, or has expired."
)
EXPIRED_LINK = "This verification link has expired; sign up again."
KEY_LENGTH = 128
# Sign-ups and resent links per address and hour (counted whether or not the address exists).
SIGNUPS_PER_HOUR = 5
RESENDS_PER_HOUR = 3
EXPIRY_BATCH = 200

ACTIVE = "active"
PENDING_VERIFICATION = "pending_verification"
INVITED = "invited"


@dataclass(frozen=True)
class SignUp:
    tenant: str  # the tenant's slug
    email: str
    password: str
    full_name: str = ""
    idempotency_key: str = ""
    client: Client = UNKNOWN_CLIENT


@dataclass(frozen=True)
class Verified:
    registration_id: int
    tenant_slug: str
    tenant_name: str
    email: str


@dataclass(frozen=True)
class VerificationLink:
    """What a verification link confirms, shown before it is used."""

    tenant_name: str
    email: str


def person_ref(person: Person) -> ActorRef:
    return ActorRef(ActorKind.USER, str(person.id), person.email)


def _personal(email: str, client: Client) -> dict[str, str]:
    return {"email": email, "ip_address": client.ip_address, "user_agent": client.user_agent}


def _valid_sign_up(request: SignUp) -> tuple[Tenant, str, str]:
    """The tenant, normalised address and key; ``InvalidInput`` with every field's problem."""
    errors: dict[str, list[str]] = {}
    email = request.email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        errors["email"] = list(error.messages)
    tenant = tenants().by_slug([request.tenant.strip()]).get(request.tenant.strip())
    if tenant is None or not policies.allows_self_signup(tenant):
        errors["tenant"] = [CLOSED_TENANT]
    # Judged against what the caller typed, never an existing account's data: same answer either way.
    problems = people().password_problems(request.password, email=email, full_name=request.full_name)
    if problems:
        errors["password"] = problems
    key = request.idempotency_key.strip() or uuid.uuid4().hex
    if len(key) > KEY_LENGTH:
        errors["idempotency_key"] = [f"An idempotency key has at most {KEY_LENGTH} characters."]
    if errors:
        raise InvalidInput(fields=errors)
    assert tenant is not None
    return tenant, email, key


def sign_up(request: SignUp) -> None:
    """Start a registration (or answer an address already known here by email); return nothing.

    Raises ``InvalidInput`` (400, with fields) for a malformed address, a weak password or a
    tenant that takes no sign-ups, ``Throttled`` (429) for too many sign-ups of one address,
    ``IdempotencyMismatch`` (409) for a key reused with another address. Whatever else
    happened, the caller learns nothing more.
    """
    tenant, email, key = _valid_sign_up(request)
    limits.require(
        "sign_up", email, limit=SIGNUPS_PER_HOUR, window_seconds=3600, what="sign up with this address"
    )
    with scope.tenant(tenant.id):
        try:
            with transaction.atomic():
                _sign_up(tenant, email, key, request)
        except (IntegrityError, AlreadyExists):
            # The input was checked above: a conflict here means the same key or address raced
            # another request, which holds the registration now. The answer stays the same.
            return


def _sign_up(tenant: Tenant, email: str, key: str, request: SignUp) -> None:
    earlier = Registration.objects.select_for_update().filter(idempotency_key=key).first()
    if earlier is not None:
        if earlier.email.lower() != email.lower() and earlier.email:
            raise IdempotencyMismatch()
        people().equalise_hashing_time(request.password)  # as slow as creating an account
        return  # a retry: the registration exists, its email went out once
    person = people().by_email([email]).get(email)
    role = policies.self_signup_role(tenant)
    pending = (
        Registration.objects.select_for_update()
        .filter(user_id=person.id, status=RegistrationStatus.PENDING_VERIFICATION)
        .first()
        if person is not None
        else None
    )
    if pending is not None and person is not None:
        people().equalise_hashing_time(request.password)  # as slow as creating an account
        _send_verification(pending, tenant, person)
        return
    if person is None:
        person = people().create_pending(
            [NewPerson(email=email, full_name=request.full_name.strip(), password=request.password)]
        )[email]
        member = memberships().create([NewMember(user_id=person.id, tenant_id=tenant.id, role=role)])[
            person.id
        ]
        _start(tenant, person, member, key, request, created_user=True, created_membership=True)
        return
    # The address has an account: its password is never set from here, but hashing the given
    # one anyway keeps this path as slow as the one that creates an account.
    people().equalise_hashing_time(request.password)
    existing = memberships().of_people([person.id], tenant_id=tenant.id).get(person.id)
    if existing is None and person.status in (ACTIVE, PENDING_VERIFICATION):
        member = memberships().create([NewMember(user_id=person.id, tenant_id=tenant.id, role=role)])[
            person.id
        ]
        _start(tenant, person, member, key, request, created_user=False, created_membership=True)
        return
    _tell_owner(tenant, person, existing, request.client)


def _start(
    tenant: Tenant,
    person: Person,
    member: Member,
    key: str,
    request: SignUp,
    *,
    created_user: bool,
    created_membership: bool,
) -> Registration:
    registration = Registration.objects.create(
        idempotency_key=key,
        source=RegistrationSource.SIGN_UP,
        email=person.email,
        full_name=request.full_name.strip() or person.full_name,
        role=member.role,
        user_id=person.id,
        membership_id=member.id,
        created_user=created_user,
        created_membership=created_membership,
        expires_at=timezone.now() + policies.registration_period(tenant),
    )
    record_event(
        "identity.registration_started",
        actor=ANONYMOUS,
        obj=ObjectRef.for_instance(registration),
        data={
            "source": registration.source,
            "user_id": person.id,
            "membership_id": member.id,
            "role": member.role,
            "created_user": created_user,
            "created_membership": created_membership,
            "expires_at": registration.expires_at,
        },
        personal=_personal(person.email, request.client),
    )
    publish(
        "identity.registration_started",
        {
            "registration_id": registration.pk,
            "user_id": person.id,
            "invitation_id": None,
            "role": member.role,
        },
    )
    _send_verification(registration, tenant, person)
    return registration


def _send_verification(registration: Registration, tenant: Tenant, person: Person) -> None:
    """A new verification link replaces the earlier one; its email leaves after commit."""
    key = keys.new_key()
    link_keys.remember(keys.digest(key), tenant.id, replacing=registration.token_digest)
    registration.token_digest = keys.digest(key)
    registration.token_sent_at = timezone.now()
    registration.save(update_fields=["token_digest", "token_sent_at", "updated_at"])
    notifier().send(
        [
            Message(
                recipient_id=person.id,
                template="verify_email",
                context={
                    "link": links.link(links.VERIFY_EMAIL, key),
                    "tenant_name": tenant.name,
                    "new_account": registration.created_user,
                    "expires_at": f"{registration.expires_at:%Y-%m-%d %H:%M}",
                },
                tenant_id=tenant.id,
                channels=(EMAIL,),
            )
        ]
    )


def _tell_owner(tenant: Tenant, person: Person, member: Member | None, client: Client) -> None:
    """Email the owner of a known address instead of starting a registration."""
    if member is not None and member.status == ACTIVE:
        situation = "member"
    elif member is not None and member.status == INVITED:
        situation = "pending"
    else:
        situation = "unavailable"
    notifier().send(
        [
            Message(
                recipient_id=person.id,
                template="sign_up_attempt",
                context={
                    "tenant_name": tenant.name,
                    "situation": situation,
                    "login_link": links.link(links.LOG_IN),
                    "reset_link": links.link(links.RESET_PASSWORD),
                },
                tenant_id=tenant.id,
                channels=(EMAIL,),
            )
        ]
    )
    record_event(
        "identity.sign_up_for_known_address",
        actor=ANONYMOUS,
        obj=ObjectRef("accounts.user", str(person.id), person.email),
        data={"situation": situation, "membership_id": member.id if member else None},
        personal=_personal(person.email, client),
    )


def resend_verification(*, tenant: str, email: str) -> None:
    """Send a pending registration's link again (a new one); nothing, silently, if there is none.

    Raises ``InvalidInput`` for a malformed address and ``Throttled`` past the hourly limit,
    counted per address whether or not it has a registration.
    """
    address = email.strip()
    try:
        validate_email(address)
    except ValidationError as error:
        raise InvalidInput(fields={"email": list(error.messages)}) from error
    limits.require(
        "resend_verification", address, limit=RESENDS_PER_HOUR, window_seconds=3600, what="resend the link"
    )
    found = tenants().by_slug([tenant.strip()]).get(tenant.strip())
    if found is None:
        return
    with scope.tenant(found.id), transaction.atomic():
        person = people().by_email([address]).get(address)
        if person is None:
            return
        registration = (
            Registration.objects.select_for_update()
            .filter(user_id=person.id, status=RegistrationStatus.PENDING_VERIFICATION)
            .first()
        )
        if registration is None or registration.expires_at <= timezone.now():
            return
        _send_verification(registration, found, person)
        record_event(
            "identity.verification_resent",
            actor=ANONYMOUS,
            obj=ObjectRef.for_instance(registration),
            data={"token_sent_at": registration.token_sent_at},
        )


def describe_verification(key: str) -> VerificationLink:
    """The address and tenant a verification link confirms, without using the link up.

    Opening a link must not spend it (mail scanners open links), so this only reads. Raises
    ``InvalidInput`` (field ``token``) for a link that ``verify_email`` would refuse as such.
    """
    registration_id, tenant_id = link_keys.locate(Registration, key, invalid=INVALID_LINK)
    with scope.tenant(tenant_id):
        registration = Registration.objects.get(pk=registration_id)
        link_keys.require_usable(
            registration,
            pending=RegistrationStatus.PENDING_VERIFICATION,
            invalid=INVALID_LINK,
            expired=EXPIRED_LINK,
        )
        tenant = tenants().by_id([tenant_id])[tenant_id]
    return VerificationLink(tenant_name=tenant.name, email=registration.email)


def verify_email(key: str, *, client: Client = UNKNOWN_CLIENT) -> Verified:
    """Complete the registration whose link has ``key``: the account and membership become active.

    Raises ``InvalidInput`` (field ``token``) for an unknown, used, replaced or expired link, or
    when the membership or account can no longer be activated (withdrawn, suspended).
    """
    registration_id, tenant_id = link_keys.locate(Registration, key, invalid=INVALID_LINK)
    with scope.tenant(tenant_id), transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        link_keys.require_usable(
            registration,
            pending=RegistrationStatus.PENDING_VERIFICATION,
            invalid=INVALID_LINK,
            expired=EXPIRED_LINK,
        )
        assert registration.user_id is not None
        person = people().by_id([registration.user_id])[registration.user_id]
        tenant = tenants().by_id([tenant_id])[tenant_id]
        perform_transition(
            registration,
            "complete",
            actor=person_ref(person),
            writes=lambda change: _activate(change.instance, person, tenant, client),
        )
    return Verified(
        registration_id=registration_id, tenant_slug=tenant.slug, tenant_name=tenant.name, email=person.email
    )


def _activate(registration: Registration, person: Person, tenant: Tenant, client: Client) -> None:
    """Inside the completion: account active (if it waited), membership active, link used up."""
    cause = ActorRef.system(f"registration {registration.pk}: address verified")
    if person.status == PENDING_VERIFICATION:
        people().move([person.id], "activate", actor=cause)
    elif person.status != ACTIVE:
        message = "This account is suspended or closed, so it cannot join; contact the organisation."
        raise InvalidInput(message, fields={"token": [message]})
    membership_id = registration.membership_id
    member = memberships().by_id([membership_id]).get(membership_id) if membership_id else None
    if member is None or member.status != INVITED:
        message = "This sign-up was withdrawn by the organisation."
        raise InvalidInput(message, fields={"token": [message]})
    memberships().move([member.id], "activate", actor=cause)
    link_keys.forget(registration.token_digest)
    registration.token_digest = ""
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
    record_event(
        "identity.email_verified",
        actor=person_ref(person),
        obj=ObjectRef.for_instance(registration),
        data={"user_id": person.id, "membership_id": member.id},
        personal={"ip_address": client.ip_address, "user_agent": client.user_agent},
    )


def expire_registration(registration_id: int) -> Registration:
    """Expire one pending registration of the current tenant and withdraw what it created.

    Raises ``TransitionNotAllowed`` when it is no longer pending (verified meanwhile).
    """
    system = ActorRef.system("identity: registration verification period passed")
    result = perform_transition((Registration, registration_id), "expire", actor=system)
    expired: Registration = result.instance
    return expired


def withdraw_expired(change: TransitionChange) -> None:
    """The writes of a registration's ``expire``: what was created only for it is withdrawn."""
    registration: Registration = change.instance
    withdrawn = withdraw(
        tenant_id=registration.tenant_id,
        user_id=registration.user_id,
        membership_id=registration.membership_id,
        created_membership=registration.created_membership,
        actor=change.actor_ref,
        cause=f"registration {registration.pk} expired",
        also_erase=ObjectRef.for_instance(registration),
    )
    if withdrawn.membership_deleted:
        registration.membership_id = None
    if withdrawn.account_deleted:
        registration.user_id = None
        registration.email = ""
        registration.full_name = ""


def overdue_registrations(now: dt.datetime, limit: int = EXPIRY_BATCH) -> list[tuple[int, int]]:
    """(id, tenant id) of pending registrations past their period, across tenants, oldest first."""
    with scope.system_context("identity: find registrations past their verification period"):
        return list(
            Registration.objects.filter(status=RegistrationStatus.PENDING_VERIFICATION, expires_at__lte=now)
            .order_by("expires_at", "pk")
            .values_list("pk", "tenant_id")[:limit]
        )


def expire_overdue_registrations(now: dt.datetime | None = None) -> int:
    """Expire every registration past its period, each in its tenant and transaction; return how many."""
    expired = 0
    for registration_id, tenant_id in overdue_registrations(now or timezone.now()):
        with scope.tenant(tenant_id):
            try:
                expire_registration(registration_id)
            except TransitionNotAllowed:
                continue  # verified in the meantime
        expired += 1
    return expired
