"""The sales services: confirming, reserving, shipping, cancelling and closing; demand by day."""

from .drafts import delete_draft_order
from .numbering import assign_number
from .orders import (
    ORDER_HANDLERS,
    cancel_handler,
    cancel_order,
    close_handler,
    close_order,
    confirm_handler,
    confirm_order,
    follow_shipments,
)
from .reserving import LineReservation, line_source, reserve_what_is_free, top_up_reservations
from .shipping import SHIPMENT_DOCUMENT_TYPE, draft_shipment, post_shipment, post_shipment_handler
from .supply_demand import SALES, supply_demand

__all__ = [
    "ORDER_HANDLERS",
    "SALES",
    "SHIPMENT_DOCUMENT_TYPE",
    "LineReservation",
    "assign_number",
    "cancel_handler",
    "cancel_order",
    "close_handler",
    "close_order",
    "confirm_handler",
    "confirm_order",
    "delete_draft_order",
    "draft_shipment",
    "follow_shipments",
    "line_source",
    "post_shipment",
    "post_shipment_handler",
    "reserve_what_is_free",
    "supply_demand",
    "top_up_reservations",
]
