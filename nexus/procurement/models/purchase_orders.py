"""Purchase orders: what is bought from a vendor, for which warehouse, when it should arrive."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options
from nexus.inventory.document_fields import price_field, quantity_field


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    PARTIALLY_RECEIVED = "partially_received", "Partially received"
    RECEIVED = "received", "Received"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# States in which goods are still expected (open lines count as supply).
OPEN_PURCHASE_STATES = (PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTIALLY_RECEIVED)
# States in which goods may be received against the order.
RECEIVABLE_STATES = OPEN_PURCHASE_STATES


def nobody(instance: Any, user: Any) -> bool:
    """No person may perform this transition: the system does, as a consequence of a posting."""
    return False


def _lines(order: "PurchaseOrder") -> list["PurchaseOrderLine"]:
    # Uses the prefetched lines when a screen or serializer loaded them (no query per row).
    return list(order.lines.all())


@condition("the purchase order has no lines")
def has_lines(order: "PurchaseOrder") -> bool:
    return bool(_lines(order))


@condition(lambda order: f"the vendor {order.vendor.code} is inactive")
def vendor_is_active(order: "PurchaseOrder") -> bool:
    return bool(order.vendor.active)


def _rate_problem(order: "PurchaseOrder") -> str:
    own = order.tenant.default_currency
    if order.currency_id == own and order.exchange_rate != 1:
        return f"the order is in {own}, the tenant's own currency, so its exchange rate must be 1"
    if order.currency_id != own and order.exchange_rate == 1:
        return f"set the exchange rate from {order.currency_id} to {own} (it is still 1)"
    return ""


@condition(_rate_problem)
def exchange_rate_fits(order: "PurchaseOrder") -> bool:
    return not _rate_problem(order)


@condition("goods were already received against it; close it instead")
def nothing_received(order: "PurchaseOrder") -> bool:
    return all(line.received_quantity == 0 for line in _lines(order))


@condition("no goods have been received against it yet")
def something_received(order: "PurchaseOrder") -> bool:
    return any(line.received_quantity > 0 for line in _lines(order))


@condition("some lines are not fully received")
def everything_received(order: "PurchaseOrder") -> bool:
    lines = _lines(order)
    return bool(lines) and all(line.received_quantity >= line.quantity for line in lines)


@condition("every line is fully received")
def something_open(order: "PurchaseOrder") -> bool:
    return any(line.received_quantity < line.quantity for line in _lines(order))


class PurchaseOrder(VersionedWorkflowModel, TenantScopedModel):
    """An order to a vendor. Drafts are edited freely; once sent only receipts and closing change it.

    ``exchange_rate`` converts the order's currency into the tenant's: goods are valued in stock
    at ``unit_price * exchange_rate`` (1 when the order is in the tenant's own currency).
    """

    number = models.CharField(max_length=32, editable=False, help_text="Assigned when the order is created.")
    vendor = models.ForeignKey("procurement.Vendor", on_delete=models.PROTECT, related_name="purchase_orders")
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        help_text="Where the goods are delivered.",
    )
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text="Units of the tenant's currency per unit of the order's (1 for the same currency).",
    )
    status = FSMField(
        max_length=20, choices=PurchaseOrderStatus.choices, default=PurchaseOrderStatus.DRAFT, protected=True
    )
    order_date = models.DateField(default=timezone.localdate)
    vendor_reference = models.CharField(
        max_length=100, blank=True, help_text="The vendor's confirmation number."
    )
    notes = models.TextField(blank=True)
    dropship = models.BooleanField(
        default=False,
        editable=False,
        help_text="Shipped by the vendor straight to the ship-to address: a vendor shipment notice, "
        "not a goods receipt, delivers its lines.",
    )
    # Where a dropship order's goods go (the customer's shipping address); blank otherwise.
    ship_to_name = models.CharField("ship to", max_length=200, blank=True, editable=False)
    ship_to_address_line1 = models.CharField("ship-to address", max_length=200, blank=True, editable=False)
    ship_to_address_line2 = models.CharField(
        "ship-to address (continued)", max_length=200, blank=True, editable=False
    )
    ship_to_postal_code = models.CharField("ship-to postal code", max_length=20, blank=True, editable=False)
    ship_to_city = models.CharField("ship-to city", max_length=100, blank=True, editable=False)
    ship_to_region = models.CharField("ship-to region", max_length=100, blank=True, editable=False)
    ship_to_country = models.CharField("ship-to country", max_length=2, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-order_date", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["tenant", "number"], name="procurement_purchaseorder_number_uniq"
            ),
            models.CheckConstraint(
                condition=Q(exchange_rate__gt=0), name="procurement_purchaseorder_rate_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(dropship=False) | ~Q(ship_to_name=""),
                name="procurement_purchaseorder_dropship_ships_to",
                violation_error_message="A dropship order names where the vendor ships to.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "warehouse"], name="proc_po_status_wh_idx"),
            # The lists' order (newest first), unfiltered and by status, without sorting every order.
            models.Index(fields=["order_date", "id"], name="proc_po_date_idx"),
            models.Index(fields=["status", "order_date", "id"], name="proc_po_status_date_idx"),
        ]
        permissions = [
            ("send_purchaseorder", "Can send purchase order"),
            ("close_purchaseorder", "Can close purchase order"),
            ("cancel_purchaseorder", "Can cancel purchase order"),
        ]

    def __str__(self) -> str:
        return self.number or f"Purchase order #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == PurchaseOrderStatus.DRAFT

    @property
    def ship_to(self) -> str:
        """The ship-to address on one line per part (blank parts left out)."""
        city = " ".join(part for part in (self.ship_to_postal_code, self.ship_to_city) if part)
        parts = (self.ship_to_address_line1, self.ship_to_address_line2, city, self.ship_to_region)
        return "\n".join(
            [*(part for part in parts if part), *([self.ship_to_country] if self.ship_to_country else [])]
        )

    @transition(
        field=status,
        source=PurchaseOrderStatus.DRAFT,
        target=PurchaseOrderStatus.SENT,
        conditions=[has_lines, vendor_is_active, exchange_rate_fits],
        permission="procurement.send_purchaseorder",
        custom=transition_options(label="Send", done_label="Sent", allow_system=True),
    )
    def send(self) -> None:
        """Commit the order to the vendor: from now on its open lines count as expected supply."""
        self.sent_at = timezone.now()

    @transition(
        field=status,
        source=PurchaseOrderStatus.SENT,
        target=PurchaseOrderStatus.PARTIALLY_RECEIVED,
        conditions=[something_received, something_open],
        permission=nobody,
        custom=transition_options(label="Record partial receipt", allow_system=True),
    )
    def record_partial_receipt(self) -> None:
        """Follow a posted receipt that left some lines open."""

    @transition(
        field=status,
        source=[PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTIALLY_RECEIVED],
        target=PurchaseOrderStatus.RECEIVED,
        conditions=[everything_received],
        permission=nobody,
        custom=transition_options(label="Record full receipt", allow_system=True),
    )
    def record_full_receipt(self) -> None:
        """Follow a posted receipt that completed every line."""

    @transition(
        field=status,
        source=[PurchaseOrderStatus.PARTIALLY_RECEIVED, PurchaseOrderStatus.RECEIVED],
        target=PurchaseOrderStatus.CLOSED,
        permission="procurement.close_purchaseorder",
        custom=transition_options(label="Close", done_label="Closed", allow_system=True),
    )
    def close(self) -> None:
        """Finish the order: nothing more is expected, whatever is still open on its lines."""

    @transition(
        field=status,
        source=[PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.SENT],
        target=PurchaseOrderStatus.CANCELLED,
        conditions=[nothing_received],
        permission="procurement.cancel_purchaseorder",
        custom=transition_options(
            label="Cancel", done_label="Cancelled", requires_reason=True, allow_system=True
        ),
    )
    def cancel(self) -> None:
        """Call the order off before anything was received."""


# Transitions that only follow postings; screens never offer them.
AUTOMATIC_PURCHASE_ORDER_TRANSITIONS = frozenset({"record_partial_receipt", "record_full_receipt"})


class PurchaseOrderLine(TenantScopedModel):
    """One product ordered: how many, at what price, expected when, and how many arrived."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="purchase_order_lines"
    )
    description = models.CharField(max_length=200, blank=True)
    vendor_sku = models.CharField("vendor SKU", max_length=64, blank=True)
    quantity = quantity_field(validators=[MinValueValidator(Decimal("0.0001"))])
    unit_price = price_field()
    expected_date = models.DateField(help_text="When the vendor should deliver this line.")
    received_quantity = quantity_field("received quantity", default=Decimal(0), editable=False)
    requisition_line = models.ForeignKey(
        "procurement.RequisitionLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="purchase_order_lines",
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["order_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="procurement_poline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="procurement_poline_price_gte_0"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0), name="procurement_poline_received_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "expected_date"], name="proc_poline_product_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order} / {self.product.sku}"

    @property
    def open_quantity(self) -> Decimal:
        """What is still expected (never negative: over-receipts within tolerance count as done)."""
        return max(self.quantity - self.received_quantity, Decimal(0))
