"""Vendor returns: goods sent back to the vendor, out of stock, so that a vendor credit can follow."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from nexus.core.models import TenantScopedModel
from nexus.inventory.document_fields import quantity_field
from nexus.inventory.quantities import VALUE_DIGITS, VALUE_PLACES


class VendorReturn(TenantScopedModel):
    """Goods returned to a vendor from one location. Posted when made: never edited or deleted.

    ``reference`` names what caused it (a customer return's number, say).
    """

    number = models.CharField(max_length=32, editable=False)
    vendor = models.ForeignKey("procurement.Vendor", on_delete=models.PROTECT, related_name="returns")
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the goods left from.",
    )
    reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-posted_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="procurement_vendorreturn_number_uniq"),
        ]

    def __str__(self) -> str:
        return self.number or f"Vendor return #{self.pk}"


class VendorReturnLine(TenantScopedModel):
    """A quantity of one product returned, with the stock value that left (its cost)."""

    vendor_return = models.ForeignKey(VendorReturn, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    quantity = quantity_field(validators=[MinValueValidator(Decimal("0.0001"))])
    cost_value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, editable=False)
    stock_move = models.ForeignKey("inventory.StockMove", on_delete=models.PROTECT, related_name="+")

    class Meta(TenantScopedModel.Meta):
        ordering = ["vendor_return_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="procurement_vrline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_return}: {self.quantity.normalize():f}"
