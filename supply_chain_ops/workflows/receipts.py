"""Receipts in several parts, shared by the workflows that receive goods (transfers, returns).

A receipt is the ``receive_all`` transition when it brings in everything still to come, else
``receive_part``; its quantities travel as the transition's payload, so a receipt repeated with
its idempotency key is replayed (or refused with other quantities) instead of received twice.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Model

from nexus.core.models import TransitionLog
from nexus.core.models.refs import ObjectRef
from nexus.core.transitions import Actor, TransitionResult, perform_transition
from nexus.core.transitions.idempotency import earlier_transition

Quantities = Mapping[Any, Decimal | int | str]


def normalised(quantities: Quantities) -> dict[str, str]:
    """A receipt's quantities as the transition's payload: by line id, zeros left out."""
    found: dict[str, str] = {}
    for pk, value in sorted(quantities.items(), key=lambda item: str(item[0])):
        quantity = Decimal(str(value))
        if quantity != 0:
            found[str(pk)] = str(quantity)
    return found


def earlier_receipt(record: Model, key: str) -> TransitionLog | None:
    """The log of an earlier transition of this record with this idempotency key, if any."""
    if not key.strip():
        return None
    ref = ObjectRef.for_instance(record)
    tenant_id: int = getattr(record, "tenant_id")  # noqa: B009  (every workflow record has one)
    return earlier_transition(tenant_id=tenant_id, object_type=ref.type, object_id=ref.id, key=key.strip())


def receive_in_parts(
    locked: Model,
    outstanding: Mapping[int, Decimal],
    quantities: Quantities | None,
    parse: Callable[[Quantities], dict[int, Decimal]],
    *,
    actor: Actor,
    idempotency_key: str,
) -> TransitionResult:
    """Receive ``quantities`` (by line id; None: everything ``outstanding``) on a locked record.

    ``parse`` checks the quantities against the lines (raising what it refuses) and returns
    those to receive. Call it inside the transaction that locked the record.
    """
    earlier = earlier_receipt(locked, idempotency_key)
    if earlier is not None and quantities is None:  # "everything still to come" then: the same request
        return TransitionResult(instance=locked, log=earlier, replayed=True)
    if earlier is not None:  # the kernel replays it, or refuses other quantities (409)
        payload = {"lines": normalised(quantities or {})}
        return perform_transition(
            locked, earlier.transition, actor=actor, payload=payload, idempotency_key=idempotency_key
        )
    wanted = {pk: q for pk, q in outstanding.items() if q > 0} if quantities is None else quantities
    parsed = parse(wanted)
    rest = sum(outstanding.values(), Decimal(0)) - sum(parsed.values(), Decimal(0))
    name = "receive_all" if rest == 0 else "receive_part"
    payload = {"lines": normalised(parsed)}
    return perform_transition(locked, name, actor=actor, payload=payload, idempotency_key=idempotency_key)
