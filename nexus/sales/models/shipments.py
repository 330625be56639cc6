"""Shipments: goods leaving a warehouse (or a vendor, for dropship) against sales-order lines."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options
from nexus.inventory.document_fields import quantity_field
from nexus.inventory.quantities import VALUE_DIGITS, VALUE_PLACES


class ShipmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    POSTED = "posted", "Posted"


@condition("the shipment has no lines")
def shipment_has_lines(shipment: "Shipment") -> bool:
    return bool(list(shipment.lines.all()))


class Shipment(VersionedWorkflowModel, TenantScopedModel):
    """Goods sent to the customer. Posting takes them out of stock; then it is final.

    A dropship shipment records what a vendor delivered for dropship lines: it names no
    warehouse and moves no stock.
    """

    number = models.CharField(max_length=32, editable=False)
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, related_name="shipments")
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        help_text="Where the goods leave from; blank for a dropship shipment.",
    )
    dropship = models.BooleanField(default=False, help_text="Delivered by a vendor: no stock moves.")
    shipped_at = models.DateTimeField(default=timezone.now)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    status = FSMField(
        max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.DRAFT, protected=True
    )
    posted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-shipped_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="sales_shipment_number_uniq"),
            models.CheckConstraint(
                condition=Q(dropship=True, warehouse__isnull=True)
                | Q(dropship=False, warehouse__isnull=False),
                name="sales_shipment_warehouse_unless_dropship",
                violation_error_message="A shipment leaves from a warehouse; a dropship shipment names none.",
            ),
        ]
        indexes = [
            # The lists' order (newest first): the first page without sorting every shipment.
            models.Index(fields=["shipped_at", "id"], name="sales_shipment_date_idx"),
        ]
        permissions = [("post_shipment", "Can post shipment")]

    def __str__(self) -> str:
        return self.number or f"Shipment #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == ShipmentStatus.DRAFT

    @transition(
        field=status,
        source=ShipmentStatus.DRAFT,
        target=ShipmentStatus.POSTED,
        conditions=[shipment_has_lines],
        permission="sales.post_shipment",
        # The system posts a dropship shipment when the vendor's shipment notice arrives.
        custom=transition_options(label="Post", done_label="Posted", allow_system=True),
    )
    def post(self) -> None:
        """Take the goods out of stock (the posting service's writes) and make the shipment final."""
        self.posted_at = timezone.now()


class ShipmentLine(TenantScopedModel):
    """A quantity of one sales-order line shipped; posting records the stock value that left."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    sales_order_line = models.ForeignKey(
        "sales.SalesOrderLine", on_delete=models.PROTECT, related_name="shipment_lines"
    )
    quantity = quantity_field(validators=[MinValueValidator(Decimal("0.0001"))])
    cost_value = models.DecimalField(
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        editable=False,
        help_text="The stock value of the goods that left (their cost), fixed when posted.",
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["shipment_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_shipline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.quantity.normalize():f}"
