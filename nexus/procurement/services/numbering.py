"""Document numbers of the procurement documents (``PO-2026-000042``)."""

from django.db import models

from nexus.core.sequences import next_number
from nexus.procurement.models import GoodsReceipt, PurchaseOrder, Requisition, VendorBill

DOC_TYPES: dict[type[models.Model], str] = {
    PurchaseOrder: "PO",
    GoodsReceipt: "GR",
    VendorBill: "BILL",
    Requisition: "REQ",
}


def assign_number(document: PurchaseOrder | GoodsReceipt | VendorBill | Requisition) -> None:
    """Give a new document the next number of its type (in the current tenant), if it has none."""
    if not document.number:
        document.number = next_number(DOC_TYPES[type(document)])
