"""Reserving stock for sales-order lines: as much as is free, never refusing for a shortage.

A confirmed order reserves each non-dropship line's quantity in its warehouse, through
inventory's ``reserve_many`` (source: the line). When less is free than the lines want, each
line takes what is left in line order and the rest stays unreserved: the clerk can still
confirm, sees the unreserved quantity per line, and reserves it later (``top_up_reservations``)
when stock arrives. See docs/procurement-sales.md, "Confirming with short stock".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from nexus.core.audit import record_event
from nexus.core.errors import TransitionNotAllowed
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.transitions import Actor
from nexus.core.transitions.actors import actor_ref
from nexus.inventory.services import ReservationRequest, SourceRef, reserve_up_to
from nexus.sales.models import (
    LINE_SOURCE_TYPE,
    OPEN_SALES_STATES,
    SalesOrder,
    SalesOrderLine,
    reserved_by_line,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class LineReservation:
    """What a line wanted reserved now and what it got."""

    line_id: int
    sku: str
    wanted: Decimal
    reserved: Decimal

    @property
    def short(self) -> Decimal:
        return self.wanted - self.reserved


def line_source(line_id: int) -> SourceRef:
    """How inventory names a sales-order line as the source of its reservations."""
    return SourceRef(LINE_SOURCE_TYPE, line_id)


def reserve_what_is_free(
    wanted: Sequence[tuple[SalesOrderLine, Decimal]], *, actor: ActorRef
) -> list[LineReservation]:
    """Reserve, for each (line, quantity), as much as its warehouse has free; lines in the given order.

    Inventory's ``reserve_up_to`` locks the availability rows before deciding, so what it
    reserves is free at that moment; a quantity is rounded down to what the product's unit allows.
    """
    wanted = [(line, quantity) for line, quantity in wanted if quantity > 0]
    requests = []
    for line, quantity in wanted:
        assert line.warehouse_id is not None  # non-dropship lines name their warehouse
        requests.append(
            ReservationRequest(
                product_id=line.product_id,
                warehouse_id=line.warehouse_id,
                quantity=quantity,
                required_date=line.promised_date or line.requested_date,
                source=line_source(line.pk),
                note=f"{line.order.number}",
            )
        )
    taken = reserve_up_to(requests, actor=actor)
    return [
        LineReservation(line.pk, line.product.sku, quantity, take)
        for (line, quantity), take in zip(wanted, taken, strict=True)
    ]


def top_up_reservations(order: SalesOrder | int, *, actor: Actor) -> list[LineReservation]:
    """Reserve what has become free for an open order's unreserved, unshipped quantities.

    Refuses (409) an order that is not confirmed or partially shipped. Audited.
    """
    pk = order.pk if isinstance(order, SalesOrder) else order
    with transaction.atomic():
        locked = SalesOrder.objects.select_for_update().get(pk=pk)
        if locked.status not in OPEN_SALES_STATES:
            raise TransitionNotAllowed(
                f"cannot reserve: {locked} is {locked.get_status_display().lower()}; only confirmed or "
                "partially shipped orders hold reservations"
            )
        lines = list(
            SalesOrderLine.objects.select_for_update()
            .select_related("product", "order")
            .filter(order=locked, dropship=False)
            .order_by("id")
        )
        held = reserved_by_line([line.pk for line in lines])
        wanted = [(line, line.open_quantity - held.get(line.pk, ZERO)) for line in lines]
        who = actor_ref(actor)
        outcome = reserve_what_is_free(wanted, actor=who)
        record_event(
            "sales.salesorder.reservations_topped_up",
            actor=who,
            obj=ObjectRef.for_instance(locked),
            data={"lines": {str(r.line_id): [str(r.wanted), str(r.reserved)] for r in outcome}},
        )
    return outcome
