"""The sales domain's models."""

from .customers import Customer
from .orders import (
    AUTOMATIC_SALES_ORDER_TRANSITIONS,
    LINE_SOURCE_TYPE,
    OPEN_SALES_STATES,
    ORDER_CANCELLED,
    ORDER_CONFIRMED,
    SHIPPABLE_STATES,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    reserved_by_line,
    short_stock_lines,
    with_reserved_open,
)
from .shipments import Shipment, ShipmentLine, ShipmentStatus

__all__ = [
    "AUTOMATIC_SALES_ORDER_TRANSITIONS",
    "LINE_SOURCE_TYPE",
    "OPEN_SALES_STATES",
    "ORDER_CANCELLED",
    "ORDER_CONFIRMED",
    "SHIPPABLE_STATES",
    "Customer",
    "SalesOrder",
    "SalesOrderLine",
    "SalesOrderStatus",
    "Shipment",
    "ShipmentLine",
    "ShipmentStatus",
    "reserved_by_line",
    "short_stock_lines",
    "with_reserved_open",
]
