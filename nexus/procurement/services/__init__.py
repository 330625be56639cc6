"""The procurement services: creating, posting and converting documents, and supply by day."""

from .bills import approve_bill, bill_total
from .dropship import (
    DropshipLineRequest,
    ShipTo,
    create_dropship_order,
    dropship_warehouse_id,
    record_vendor_shipment,
)
from .numbering import assign_number
from .policies import OVER_RECEIPT_TOLERANCE, over_receipt_tolerance_percent
from .purchase_orders import follow_receipts
from .receiving import (
    RECEIPT_DOCUMENT_TYPE,
    default_stock_location,
    draft_receipt,
    post_receipt,
    receipt_to_count,
    refuse_over_receipt,
)
from .requisitions import (
    convert_requisition,
    create_requisition,
    order_quantity,
    preferred_terms,
)
from .returns import VENDOR_RETURN_DOCUMENT_TYPE, return_to_vendor
from .supply_demand import PURCHASE, purchase_supply_by_day, supply_demand
from .vendors import Delivery, VendorStatistics, delivery_history, record_vendor_statistics

__all__ = [
    "OVER_RECEIPT_TOLERANCE",
    "PURCHASE",
    "RECEIPT_DOCUMENT_TYPE",
    "VENDOR_RETURN_DOCUMENT_TYPE",
    "Delivery",
    "DropshipLineRequest",
    "ShipTo",
    "VendorStatistics",
    "approve_bill",
    "assign_number",
    "bill_total",
    "convert_requisition",
    "create_dropship_order",
    "create_requisition",
    "default_stock_location",
    "delivery_history",
    "draft_receipt",
    "dropship_warehouse_id",
    "follow_receipts",
    "order_quantity",
    "over_receipt_tolerance_percent",
    "post_receipt",
    "preferred_terms",
    "purchase_supply_by_day",
    "receipt_to_count",
    "record_vendor_shipment",
    "record_vendor_statistics",
    "refuse_over_receipt",
    "return_to_vendor",
    "supply_demand",
]
