"""Lifecycle of people and memberships: each change, its revocations and its notice, in one transaction.

Two levels of authority (DESIGN.md §2). A tenant's administrators act on the memberships of
their tenant: change the role, suspend, reinstate, remove — the transitions' permission is
answered in the membership's own tenant, and the last active administrator cannot be demoted,
suspended or removed (the tenant's administrators are locked first). What belongs to the
person — suspending, deactivating, reactivating the account — is for platform operators (and
deactivation for the person too).

Suspending or deactivating a person ends every session and token they have; suspending or
removing a membership ends the sessions working in that tenant (login tokens need nothing: every
request names its tenant and the membership is checked then). The service tokens the person
owns stop with them — in the membership's tenant, or everywhere for the account — and resume
when the same way out is undone. The person is told. These are the
transitions' writes (``membership_changed``, ``person_changed``, declared in
``IdentityOpsConfig.ready``), so the admin, the API and any other caller of the transition
service run them; a replayed request (same idempotency key) changes, ends and tells nothing again.
"""

from dataclasses import replace
from typing import Any

from django.db import transaction

from identity_ops.contracts.access import Ended
from identity_ops.contracts.directory import Member, Moved
from identity_ops.contracts.notifications import EMAIL, IN_APP, Message
from identity_ops.wiring import access, memberships, notifier, people, tenants
from nexus.core import scope
from nexus.core.errors import NotFound, PermissionDenied
from nexus.core.events import publish
from nexus.core.models.refs import ActorKind, ActorRef
from nexus.core.transitions import TransitionChange

# The lifecycle transitions people perform from the admin and the API (the others belong to flows).
MEMBERSHIP_TRANSITIONS = ("suspend", "reinstate", "remove")
PERSON_TRANSITIONS = ("activate", "suspend", "reinstate", "deactivate", "reactivate")

MEMBERSHIP_NOTICES = {
    "suspend": "Your access to {tenant} was suspended",
    "reinstate": "Your access to {tenant} was restored",
    "remove": "You were removed from {tenant}",
}
ACCOUNT_NOTICES = {
    "activate": "Your account was activated",
    "suspend": "Your account was suspended",
    "reinstate": "Your account was restored",
    "deactivate": "Your account was closed",
    "reactivate": "Your account was reopened",
}
# Transitions after which the person may no longer work: their logins end with them.
ENDS_LOGINS = frozenset({"suspend", "deactivate", "remove"})
# The service tokens a person owns stop with them (the reason names the way out), and the way
# back resumes those its own way out stopped: membership transitions act in the membership's
# tenant, account transitions in every tenant.
MEMBERSHIP_TOKENS_SUSPENDED = {"suspend": "owner_membership_suspended", "remove": "owner_membership_removed"}
MEMBERSHIP_TOKENS_RESUMED = {"reinstate": "owner_membership_suspended"}
ACCOUNT_TOKENS_SUSPENDED = {"suspend": "owner_account_suspended", "deactivate": "owner_account_deactivated"}
ACCOUNT_TOKENS_RESUMED = {"reinstate": "owner_account_suspended", "reactivate": "owner_account_deactivated"}


def _actor_id(actor: Any) -> int | None:
    if isinstance(actor, ActorRef):
        return int(actor.id) if actor.kind == ActorKind.USER and actor.id else None
    return int(actor.pk)


def _member(membership_id: int) -> Member:
    member = memberships().by_id([membership_id]).get(membership_id)
    if member is None:
        raise NotFound(f"Membership {membership_id} does not exist.")
    return member


def _in_reach(member: Member, actor: Any) -> None:
    """A person acting through a tenant acts only on that tenant's memberships (404 otherwise)."""
    if isinstance(actor, ActorRef) or getattr(actor, "is_platform_operator", False):
        return
    if scope.current_tenant_id() != member.tenant_id:
        raise NotFound(f"Membership {member.id} does not exist.")


def move_membership(
    membership_id: int, transition: str, *, actor: Any, reason: str = "", idempotency_key: str = ""
) -> Moved:
    """Suspend, reinstate or remove a membership; its sessions in the tenant end, the person is told.

    Raises ``NotFound`` (not in the actor's tenant), ``PermissionDenied``,
    ``TransitionNotAllowed`` (wrong state, or the tenant's last active administrator) and the
    transition service's other refusals.
    """
    _in_reach(_member(membership_id), actor)
    return memberships().move(
        [membership_id], transition, actor=actor, reason=reason, idempotency_key=idempotency_key
    )[membership_id]


def membership_changed(change: TransitionChange) -> None:
    """The writes of a membership's suspend, reinstate and remove: sessions end, the person is told."""
    # Read under the transition's lock, before the service saves the new status.
    member = _member(change.instance.pk)
    before = replace(member, status=change.from_state)
    after = replace(member, status=change.to_state)
    if change.name in ENDS_LOGINS:
        access().end_tenant_sessions(
            [after.user_id],
            tenant_id=after.tenant_id,
            reason=f"membership_{change.to_state}",
            actor=change.actor,
        )
    _follow_with_tokens(
        after.user_id, after.tenant_id, change, MEMBERSHIP_TOKENS_SUSPENDED, MEMBERSHIP_TOKENS_RESUMED
    )
    _announce_membership(after, before, change.actor, change.name, change.reason)


def _follow_with_tokens(
    user_id: int,
    tenant_id: int | None,
    change: TransitionChange,
    suspending: dict[str, str],
    resuming: dict[str, str],
) -> None:
    """Suspend or resume the service tokens the person owns, as the transition says."""
    if change.name in suspending:
        access().suspend_service_tokens(
            [user_id], tenant_id=tenant_id, reason=suspending[change.name], actor=change.actor
        )
    elif change.name in resuming:
        access().resume_service_tokens(
            [user_id], tenant_id=tenant_id, reason=resuming[change.name], actor=change.actor
        )


def change_role(membership_id: int, role: str, *, actor: Any) -> Member:
    """Give a membership another role; the tenant keeps an active administrator. The person is told.

    Raises ``NotFound``, ``PermissionDenied`` (not an administrator of that tenant) and
    ``InvalidInput`` (field ``role``: unknown, or demoting the last active administrator).
    """
    before = _member(membership_id)
    _in_reach(before, actor)
    if not isinstance(actor, ActorRef) and not getattr(actor, "is_platform_operator", False):
        _view, manage = tenants().membership_permissions()
        if not actor.has_perm(manage):
            raise PermissionDenied("Only an administrator of this tenant may change roles.")
    if before.role == role:
        return before
    with transaction.atomic():
        member = memberships().change_roles({membership_id: role}, actor=actor)[membership_id]
        if member.role != before.role:
            _announce_membership(member, before, actor, "change_role", "")
    return member


def _announce_membership(member: Member, before: Member, actor: Any, transition: str, reason: str) -> None:
    tenant = tenants().by_id([member.tenant_id])[member.tenant_id]
    publish(
        "identity.membership_changed",
        {
            "membership_id": member.id,
            "user_id": member.user_id,
            "role": member.role,
            "previous_role": before.role,
            "status": member.status,
            "previous_status": before.status,
            "changed_by": _actor_id(actor),
        },
        tenant_id=member.tenant_id,
    )
    if transition == "change_role":
        labels = {r.value: r.label for r in tenants().roles()}
        summary = f"Your role in {tenant.name} is now {labels.get(member.role, member.role)}"
    else:
        summary = MEMBERSHIP_NOTICES[transition].format(tenant=tenant.name)
    notifier().send(
        [
            Message(
                recipient_id=member.user_id,
                template="membership_changed",
                context={"summary": summary, "reason": reason, "tenant_name": tenant.name},
                tenant_id=member.tenant_id,
            )
        ]
    )


def move_person(
    user_id: int, transition: str, *, actor: Any, reason: str = "", idempotency_key: str = ""
) -> Moved:
    """Activate, suspend, reinstate, deactivate or reactivate an account; end its logins; tell the person.

    Raises ``NotFound``, ``PermissionDenied`` (not a platform operator, nor the person for
    deactivation), ``TransitionNotAllowed`` and the transition service's other refusals.
    """
    if not people().by_id([user_id]):
        raise NotFound(f"User {user_id} does not exist.")
    return people().move([user_id], transition, actor=actor, reason=reason, idempotency_key=idempotency_key)[
        user_id
    ]


def person_changed(change: TransitionChange) -> None:
    """The writes of an account's lifecycle transitions: logins end, the change is published and told.

    An account that a sign-up activates (the flows act as the system on the person's proof of
    address) is not told: the flow welcomes the person itself.
    """
    user_id = change.instance.pk
    if change.name in ENDS_LOGINS:
        access().end_logins([user_id], reason=f"account_{change.to_state}", actor=change.actor)
    _follow_with_tokens(user_id, None, change, ACCOUNT_TOKENS_SUSPENDED, ACCOUNT_TOKENS_RESUMED)
    publish(
        "identity.user_status_changed",
        {
            "user_id": user_id,
            "status": change.to_state,
            "previous_status": change.from_state,
            "changed_by": _actor_id(change.actor),
            "reason": change.reason,
        },
        tenant_id=None,
    )
    if change.name == "activate" and change.actor_ref.kind == ActorKind.SYSTEM:
        return
    notifier().send(
        [
            Message(
                recipient_id=user_id,
                template="account_status_changed",
                context={
                    "summary": ACCOUNT_NOTICES[change.name],
                    "reason": change.reason,
                    "status": change.to_state,
                },
                tenant_id=None,
                # A closed or suspended account cannot read its in-app notifications.
                channels=(EMAIL,) if change.name in ENDS_LOGINS else (EMAIL, IN_APP),
            )
        ]
    )


def end_person_logins(user_ids: list[int], *, actor: Any) -> dict[int, Ended]:
    """End every session and token of these people now (platform operators); audited."""
    if not getattr(actor, "is_platform_operator", False):
        raise PermissionDenied("Only platform operators may end other people's logins.")
    with transaction.atomic():
        return dict(access().end_logins(user_ids, reason="ended_by_operator", actor=actor))
