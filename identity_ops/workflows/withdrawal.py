"""Withdrawing what a sign-up or an invitation created when it ends unused (the compensation).

An expired registration, or an expired or revoked invitation, takes back what was created only
for it: the invited membership (never in force), and the account if it is still unverified and
belongs nowhere else — deleted with its devices and notifications, and its personal data erased
from the audit trail. An account that is in use, or that has another membership, stays.
"""

from dataclasses import dataclass

from identity_ops.wiring import memberships, people
from nexus.core.audit.erasure import erase_personal_data
from nexus.core.models.refs import ActorRef, ObjectRef

from .erasure import erase_history_of

INVITED = "invited"
PENDING_VERIFICATION = "pending_verification"


@dataclass(frozen=True)
class Withdrawn:
    membership_deleted: bool
    membership_removed: bool
    account_deleted: bool


def withdraw(
    *,
    tenant_id: int,
    user_id: int | None,
    membership_id: int | None,
    created_membership: bool,
    actor: ActorRef,
    cause: str,
    also_erase: ObjectRef | None = None,
) -> Withdrawn:
    """Take back the membership (and the account) an unused sign-up or invitation created.

    A membership that existed before (a removed member invited again) is removed again rather
    than deleted. Call inside the transaction of the transition that ends the sign-up or
    invitation. ``actor`` ended it (recorded with the erasure); ``cause`` names it for the
    membership's log; ``also_erase`` names the record whose audit events lose their personal
    data with the account's.
    """
    membership_deleted = membership_removed = account_deleted = False
    member = memberships().by_id([membership_id]).get(membership_id) if membership_id else None
    if member is not None and member.status == INVITED:
        if created_membership:
            memberships().delete([member.id])
            membership_deleted = True
        else:
            memberships().move([member.id], "withdraw", actor=ActorRef.system(cause))
            membership_removed = True
    # An account still waiting for its first verification exists only through sign-ups and
    # invitations: once none holds a place for it, nothing could ever complete it.
    if user_id is not None:
        person = people().by_id([user_id]).get(user_id)
        elsewhere = memberships().counts_elsewhere([user_id], tenant_id=tenant_id).get(user_id, 0)
        here = memberships().of_people([user_id], tenant_id=tenant_id).get(user_id)
        if person is not None and person.status == PENDING_VERIFICATION and not elsewhere and here is None:
            people().delete([user_id])
            account_deleted = True
            erase_history_of(person, erased_by=actor)
    if account_deleted and also_erase is not None:
        erase_personal_data(erased_by=actor, obj=also_erase)
    return Withdrawn(membership_deleted, membership_removed, account_deleted)
