"""Erasing a person's personal data from the history without breaking the audit chains.

What is erased: on every audit event done by or about the person, ``personal``; on events of
hash version 2 and later, also the readable labels (``actor_label``, ``object_label``) that name
them, which those versions do not hash. Labels that merely *mention* the person (a system actor
"GR-1 posted by ann@example.com", an invitation labelled with its address) are found by the
identifying texts the caller passes (email, full name). Outside the chain: the transition log's
actor labels, and every outbox payload value that mentions them (a failed login's ``username``).
Events sealed under version 1 hashed their labels: those labels stay (docs/kernel.md).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from nexus.core.models import AuditEvent, OutboxEvent, TransitionLog
from nexus.core.models.audit import CURRENT_HASH_VERSION
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.scope import system_context

from .recording import record_event

ERASURE_REASON = "audit erasure"
# A shorter text would match far more than the person (initials, "ab" in every label).
MIN_IDENTIFYING_LENGTH = 3


def erase_personal_data(
    *,
    erased_by: ActorRef,
    actor: ActorRef | None = None,
    obj: ObjectRef | None = None,
    identifying: Iterable[str] = (),
) -> int:
    """Erase what names ``actor``/``obj`` (and mentions ``identifying``) from the history, in every tenant.

    The chains still verify afterwards: only columns outside each event's hash change, and the
    database trigger admits exactly these changes. The erasure itself is recorded (in the global
    chain, naming the references, not the erased values). Returns how many audit events changed.
    Raises ``ValueError`` when neither reference identifies anyone.
    """
    by_actor, by_object = Q(pk__in=[]), Q(pk__in=[])
    if actor is not None:
        if not actor.id:
            raise ValueError("erasure by actor needs the actor's id")
        by_actor = Q(actor_kind=actor.kind, actor_id=actor.id)
    if obj is not None:
        if not obj.id:
            raise ValueError("erasure by object needs the object's id")
        by_object = Q(object_type=obj.type, object_id=obj.id)
    if actor is None and obj is None:
        raise ValueError("name the actor or the object whose personal data to erase")
    texts = sorted(
        {text.strip().casefold() for text in identifying if len(text.strip()) >= MIN_IDENTIFYING_LENGTH}
    )
    # The transaction inside the scope: on failure it rolls back before the scope is restored.
    with system_context(ERASURE_REASON), transaction.atomic():
        erased = _erase_audit_events(by_actor, by_object, texts)
        relabelled = _erase_transition_labels(by_actor, texts)
        redacted = _redact_outbox_payloads(texts)
        reference: dict[str, object] = {"events": erased}
        if actor is not None:
            reference["actor"] = {"kind": actor.kind, "id": actor.id}
        if obj is not None:
            reference["object"] = {"type": obj.type, "id": obj.id}
        if texts:
            reference["transition_logs"] = relabelled
            reference["outbox_events"] = redacted
        record_event("audit.personal_data_erased", actor=erased_by, data=reference, tenant_id=None)
    return erased


def _mentions(value: str, texts: list[str]) -> bool:
    folded = value.casefold()
    return any(text in folded for text in texts)


def _any_contains(field: str, texts: list[str]) -> Q:
    matches = Q(pk__in=[])
    for text in texts:
        matches |= Q(**{f"{field}__icontains": text})
    return matches


def _erase_audit_events(by_actor: Q, by_object: Q, texts: list[str]) -> int:
    """Clear ``personal`` and, where the hash allows, the labels; return the events changed."""
    candidates = AuditEvent.objects.annotate(personal_text=Cast("personal", TextField())).filter(
        by_actor
        | by_object
        | _any_contains("personal_text", texts)
        | Q(hash_version__gte=CURRENT_HASH_VERSION)
        & (_any_contains("actor_label", texts) | _any_contains("object_label", texts))
    )
    mine = set(candidates.filter(by_actor | by_object).values_list("pk", flat=True))
    of_actor = set(candidates.filter(by_actor).values_list("pk", flat=True))
    of_object = set(candidates.filter(by_object).values_list("pk", flat=True))
    changed = []
    for event in candidates.order_by("id"):
        before = (event.personal, event.actor_label, event.object_label)
        if event.personal is not None and (event.pk in mine or _mentions(event.personal_text, texts)):
            event.personal = None
        if event.hash_version >= CURRENT_HASH_VERSION:
            if event.pk in of_actor or _mentions(event.actor_label, texts):
                event.actor_label = ""
            if event.pk in of_object or _mentions(event.object_label, texts):
                event.object_label = ""
        if (event.personal, event.actor_label, event.object_label) != before:
            changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["personal", "actor_label", "object_label"], batch_size=500)
    return len(changed)


def _erase_transition_labels(by_actor: Q, texts: list[str]) -> int:
    """The transition log keeps the actor's kind and id; the label that names the person goes."""
    return (
        TransitionLog.objects.filter(by_actor | _any_contains("actor_label", texts))
        .exclude(actor_label="")
        .update(actor_label="")
    )


def _redact(value: Any, texts: list[str]) -> Any:
    if isinstance(value, str):
        return "" if _mentions(value, texts) else value
    if isinstance(value, Mapping):
        return {key: _redact(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact(item, texts) for item in value]
    return value


def _redact_outbox_payloads(texts: list[str]) -> int:
    """Blank every payload value that mentions the person (delivered or not: they are gone)."""
    if not texts:
        return 0
    events = list(
        OutboxEvent.objects.annotate(payload_text=Cast("payload", TextField())).filter(
            _any_contains("payload_text", texts)
        )
    )
    for event in events:
        event.payload = _redact(event.payload, texts)
    OutboxEvent.objects.bulk_update(events, ["payload"], batch_size=500)
    return len(events)
