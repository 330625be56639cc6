"""The procurement domain's models."""

from .bills import (
    LANDED_COST_KINDS,
    VENDOR_BILL_APPROVED,
    BillLineKind,
    VendorBill,
    VendorBillLine,
    VendorBillLineReceipt,
    VendorBillStatus,
)
from .purchase_orders import (
    AUTOMATIC_PURCHASE_ORDER_TRANSITIONS,
    OPEN_PURCHASE_STATES,
    RECEIVABLE_STATES,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from .receipts import GOODS_RECEIVED, GoodsReceipt, GoodsReceiptLine, GoodsReceiptStatus
from .requisitions import Requisition, RequisitionLine, RequisitionStatus
from .returns import VendorReturn, VendorReturnLine
from .vendor_shipments import VendorShipment, VendorShipmentLine
from .vendors import Vendor, VendorProduct

__all__ = [
    "AUTOMATIC_PURCHASE_ORDER_TRANSITIONS",
    "GOODS_RECEIVED",
    "LANDED_COST_KINDS",
    "OPEN_PURCHASE_STATES",
    "RECEIVABLE_STATES",
    "VENDOR_BILL_APPROVED",
    "BillLineKind",
    "GoodsReceipt",
    "GoodsReceiptLine",
    "GoodsReceiptStatus",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderStatus",
    "Requisition",
    "RequisitionLine",
    "RequisitionStatus",
    "Vendor",
    "VendorBill",
    "VendorBillLine",
    "VendorBillLineReceipt",
    "VendorBillStatus",
    "VendorProduct",
    "VendorReturn",
    "VendorReturnLine",
    "VendorShipment",
    "VendorShipmentLine",
]
