"""The public events of stock changes, one per posted move (catalogue: nexus/core/events/catalogue.py)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from nexus.core.events import publish, publish_many
from nexus.inventory.models import Location, MoveReason, Reservation, StockMove

STOCK_RECEIVED = "inventory.stock_received"
STOCK_ISSUED = "inventory.stock_issued"
STOCK_ADJUSTED = "inventory.stock_adjusted"
STOCK_TRANSFERRED = "inventory.stock_transferred"
RESERVATION_CHANGED = "inventory.reservation_changed"


def _source(move: StockMove) -> dict[str, Any]:
    return {"document_type": move.document_type, "document_id": move.document_id}


def adjustment_payload(
    *,
    move_id: int,
    product_id: int,
    reason: str,
    location: Location,
    quantity: Decimal,
    value: Decimal,
    note: str,
    document_type: str,
    document_id: int | None,
) -> dict[str, Any]:
    """The payload of ``inventory.stock_adjusted``: signed quantity and value at one location."""
    return {
        "move_id": move_id,
        "product_id": product_id,
        "reason": reason,
        "warehouse_id": location.warehouse_id,
        "location_id": location.pk,
        "quantity": quantity,
        "value": value,
        "note": note,
        "document_type": document_type,
        "document_id": document_id,
    }


def move_event(move: StockMove, locations: Mapping[int, Location]) -> tuple[str, dict[str, Any]]:
    """The event name and payload for one posted move."""
    source = locations[move.from_location_id] if move.from_location_id is not None else None
    target = locations[move.to_location_id] if move.to_location_id is not None else None
    common = {"move_id": move.pk, "product_id": move.product_id, "reason": move.reason}
    if move.reason in (MoveReason.ADJUSTMENT, MoveReason.REVALUATION):
        location = target if target is not None else source
        assert location is not None
        sign = 1 if target is not None else -1
        quantity = Decimal(0) if move.reason == MoveReason.REVALUATION else move.quantity
        return STOCK_ADJUSTED, adjustment_payload(
            move_id=move.pk,
            product_id=move.product_id,
            reason=move.reason,
            location=location,
            quantity=sign * quantity,
            value=sign * move.value,
            note=move.note,
            document_type=move.document_type,
            document_id=move.document_id,
        )
    if source is not None and target is not None:
        return STOCK_TRANSFERRED, {
            **common,
            "quantity": move.quantity,
            "value": move.value,
            "from_warehouse_id": source.warehouse_id,
            "from_location_id": source.pk,
            "to_warehouse_id": target.warehouse_id,
            "to_location_id": target.pk,
            **_source(move),
        }
    if target is not None:
        return STOCK_RECEIVED, {
            **common,
            "warehouse_id": target.warehouse_id,
            "location_id": target.pk,
            "quantity": move.quantity,
            "unit_cost": move.unit_cost,
            "value": move.value,
            **_source(move),
        }
    assert source is not None
    return STOCK_ISSUED, {
        **common,
        "warehouse_id": source.warehouse_id,
        "location_id": source.pk,
        "quantity": move.quantity,
        "value": move.value,
        **_source(move),
    }


def publish_moves(moves: Sequence[StockMove], locations: Mapping[int, Location]) -> None:
    """Publish one event per posted move, in the posting transaction, inserted as one batch."""
    publish_many([move_event(move, locations) for move in moves])


def publish_reservation(reservation: Reservation) -> None:
    """Publish ``inventory.reservation_changed`` for a reservation created or changed outside a transition."""
    publish(RESERVATION_CHANGED, reservation.change_payload())
