"""Service tokens follow the person who owns them (``created_by``).

A token acts with its owner's authority, so it stops when they stop: suspending or removing the
owner's membership suspends their tokens in that tenant, suspending or closing their account
suspends them everywhere. The owner's way back (reinstated membership, restored account) resumes
only the tokens suspended for that same reason. A suspended token is refused like a revoked one,
and stays listed with its reason; another administrator of the tenant can take it over (with a
recent second factor, checked by the caller), which makes them its owner and resumes it.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput, NotFound
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.tenancy.models import Membership, MembershipStatus

from .models import User, UserStatus
from .models_tokens import ServiceToken, SuspensionReason
from .service_tokens import grantable_scopes


def _token_ref(token: ServiceToken) -> ObjectRef:
    return ObjectRef("accounts.servicetoken", str(token.pk), token.name)


def suspend_owned_tokens(
    user_ids: Sequence[int], *, tenant_id: int | None, reason: SuspensionReason, actor: ActorRef
) -> list[int]:
    """Suspend (locking them) the live tokens these people own, in ``tenant_id`` or everywhere.

    Audited per token; returns the tokens' ids.
    """
    with transaction.atomic():
        tokens = ServiceToken.objects.select_for_update().filter(
            created_by_id__in=user_ids, revoked_at__isnull=True, suspended_at__isnull=True
        )
        if tenant_id is not None:
            tokens = tokens.filter(tenant_id=tenant_id)
        suspended = list(tokens.order_by("pk"))
        now = timezone.now()
        for token in suspended:
            token.suspended_at, token.suspension_reason = now, reason
            record_event(
                "accounts.service_token_suspended",
                actor=actor,
                obj=_token_ref(token),
                data={"owner_id": token.created_by_id, "reason": reason.value},
                tenant_id=token.tenant_id,
            )
        ServiceToken.objects.bulk_update(suspended, ["suspended_at", "suspension_reason"])
    return [token.pk for token in suspended]


def resume_owned_tokens(
    user_ids: Sequence[int], *, tenant_id: int | None, reason: SuspensionReason, actor: ActorRef
) -> list[int]:
    """Resume (locking them) these people's tokens suspended for ``reason``, in ``tenant_id`` or everywhere.

    Called from the way back's own transition (a membership of ``tenant_id`` being reinstated, or
    with ``tenant_id`` None an account being restored), so that side counts as restored. If the
    other side still stops the owner — the account is suspended, or they are no longer an active
    member of the token's tenant — the token stays suspended, now for that reason. Audited per
    token; returns the ids of the tokens resumed.
    """
    with transaction.atomic():
        tokens = ServiceToken.objects.select_for_update().filter(
            created_by_id__in=user_ids, revoked_at__isnull=True, suspension_reason=reason
        )
        if tenant_id is not None:
            tokens = tokens.filter(tenant_id=tenant_id)
        found = list(tokens.order_by("pk"))
        still_stopped = _still_stopped(found, account_restored=tenant_id is None)
        for token in found:
            stopped = still_stopped.get(token.pk)
            if stopped is None:
                token.suspended_at, token.suspension_reason = None, ""
            else:
                token.suspension_reason = stopped
            record_event(
                "accounts.service_token_resumed" if stopped is None else "accounts.service_token_suspended",
                actor=actor,
                obj=_token_ref(token),
                data={"owner_id": token.created_by_id, "reason": (stopped or reason).value},
                tenant_id=token.tenant_id,
            )
        ServiceToken.objects.bulk_update(found, ["suspended_at", "suspension_reason"])
    return [token.pk for token in found if token.suspended_at is None]


ACCOUNT_STOPS: dict[str, SuspensionReason] = {
    UserStatus.SUSPENDED: SuspensionReason.ACCOUNT_SUSPENDED,
    UserStatus.DEACTIVATED: SuspensionReason.ACCOUNT_DEACTIVATED,
}


def _still_stopped(tokens: list[ServiceToken], *, account_restored: bool) -> dict[int, SuspensionReason]:
    """Why each token's owner still may not work in its tenant, for the tokens where that is so."""
    owners = {token.created_by_id for token in tokens if token.created_by_id is not None}
    stopped: dict[int, SuspensionReason] = {}
    if account_restored:
        rows = Membership.objects.filter(
            user_id__in=owners, tenant_id__in={token.tenant_id for token in tokens}
        )
        memberships: dict[tuple[int | None, int], str] = {
            (user, tenant): status
            for user, tenant, status in rows.values_list("user_id", "tenant_id", "status")
        }
        for token in tokens:
            status = memberships.get((token.created_by_id, token.tenant_id))
            if status == MembershipStatus.SUSPENDED:
                stopped[token.pk] = SuspensionReason.MEMBERSHIP_SUSPENDED
            elif status != MembershipStatus.ACTIVE:
                stopped[token.pk] = SuspensionReason.MEMBERSHIP_REMOVED
        return stopped
    accounts: dict[int | None, str] = dict(User.objects.filter(pk__in=owners).values_list("pk", "status"))
    for token in tokens:
        reason = ACCOUNT_STOPS.get(accounts.get(token.created_by_id, ""))
        if reason is not None:
            stopped[token.pk] = reason
    return stopped


def take_over_service_token(token_id: int, *, tenant_id: int, by: User) -> ServiceToken:
    """Make ``by`` the owner of a token of the tenant and resume it; audited.

    The caller has checked that ``by`` administers the tenant and proved a second factor.
    Raises ``NotFound`` (no such live token in the tenant), ``Conflict`` (``by`` owns it already)
    and ``InvalidInput`` (field ``scopes``: the token may do what ``by``'s role may not).
    """
    with transaction.atomic():
        token = (
            ServiceToken.objects.select_for_update()
            .filter(pk=token_id, tenant_id=tenant_id, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise NotFound("No such service token in this tenant.")
        if token.created_by_id == by.pk:
            raise Conflict("You own this service token already.", code="already_owner")
        beyond = sorted(set(token.scopes) - grantable_scopes(by, tenant_id))
        if beyond:
            raise InvalidInput(
                fields={
                    "scopes": [f"{scope!r} is not a permission your role grants here." for scope in beyond]
                }
            )
        record_event(
            "accounts.service_token_taken_over",
            actor=ActorRef.for_user(by),
            obj=_token_ref(token),
            data={"previous_owner_id": token.created_by_id, "was_suspended": token.suspension_reason},
            tenant_id=tenant_id,
        )
        token.created_by, token.suspended_at, token.suspension_reason = by, None, ""
        token.save(update_fields=["created_by", "suspended_at", "suspension_reason"])
    return token
