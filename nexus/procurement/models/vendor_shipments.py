"""Vendor shipment notices: a vendor's word that it shipped dropship lines to the customer.

A dropship order's goods never reach a warehouse, so no goods receipt can deliver its lines; the
vendor's notice does. It is final when recorded (nothing is posted later) and moves no stock; the
quantities it names count as received on the order lines, for the bill and for the vendor's
delivery statistics.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nexus.core.models import TenantScopedModel
from nexus.inventory.document_fields import quantity_field


class VendorShipment(TenantScopedModel):
    """One parcel a vendor shipped against a dropship purchase order, with its tracking number."""

    purchase_order = models.ForeignKey(
        "procurement.PurchaseOrder", on_delete=models.PROTECT, related_name="vendor_shipments"
    )
    tracking_number = models.CharField(max_length=100)
    carrier = models.CharField(max_length=100, blank=True)
    shipped_at = models.DateTimeField(default=timezone.now, help_text="When the vendor shipped it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-shipped_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}: {self.tracking_number}"


class VendorShipmentLine(TenantScopedModel):
    """A quantity of one dropship order line the vendor shipped."""

    shipment = models.ForeignKey(VendorShipment, on_delete=models.PROTECT, related_name="lines")
    purchase_order_line = models.ForeignKey(
        "procurement.PurchaseOrderLine", on_delete=models.PROTECT, related_name="vendor_shipment_lines"
    )
    quantity = quantity_field(validators=[MinValueValidator(Decimal("0.0001"))])

    class Meta(TenantScopedModel.Meta):
        ordering = ["shipment_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="procurement_vsline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.quantity.normalize():f}"
