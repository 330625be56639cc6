"""Vendors and their terms for the products they supply."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from nexus.core.models import TenantScopedModel
from nexus.core.models.address import PostalAddress
from nexus.inventory.document_fields import price_field, quantity_field


class Vendor(TenantScopedModel, PostalAddress):
    """A supplier. Its on-time statistics are computed from receipt history by the supply chain."""

    code = models.CharField(max_length=32, help_text="Short code, unique ignoring case (e.g. ACME).")
    name = models.CharField(max_length=200)
    currency = models.ForeignKey(
        "core.Currency", on_delete=models.PROTECT, related_name="+", help_text="The currency it bills in."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days between a bill's date and its due date."
    )
    active = models.BooleanField(default=True, help_text="Inactive vendors get no new purchase orders.")
    # Filled by the supply-chain orchestrator from receipt history (see docs/procurement-sales.md).
    on_time_rate = models.DecimalField(
        "on-time rate",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="Share of receipt lines that arrived by their expected date (0 to 1).",
    )
    average_lead_time_days = models.DecimalField(
        "average lead time (days)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text="Average days from sending an order to receiving its goods.",
    )
    receipts_counted = models.PositiveIntegerField(
        default=0, editable=False, help_text="Receipt lines the statistics are computed from."
    )
    statistics_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["code"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                models.F("tenant"),
                Lower("code"),
                name="procurement_vendor_tenant_code_uniq",
                violation_error_message="A vendor with this code already exists.",
            ),
            models.CheckConstraint(
                condition=Q(on_time_rate__isnull=True) | Q(on_time_rate__gte=0, on_time_rate__lte=1),
                name="procurement_vendor_on_time_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class VendorProduct(TenantScopedModel):
    """What a vendor charges for a product, how it must be ordered, and how long it takes.

    Among a product's active terms the lowest ``priority`` number is the preferred vendor
    (requisitions convert to purchase orders with it).
    """

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="terms")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="vendor_terms")
    vendor_sku = models.CharField("vendor SKU", max_length=64, blank=True)
    unit_price = price_field()
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    minimum_order_quantity = quantity_field(
        "minimum order quantity", default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    order_multiple = quantity_field(
        "order multiple",
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="Orders are rounded up to a multiple of this (a case of 12: 12).",
    )
    lead_time_days = models.PositiveSmallIntegerField(
        "quoted lead time (days)", default=7, help_text="What the vendor quotes from order to delivery."
    )
    priority = models.PositiveSmallIntegerField(
        default=10, help_text="Lower comes first: the preferred vendor of a product has the lowest number."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "vendor product terms"
        verbose_name_plural = "vendor product terms"
        ordering = ["product_id", "priority", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["vendor", "product"],
                name="procurement_vendorproduct_vendor_product_uniq",
                violation_error_message="This vendor already has terms for this product.",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="procurement_vendorproduct_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(minimum_order_quantity__gte=0), name="procurement_vendorproduct_moq_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(order_multiple__gt=0), name="procurement_vendorproduct_multiple_gt_0"
            ),
        ]
        indexes = [models.Index(fields=["product", "priority"], name="proc_vp_product_priority_idx")]

    def __str__(self) -> str:
        return f"{self.vendor.code}: {self.product.sku} @ {self.unit_price} {self.currency_id}"
