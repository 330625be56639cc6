"""Confirming, cancelling and closing sales orders, and following their shipments.

The writes of each (declared in ``SalesConfig.ready``, so every caller runs them) run inside the
order's transition, under its lock (order, then its lines, then stock):

- confirm: fills each line's promised date (the requested date when blank) and reserves what is
  free for the non-dropship lines (``reserving``); ``result.output`` lists what each line got.
- cancel and close: release every open reservation of the order's lines.
"""

from nexus.core.models.refs import ActorRef
from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.core.transitions.actors import actor_ref, follow_up_actor
from nexus.inventory.services import release_for_source
from nexus.sales.models import SalesOrder, SalesOrderLine, SalesOrderStatus

from .reserving import LineReservation, line_source, reserve_what_is_free


def reserve_for_confirmed(change: TransitionChange) -> list[LineReservation]:
    """The writes of ``confirm``: promised dates filled, free stock reserved for each line."""
    order: SalesOrder = change.instance
    lines = list(
        SalesOrderLine.objects.select_for_update()
        .select_related("product")
        .filter(order=order)
        .order_by("id")
    )
    for line in lines:
        line.order = order
        if line.promised_date is None:
            line.promised_date = line.requested_date
    SalesOrderLine.objects.bulk_update(lines, ["promised_date"])
    wanted = [(line, line.quantity) for line in lines if not line.dropship]
    return reserve_what_is_free(wanted, actor=actor_ref(change.actor))


def release_reservations(change: TransitionChange) -> int:
    """The writes of ``cancel`` and ``close``: every open reservation of the order's lines goes.

    Returns how many reservations were released.
    """
    order: SalesOrder = change.instance
    done = "cancelled" if change.name == "cancel" else "closed"
    who = follow_up_actor(change.actor, f"{order} {done}")
    reason = change.reason or f"{order} {done}."
    line_ids = list(
        SalesOrderLine.objects.select_for_update()
        .filter(order=order)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return sum(len(release_for_source(line_source(pk), actor=who, reason=reason)) for pk in line_ids)


def confirm_order(
    order: SalesOrder | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Confirm a draft order and reserve stock for it (as much as is free; see ``reserving``)."""
    return perform_transition(
        _target(order), "confirm", actor=actor, reason=reason, idempotency_key=idempotency_key
    )


def cancel_order(
    order: SalesOrder | int, *, actor: Actor, reason: str, idempotency_key: str = ""
) -> TransitionResult:
    """Cancel an order before anything shipped and release its reservations (a reason is required)."""
    return perform_transition(
        _target(order), "cancel", actor=actor, reason=reason, idempotency_key=idempotency_key
    )


def close_order(
    order: SalesOrder | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Close a (partially) shipped order; what was not shipped is given up and its stock released."""
    return perform_transition(
        _target(order), "close", actor=actor, reason=reason, idempotency_key=idempotency_key
    )


def follow_shipments(order: SalesOrder, *, actor: ActorRef, reason: str) -> SalesOrder:
    """Move a locked order to shipped or partially shipped after its lines' shipped quantities changed."""
    lines = list(order.lines.order_by("id"))
    if lines and all(line.shipped_quantity >= line.quantity for line in lines):
        name = "record_full_shipment"
    elif order.status == SalesOrderStatus.CONFIRMED and any(line.shipped_quantity > 0 for line in lines):
        name = "record_partial_shipment"
    else:
        return order
    moved: SalesOrder = perform_transition(order, name, actor=actor, reason=reason).instance
    return moved


def _target(order: SalesOrder | int) -> SalesOrder | tuple[type[SalesOrder], int]:
    return order if isinstance(order, SalesOrder) else (SalesOrder, order)
