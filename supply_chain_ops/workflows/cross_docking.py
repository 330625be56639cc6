"""Cross-docking: goods received at a warehouse that cross-docks go straight to the sales orders
waiting for them — moved to staging and held there by reservations pinned to them.

Runs on ``inventory.stock_received`` (``listeners.py``), once per receipt: the record is unique
per receipt move, and the domain rows are locked before anything is decided, so a redelivered
event, or two deliveries at once, stage nothing twice.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction

from nexus.core.audit import record_event
from nexus.core.events import EventEnvelope, publish
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.sequences import next_number
from supply_chain_ops import wiring
from supply_chain_ops.contracts.cross_docking import CrossDockRef, StageRequest
from supply_chain_ops.models.cross_docks import CROSS_DOCK_STAGED, DOCUMENT_TYPE, CrossDock, CrossDockLine
from supply_chain_ops.services.cross_docking import Waiting, allocate_to_waiting

ACTOR = ActorRef.system("supply_chain.cross_docking")
NUMBER_TYPE = "CD"
OPEN_RESERVATION_STATES = ("held", "confirmed")


def cross_dock_receipt(move_id: int, *, actor: ActorRef = ACTOR) -> CrossDock | None:
    """Stage what receipt move ``move_id`` brought in for the open orders waiting for it.

    Oldest promised date first, ``min(needed, remaining)`` per line; the rest stays in stock.
    Returns the cross-dock (the existing one when the receipt was cross-docked before), or None
    when nothing was staged: the warehouse does not cross-dock, no order waits, or the goods
    are gone or reserved already.
    """
    stock = wiring.cross_dock_stock()
    with transaction.atomic():
        goods = stock.lock_received(move_id)
        if goods is None:
            return None
        done = CrossDock.objects.filter(receipt_move_id=move_id).first()
        if done is not None or goods.stageable <= 0 or goods.staging_location_id is None:
            return done
        waiting = stock.waiting_lines(goods.product_id, goods.warehouse_id)
        parts = allocate_to_waiting(
            goods.stageable, [Waiting(w.line_id, w.promised_date, w.needed) for w in waiting]
        )
        if not parts:
            return None
        lines = {w.line_id: w for w in waiting}
        cross_dock = CrossDock.objects.create(
            number=next_number(NUMBER_TYPE),
            receipt_move_id=move_id,
            product_id=goods.product_id,
            warehouse_id=goods.warehouse_id,
            staging_location_id=goods.staging_location_id,
            sku=goods.sku,
            unit=goods.unit,
            received_quantity=goods.quantity,
            staged_quantity=sum(quantity for _, quantity in parts),
        )
        requests = [
            StageRequest(line_id, quantity, lines[line_id].promised_date) for line_id, quantity in parts
        ]
        reservations = stock.stage(goods, requests, CrossDockRef(DOCUMENT_TYPE, cross_dock.pk), actor=actor)
        CrossDockLine.objects.bulk_create(
            [
                CrossDockLine(
                    tenant_id=cross_dock.tenant_id,
                    cross_dock=cross_dock,
                    sales_order_line_id=line_id,
                    order_number=lines[line_id].order_number,
                    promised_date=lines[line_id].promised_date,
                    quantity=quantity,
                    reservation_id=reservations[line_id],
                )
                for line_id, quantity in parts
            ]
        )
        payload = _payload(cross_dock)
        record_event(
            "supply_chain.cross_dock.staged",
            actor=actor,
            obj=ObjectRef.for_instance(cross_dock),
            data=payload,
        )
        publish(CROSS_DOCK_STAGED, payload)
    return cross_dock


def _payload(cross_dock: CrossDock) -> dict[str, Any]:
    return {
        "cross_dock_id": cross_dock.pk,
        "number": cross_dock.number,
        "receipt_move_id": cross_dock.receipt_move_id,
        "product_id": cross_dock.product_id,
        "warehouse_id": cross_dock.warehouse_id,
        "staging_location_id": cross_dock.staging_location_id,
        "received_quantity": cross_dock.received_quantity,
        "staged_quantity": cross_dock.staged_quantity,
        "lines": [
            {
                "sales_order_line_id": line.sales_order_line_id,
                "order_number": line.order_number,
                "promised_date": line.promised_date.isoformat(),
                "quantity": str(line.quantity),
                "reservation_id": line.reservation_id,
            }
            for line in cross_dock.lines.order_by("id")
        ],
    }


def on_stock_received(payload: dict[str, Any], envelope: EventEnvelope) -> None:
    """Listener of ``inventory.stock_received``: cross-dock the receipt (once)."""
    cross_dock_receipt(payload["move_id"])


def on_reservation_changed(payload: dict[str, Any], envelope: EventEnvelope) -> None:
    """Listener of ``inventory.reservation_changed``: a cross-docked line follows its pinned
    reservation — what was consumed shipped, what was given up otherwise was released.

    Sets figures from the reservation as it was then, never lowering them, so a redelivered or
    late event changes nothing.
    """
    consumed = Decimal(payload["consumed_quantity"])
    is_open = payload["state"] in OPEN_RESERVATION_STATES
    with transaction.atomic():
        for line in CrossDockLine.objects.select_for_update().filter(
            reservation_id=payload["reservation_id"]
        ):
            shipped = max(line.shipped_quantity, consumed)
            released = (
                line.released_quantity if is_open else max(line.quantity - shipped, line.released_quantity)
            )
            if (shipped, released) != (line.shipped_quantity, line.released_quantity):
                line.shipped_quantity, line.released_quantity = shipped, released
                line.save(update_fields=["shipped_quantity", "released_quantity"])
