"""The procurement services: creating, posting and converting documents, and supply by day."""

from .bills import approve_bill, bill_total
from .numbering import assign_number
from .policies import OVER_RECEIPT_TOLERANCE, over_receipt_tolerance_percent
from .purchase_orders import follow_receipts
from .receiving import (
    RECEIPT_DOCUMENT_TYPE,
    default_stock_location,
    draft_receipt,
    post_receipt,
    refuse_over_receipt,
)
from .requisitions import (
    convert_requisition,
    create_requisition,
    order_quantity,
    preferred_terms,
)
from .supply_demand import PURCHASE, supply_demand
from .vendors import VendorStatistics, record_vendor_statistics

__all__ = [
    "OVER_RECEIPT_TOLERANCE",
    "PURCHASE",
    "RECEIPT_DOCUMENT_TYPE",
    "VendorStatistics",
    "approve_bill",
    "assign_number",
    "bill_total",
    "convert_requisition",
    "create_requisition",
    "default_stock_location",
    "draft_receipt",
    "follow_receipts",
    "order_quantity",
    "over_receipt_tolerance_percent",
    "post_receipt",
    "preferred_terms",
    "record_vendor_statistics",
    "refuse_over_receipt",
    "supply_demand",
]
