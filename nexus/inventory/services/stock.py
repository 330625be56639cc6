"""The stock operations other code calls: receive, issue, transfer, adjust, revalue.

Each is one ``post_moves`` request (see ``posting`` for the valuation rules); documents that
post many lines at once build ``MoveRequest``s and call ``post_moves`` with all of them.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from nexus.core.audit import record_event
from nexus.core.errors import InvalidInput
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.inventory.models import MoveReason, StockMove
from nexus.inventory.quantities import as_decimal

from .posting import NO_DOCUMENT, DocumentRef, MoveRequest, post_moves
from .reservations import SourceRef, consume_for_source

Number = Decimal | int | str


def post_move(request: MoveRequest, *, actor: ActorRef) -> StockMove:
    """Post one move (any reason); see ``post_moves``."""
    return post_moves([request], actor=actor)[0]


def receive(
    product_id: int,
    location_id: int,
    quantity: Number,
    unit_cost: Number,
    *,
    actor: ActorRef,
    reason: MoveReason = MoveReason.RECEIPT,
    document: DocumentRef = NO_DOCUMENT,
    occurred_at: datetime | None = None,
) -> StockMove:
    """Bring goods in from outside at ``unit_cost``, creating a cost layer (``reason``: receipt or return)."""
    if reason not in (MoveReason.RECEIPT, MoveReason.RETURN):
        raise InvalidInput(f"receive() posts receipts and returns, not {reason}.")
    return post_move(
        MoveRequest(
            product_id=product_id,
            reason=reason,
            quantity=quantity,
            to_location_id=location_id,
            unit_cost=unit_cost,
            document=document,
            occurred_at=occurred_at,
        ),
        actor=actor,
    )


def issue(
    product_id: int,
    location_id: int,
    quantity: Number,
    *,
    actor: ActorRef,
    reason: MoveReason = MoveReason.ISSUE,
    document: DocumentRef = NO_DOCUMENT,
    consume_reservations_of: SourceRef | None = None,
    occurred_at: datetime | None = None,
) -> StockMove:
    """Send goods out (``reason``: issue, shipment or scrap) at the warehouse's moving average.

    With ``consume_reservations_of`` the source's open reservations in that warehouse are
    consumed first (up to ``quantity``), in the same transaction, so that a shipment can take
    the stock reserved for it.
    """
    if reason not in (MoveReason.ISSUE, MoveReason.SHIPMENT, MoveReason.SCRAP):
        raise InvalidInput(f"issue() posts issues, shipments and scrap, not {reason}.")
    request = MoveRequest(
        product_id=product_id,
        reason=reason,
        quantity=quantity,
        from_location_id=location_id,
        document=document,
        occurred_at=occurred_at,
    )
    if consume_reservations_of is None:
        return post_move(request, actor=actor)
    with transaction.atomic():
        consume_for_source(consume_reservations_of, product_id, location_id, quantity, actor=actor)
        return post_move(request, actor=actor)


def transfer(
    product_id: int,
    from_location_id: int,
    to_location_id: int,
    quantity: Number,
    *,
    actor: ActorRef,
    reason: MoveReason = MoveReason.TRANSFER_OUT,
    document: DocumentRef = NO_DOCUMENT,
    occurred_at: datetime | None = None,
) -> StockMove:
    """Move goods between two locations (one move), within a warehouse or between warehouses.

    Between warehouses the move carries the source's moving average into the destination,
    and the destination gets one cost layer per source layer consumed, at that layer's unit
    cost. ``reason``: transfer_out (default), transfer_in (the receiving leg from a transit
    location) or scrap (into a scrap location).
    """
    if reason not in (MoveReason.TRANSFER_OUT, MoveReason.TRANSFER_IN, MoveReason.SCRAP):
        raise InvalidInput(f"transfer() posts transfers and moves to scrap, not {reason}.")
    return post_move(
        MoveRequest(
            product_id=product_id,
            reason=reason,
            quantity=quantity,
            from_location_id=from_location_id,
            to_location_id=to_location_id,
            document=document,
            occurred_at=occurred_at,
        ),
        actor=actor,
    )


def adjust(
    product_id: int,
    location_id: int,
    quantity_delta: Number,
    *,
    note: str,
    actor: ActorRef,
    unit_cost: Number | None = None,
    document: DocumentRef = NO_DOCUMENT,
) -> StockMove:
    """Correct on-hand stock at a location by ``quantity_delta`` (positive adds), saying why.

    An increase comes in at ``unit_cost`` (the warehouse's moving average when omitted) and
    creates a cost layer; a decrease leaves at the moving average, consuming layers FIFO.
    Recorded in the audit trail as well as the ledger.
    """
    delta = as_decimal(quantity_delta, "quantity")
    if delta == 0:
        raise InvalidInput(
            "An adjustment needs a quantity other than zero.", fields={"quantity": ["Cannot be 0."]}
        )
    if delta < 0 and unit_cost is not None:
        message = "A decrease leaves at the moving average; it takes no unit cost."
        raise InvalidInput(message, fields={"unit_cost": [message]})
    with transaction.atomic():
        move = post_move(
            MoveRequest(
                product_id=product_id,
                reason=MoveReason.ADJUSTMENT,
                quantity=abs(delta),
                from_location_id=location_id if delta < 0 else None,
                to_location_id=location_id if delta > 0 else None,
                unit_cost=unit_cost,
                document=document,
                note=note,
            ),
            actor=actor,
        )
        record_event(
            "inventory.stock_adjusted",
            actor=actor,
            obj=ObjectRef.for_instance(move),
            data={
                "product_id": product_id,
                "location_id": location_id,
                "quantity": delta,
                "value": move.value if delta > 0 else -move.value,
                "note": move.note,
            },
        )
    return move


def revalue(
    product_id: int,
    location_id: int,
    amount: Number,
    *,
    note: str,
    actor: ActorRef,
    document: DocumentRef = NO_DOCUMENT,
) -> StockMove:
    """Add (``amount`` > 0) or remove (< 0) stock value in the location's warehouse; no goods move.

    The value is spread over the goods on hand there, so the moving average changes by
    ``amount / on_hand``. Landed costs capitalise through this. Audited.
    """
    value = as_decimal(amount, "value")
    if value == 0:
        raise InvalidInput(
            "A revaluation needs an amount other than zero.", fields={"value": ["Cannot be 0."]}
        )
    with transaction.atomic():
        move = post_move(
            MoveRequest(
                product_id=product_id,
                reason=MoveReason.REVALUATION,
                from_location_id=location_id if value < 0 else None,
                to_location_id=location_id if value > 0 else None,
                value=abs(value),
                document=document,
                note=note,
            ),
            actor=actor,
        )
        record_event(
            "inventory.stock_revalued",
            actor=actor,
            obj=ObjectRef.for_instance(move),
            data={"product_id": product_id, "location_id": location_id, "value": value, "note": move.note},
        )
    return move
