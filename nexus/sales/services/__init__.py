"""The sales services: confirming, reserving, shipping, cancelling and closing; demand by day."""

from .drafts import delete_draft_order
from .entry import line_defaults
from .numbering import assign_number
from .orders import (
    cancel_order,
    close_order,
    confirm_order,
    follow_shipments,
)
from .reserving import LineReservation, line_source, reserve_what_is_free, top_up_reservations
from .returns import ShippedLine, create_replacement_order, shipped_lines, shipped_order_lines
from .shipping import SHIPMENT_DOCUMENT_TYPE, draft_shipment, post_shipment, shipment_to_pack
from .supply_demand import SALES, sales_demand_by_day, supply_demand

__all__ = [
    "SALES",
    "SHIPMENT_DOCUMENT_TYPE",
    "LineReservation",
    "ShippedLine",
    "assign_number",
    "cancel_order",
    "close_order",
    "confirm_order",
    "create_replacement_order",
    "delete_draft_order",
    "draft_shipment",
    "follow_shipments",
    "line_defaults",
    "line_source",
    "post_shipment",
    "reserve_what_is_free",
    "sales_demand_by_day",
    "shipment_to_pack",
    "shipped_lines",
    "shipped_order_lines",
    "supply_demand",
    "top_up_reservations",
]
