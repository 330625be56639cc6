"""Erasing a person's personal data from the audit trail without breaking the chains."""

from django.db import transaction
from django.db.models import Q

from nexus.core.models import AuditEvent
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.scope import system_context

from .recording import record_event

ERASURE_REASON = "audit erasure"


def erase_personal_data(
    *, erased_by: ActorRef, actor: ActorRef | None = None, obj: ObjectRef | None = None
) -> int:
    """Set ``personal`` to NULL on every event done by ``actor`` or about ``obj``, in every tenant.

    The hash does not cover ``personal``, so the chains still verify afterwards; the database
    trigger admits exactly this change. The erasure itself is recorded (in the global chain,
    naming the references, not the erased values). Returns how many events were cleared.
    Raises ``ValueError`` when neither reference identifies anyone.
    """
    matches = Q()
    if actor is not None:
        if not actor.id:
            raise ValueError("erasure by actor needs the actor's id")
        matches |= Q(actor_kind=actor.kind, actor_id=actor.id)
    if obj is not None:
        if not obj.id:
            raise ValueError("erasure by object needs the object's id")
        matches |= Q(object_type=obj.type, object_id=obj.id)
    if not matches:
        raise ValueError("name the actor or the object whose personal data to erase")
    # The transaction inside the scope: on failure it rolls back before the scope is restored.
    with system_context(ERASURE_REASON), transaction.atomic():
        erased = AuditEvent.objects.filter(matches, personal__isnull=False).update(personal=None)
        reference: dict[str, object] = {"events": erased}
        if actor is not None:
            reference["actor"] = {"kind": actor.kind, "id": actor.id}
        if obj is not None:
            reference["object"] = {"type": obj.type, "id": obj.id}
        record_event("audit.personal_data_erased", actor=erased_by, data=reference, tenant_id=None)
    return erased
