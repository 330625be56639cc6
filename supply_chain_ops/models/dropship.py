"""Dropship orders: the purchase orders, vendor shipments and recovery behind a sales order's dropship lines.

``pending → purchase_orders_created → sent → partially_shipped → shipped → closed``, with
``exception`` (a line without an eligible vendor, or a cancelled sales order whose purchase orders
were already sent) and ``cancelled``. The writes of each step are declared in
``SupplyChainOpsConfig.ready`` and live in ``supply_chain_ops.workflows.dropship``.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options

from .transfers import ZERO, quantity_field

DROPSHIP_PURCHASE_ORDERS_CREATED = "supply_chain.dropship_purchase_orders_created"
DROPSHIP_SENT = "supply_chain.dropship_sent"
DROPSHIP_SHIPPED = "supply_chain.dropship_shipped"
DROPSHIP_EXCEPTION = "supply_chain.dropship_exception"
DROPSHIP_CLOSED = "supply_chain.dropship_closed"
DROPSHIP_CANCELLED = "supply_chain.dropship_cancelled"


class DropshipStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PURCHASE_ORDERS_CREATED = "purchase_orders_created", "Purchase orders created"
    SENT = "sent", "Sent to vendors"
    PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    CLOSED = "closed", "Closed"
    EXCEPTION = "exception", "Exception"
    CANCELLED = "cancelled", "Cancelled"


class DropshipException(models.TextChoices):
    """Why a dropship order waits for a buyer."""

    NO_VENDOR = "no_vendor", "A line has no eligible vendor"
    CANCEL_WITH_VENDOR = "cancel_with_vendor", "Sales order cancelled after the purchase orders were sent"


#: States in which vendors may report shipments.
SHIPPING_STATES = (DropshipStatus.SENT, DropshipStatus.PARTIALLY_SHIPPED)


def nobody(instance: Any, user: Any) -> bool:
    """No person performs this step: it follows an event (the system does it)."""
    return False


def _lines(order: "DropshipOrder") -> list["DropshipLine"]:
    return list(order.lines.all())


def _lines_without_vendor(order: "DropshipOrder") -> list[str]:
    return [line.sku for line in _lines(order) if line.vendor_id is None]


@condition(lambda order: f"pick a vendor for {', '.join(_lines_without_vendor(order))} first")
def every_line_has_a_vendor(order: "DropshipOrder") -> bool:
    return not _lines_without_vendor(order)


@condition("the purchase orders were sent: cancel with the vendors instead")
def waits_for_a_vendor(order: "DropshipOrder") -> bool:
    return order.exception_kind == DropshipException.NO_VENDOR


class DropshipOrder(VersionedWorkflowModel, TenantScopedModel):
    """The dropship lines of one confirmed sales order, bought from vendors who ship to the customer.

    One purchase order per vendor, one purchase-order line per sales-order line, so that each
    vendor shipment maps back to exactly the sales-order lines it delivers.
    """

    number = models.CharField(max_length=32, editable=False)
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, related_name="+")
    sales_order_number = models.CharField(max_length=32, editable=False)
    customer = models.ForeignKey("sales.Customer", on_delete=models.PROTECT, related_name="+")
    customer_reference = models.CharField(max_length=100, blank=True, editable=False)
    # The customer's shipping address when the order was confirmed: where the vendors ship.
    ship_to_name = models.CharField("ship to", max_length=200, editable=False)
    ship_to_address_line1 = models.CharField("address", max_length=200, blank=True, editable=False)
    ship_to_address_line2 = models.CharField(
        "address (continued)", max_length=200, blank=True, editable=False
    )
    ship_to_postal_code = models.CharField("postal code", max_length=20, blank=True, editable=False)
    ship_to_city = models.CharField("city", max_length=100, blank=True, editable=False)
    ship_to_region = models.CharField("region", max_length=100, blank=True, editable=False)
    ship_to_country = models.CharField("country", max_length=2, blank=True, editable=False)
    status = FSMField(
        max_length=24, choices=DropshipStatus.choices, default=DropshipStatus.PENDING, protected=True
    )
    exception_kind = models.CharField(
        max_length=24, choices=DropshipException.choices, blank=True, editable=False
    )
    exception_reason = models.TextField(blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    shipped_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "dropship order"
        ordering = ["-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="supply_chain_dropship_number_uniq"),
            # One per sales order: a redelivered confirmation finds it and creates nothing.
            models.UniqueConstraint(
                fields=["tenant", "sales_order"], name="supply_chain_dropship_one_per_sales_order"
            ),
        ]
        permissions = [
            ("resume_dropshiporder", "Can pick vendors and resume dropship order"),
            ("send_dropshiporder", "Can send dropship order to vendors"),
            ("ship_dropshiporder", "Can record vendor shipments of dropship order"),
            ("close_dropshiporder", "Can close dropship order"),
            ("cancel_dropshiporder", "Can cancel dropship order"),
        ]

    def __str__(self) -> str:
        return self.number or f"Dropship order #{self.pk}"

    @property
    def is_draft(self) -> bool:
        """Never: the system opens it from the sales order; it changes only by its steps."""
        return False

    @property
    def ship_to(self) -> str:
        """The ship-to address, one part per line."""
        city = " ".join(part for part in (self.ship_to_postal_code, self.ship_to_city) if part)
        parts = (
            self.ship_to_name,
            self.ship_to_address_line1,
            self.ship_to_address_line2,
            city,
            self.ship_to_region,
            self.ship_to_country,
        )
        return "\n".join(part for part in parts if part)

    @transition(
        field=status,
        source=DropshipStatus.PENDING,
        target=DropshipStatus.PURCHASE_ORDERS_CREATED,
        conditions=[every_line_has_a_vendor],
        permission=nobody,
        custom=transition_options(
            label="Create purchase orders", allow_system=True, event=DROPSHIP_PURCHASE_ORDERS_CREATED
        ),
    )
    def create_purchase_orders(self) -> None:
        """One draft dropship purchase order per vendor, shipping to the customer."""

    @transition(
        field=status,
        source=[DropshipStatus.PENDING, DropshipStatus.SENT],
        target=DropshipStatus.EXCEPTION,
        permission=nobody,
        custom=transition_options(label="Hold for a buyer", allow_system=True, event=DROPSHIP_EXCEPTION),
    )
    def hold(self) -> None:
        """Stop for a buyer: a line has no eligible vendor, or sent orders must be cancelled."""

    @transition(
        field=status,
        source=DropshipStatus.EXCEPTION,
        target=DropshipStatus.PURCHASE_ORDERS_CREATED,
        conditions=[waits_for_a_vendor, every_line_has_a_vendor],
        permission="supply_chain_ops.resume_dropshiporder",
        custom=transition_options(
            label="Resume", done_label="Resumed", event=DROPSHIP_PURCHASE_ORDERS_CREATED
        ),
    )
    def resume(self) -> None:
        """Carry on with the vendors the buyer picked: the purchase orders are created."""
        self.exception_kind = ""
        self.exception_reason = ""

    @transition(
        field=status,
        source=DropshipStatus.PURCHASE_ORDERS_CREATED,
        target=DropshipStatus.SENT,
        permission="supply_chain_ops.send_dropshiporder",
        custom=transition_options(label="Send to vendors", done_label="Sent", event=DROPSHIP_SENT),
    )
    def send(self) -> None:
        """Send every purchase order to its vendor, with the ship-to address."""

    @transition(
        field=status,
        source=list(SHIPPING_STATES),
        target=DropshipStatus.PARTIALLY_SHIPPED,
        permission="supply_chain_ops.ship_dropshiporder",
        custom=transition_options(label="Record a vendor shipment", event=DROPSHIP_SHIPPED),
    )
    def ship_part(self) -> None:
        """A vendor shipment that leaves lines to ship."""

    @transition(
        field=status,
        source=list(SHIPPING_STATES),
        target=DropshipStatus.SHIPPED,
        permission="supply_chain_ops.ship_dropshiporder",
        custom=transition_options(label="Record the last vendor shipment", event=DROPSHIP_SHIPPED),
    )
    def ship_all(self) -> None:
        """The vendor shipment that completes every line."""

    @transition(
        field=status,
        source=DropshipStatus.SHIPPED,
        target=DropshipStatus.CLOSED,
        permission="supply_chain_ops.close_dropshiporder",
        custom=transition_options(label="Close", done_label="Closed", event=DROPSHIP_CLOSED),
    )
    def close(self) -> None:
        """Finish: every line was delivered; the purchase orders are closed."""

    @transition(
        field=status,
        source=[DropshipStatus.PENDING, DropshipStatus.PURCHASE_ORDERS_CREATED, DropshipStatus.EXCEPTION],
        target=DropshipStatus.CANCELLED,
        permission="supply_chain_ops.cancel_dropshiporder",
        custom=transition_options(
            label="Cancel",
            done_label="Cancelled",
            requires_reason=True,
            allow_system=True,
            event=DROPSHIP_CANCELLED,
        ),
    )
    def cancel(self) -> None:
        """Call it off: its purchase orders are cancelled (sent ones with a notice to the vendor)."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The ``supply_chain.dropship_*`` payload: the order, its state and its lines."""
        return {
            "dropship_order_id": self.pk,
            "number": self.number,
            "sales_order_id": self.sales_order_id,
            "status": self.status,
            "exception_kind": self.exception_kind,
            "lines": [
                {
                    "line_id": line.pk,
                    "sales_order_line_id": line.sales_order_line_id,
                    "product_id": line.product_id,
                    "quantity": line.quantity,
                    "shipped_quantity": line.shipped_quantity,
                    "vendor_id": line.vendor_id,
                    "purchase_order_id": line.purchase_order_id,
                }
                for line in self.lines.order_by("id")
            ],
        }


class VendorChoice(models.TextChoices):
    TERMS = "terms", "From the vendor terms"
    BUYER = "buyer", "Picked by a buyer"


class DropshipLine(TenantScopedModel):
    """One dropship sales-order line: the vendor chosen for it, its purchase-order line, what shipped."""

    order = models.ForeignKey(DropshipOrder, on_delete=models.CASCADE, related_name="lines")
    sales_order_line = models.ForeignKey("sales.SalesOrderLine", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64, editable=False)
    unit = models.CharField(max_length=16, editable=False)
    quantity = quantity_field("quantity", validators=[MinValueValidator(Decimal("0.0001"))], editable=False)
    vendor = models.ForeignKey(
        "procurement.Vendor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vendor_choice = models.CharField(max_length=8, choices=VendorChoice.choices, blank=True, editable=False)
    vendor_sku = models.CharField("vendor SKU", max_length=64, blank=True, editable=False)
    unit_price = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        editable=False,
        help_text="The vendor's price when it was chosen, in its currency.",
    )
    currency = models.CharField(max_length=3, blank=True, editable=False)
    lead_time_days = models.PositiveSmallIntegerField(
        "quoted lead time (days)", null=True, blank=True, editable=False
    )
    problem = models.TextField(blank=True, editable=False, help_text="Why no vendor could be chosen.")
    purchase_order = models.ForeignKey(
        "procurement.PurchaseOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purchase_order_line = models.ForeignKey(
        "procurement.PurchaseOrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shipped_quantity = quantity_field("shipped", default=ZERO, editable=False)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "dropship line"
        ordering = ["order_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["tenant", "sales_order_line"], name="supply_chain_dropshipline_one_per_sales_line"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0, shipped_quantity__gte=0, shipped_quantity__lte=F("quantity")),
                name="supply_chain_dropshipline_shipped_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.quantity.normalize():f} {self.sku}"

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.shipped_quantity


class DropshipShipment(TenantScopedModel):
    """A vendor's shipment notice: which lines left, with which tracking number, and the sales shipment."""

    order = models.ForeignKey(DropshipOrder, on_delete=models.PROTECT, related_name="shipments")
    tracking_number = models.CharField(max_length=100)
    carrier = models.CharField(max_length=100, blank=True)
    shipped_at = models.DateTimeField()
    sales_shipment = models.ForeignKey(
        "sales.Shipment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_by = models.CharField(
        max_length=255, blank=True, help_text="Who reported it (a vendor's token or a buyer)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "dropship vendor shipment"
        ordering = ["order_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            # A notice repeated with its tracking number is the same notice, never a second shipment.
            models.UniqueConstraint(
                fields=["order", "tracking_number"], name="supply_chain_dropshipshipment_tracking_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.tracking_number}"


class DropshipShipmentLine(TenantScopedModel):
    """A quantity of one dropship line in a vendor shipment."""

    shipment = models.ForeignKey(DropshipShipment, on_delete=models.PROTECT, related_name="lines")
    line = models.ForeignKey(DropshipLine, on_delete=models.PROTECT, related_name="shipment_lines")
    quantity = quantity_field("quantity", validators=[MinValueValidator(Decimal("0.0001"))])

    class Meta(TenantScopedModel.Meta):
        ordering = ["shipment_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supply_chain_dropshipshipline_qty_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.quantity.normalize():f}"
