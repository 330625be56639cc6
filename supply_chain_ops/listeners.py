"""Reactions of the supply-chain workflows to domain events, registered with the kernel's outbox.

Every listener is idempotent under redelivery: the outbox records each (event, listener)
delivery once, and each listener also checks what it already did (a landed cost already drafted
for a bill line, a cross-dock already made for a receipt, the dropship order of a
sales order).
"""

from collections.abc import Callable
from typing import Any

from nexus.core.events import EventEnvelope, register_listener

from .coordinators.lead_times import refresh_on_dropship_delivery, refresh_on_receipt
from .workflows.cross_docking import on_reservation_changed, on_stock_received
from .workflows.dropship import compensate_cancelled_order, open_for_confirmed_order
from .workflows.landed_cost_drafts import draft_from_approved_bill
from .workflows.promises import firm_up_on_confirmation, reserve_on_receipt
from .workflows.rmas import await_goods

Listener = Callable[[dict[str, Any], EventEnvelope], None]

#: (event name, listener, listener name): each workflow adds its reactions here.
LISTENERS: list[tuple[str, Listener, str]] = [
    ("procurement.vendor_bill_approved", draft_from_approved_bill, "supply_chain.landed_cost_drafts"),
    ("sales.order_confirmed", open_for_confirmed_order, "supply_chain.dropship_orders"),
    ("sales.order_cancelled", compensate_cancelled_order, "supply_chain.dropship_compensation"),
    ("inventory.stock_received", on_stock_received, "supply_chain.cross_docking"),
    ("inventory.reservation_changed", on_reservation_changed, "supply_chain.cross_dock_progress"),
    ("supply_chain.rma_approved", await_goods, "supply_chain.rma_await_goods"),
    ("procurement.goods_received", reserve_on_receipt, "supply_chain.promises_on_receipt"),
    ("procurement.goods_received", refresh_on_receipt, "supply_chain.lead_times_on_receipt"),
    ("supply_chain.dropship_shipped", refresh_on_dropship_delivery, "supply_chain.lead_times_on_dropship"),
    ("sales.order_confirmed", firm_up_on_confirmation, "supply_chain.promises_firm_up"),
]


def register() -> None:
    for event, listener, name in LISTENERS:
        register_listener(event, listener, name=name)
