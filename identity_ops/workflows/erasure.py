"""Erasing a person from the history: the audit trail, the transition log and the outbox.

The account itself is a separate decision (deleted by a withdrawal, or kept and deactivated);
this takes out of the history whatever names the person — their email address and full name —
wherever the audit chain's hash allows it (docs/kernel.md, "Erasure").
"""

from identity_ops.contracts.directory import Person
from nexus.core.audit.erasure import erase_personal_data
from nexus.core.models.refs import ActorKind, ActorRef, ObjectRef

ACCOUNT_TYPE = "accounts.user"


def erase_history_of(person: Person, *, erased_by: ActorRef) -> int:
    """Erase ``person`` as actor, as object and wherever their address or name is mentioned.

    Works on a deleted account too (pass the ``Person`` read before deleting). Returns how many
    audit events changed.
    """
    return erase_personal_data(
        erased_by=erased_by,
        actor=ActorRef(ActorKind.USER, str(person.id)),
        obj=ObjectRef(ACCOUNT_TYPE, str(person.id)),
        identifying=[person.email, person.full_name],
    )
