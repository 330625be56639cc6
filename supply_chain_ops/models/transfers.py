"""Transfer orders: goods sent from one warehouse to another, through the source's transit location.

``draft → approved → shipped → partially_received → received → closed`` (``cancelled`` before
shipping). The writes of each step (reserving, shipping, receiving, writing off, releasing) are
declared in ``SupplyChainOpsConfig.ready`` and live in ``supply_chain_ops.workflows.transfers``.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options

#: The reservation source type of a transfer-order line (``app_label.model``).
LINE_SOURCE_TYPE = "supply_chain_ops.transferorderline"
#: The document type the transfer's stock moves name.
DOCUMENT_TYPE = "supply_chain_ops.transferorder"

QUANTITY_DIGITS = 18  # the stock ledger's scale (docs/inventory.md)
QUANTITY_PLACES = 4
ZERO = Decimal(0)


def quantity_field(verbose_name: str, **kwargs: Any) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(
        verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **kwargs
    )


class TransferOrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SHIPPED = "shipped", "Shipped"
    PARTIALLY_RECEIVED = "partially_received", "Partially received"
    RECEIVED = "received", "Received"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


#: States in which goods are on their way (shipped, not all received or written off).
IN_TRANSIT_STATES = (TransferOrderStatus.SHIPPED, TransferOrderStatus.PARTIALLY_RECEIVED)
#: States in which the transfer still counts as supply or demand.
OPEN_STATES = (TransferOrderStatus.DRAFT, TransferOrderStatus.APPROVED, *IN_TRANSIT_STATES)

TRANSFER_APPROVED = "supply_chain.transfer_approved"
TRANSFER_SHIPPED = "supply_chain.transfer_shipped"
TRANSFER_RECEIVED = "supply_chain.transfer_received"
TRANSFER_CLOSED = "supply_chain.transfer_closed"
TRANSFER_CANCELLED = "supply_chain.transfer_cancelled"


def _lines(order: "TransferOrder") -> list["TransferOrderLine"]:
    return list(order.lines.all())


@condition("the transfer order has no lines")
def has_lines(order: "TransferOrder") -> bool:
    return bool(_lines(order))


class TransferOrder(VersionedWorkflowModel, TenantScopedModel):
    """Goods to move from ``source_warehouse`` to ``destination_warehouse``.

    Approval reserves the lines at the source (required on ``ship_date``); shipping consumes
    those reservations and moves the goods into the source's transit location; receipts move
    them on into the destination's stock; closing writes off what never arrived.
    """

    number = models.CharField(max_length=32, editable=False)
    source_warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    destination_warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="+"
    )
    ship_date = models.DateField(default=timezone.localdate, help_text="When the goods should leave.")
    expected_date = models.DateField(help_text="When the goods are expected at the destination.")
    notes = models.TextField(blank=True)
    status = FSMField(
        max_length=20, choices=TransferOrderStatus.choices, default=TransferOrderStatus.DRAFT, protected=True
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    shipped_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    write_off_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="supply_chain_transfer_number_uniq"),
            models.CheckConstraint(
                condition=~Q(source_warehouse=F("destination_warehouse")),
                name="supply_chain_transfer_two_warehouses",
                violation_error_message="A transfer goes between two different warehouses.",
            ),
            models.CheckConstraint(
                condition=Q(expected_date__gte=F("ship_date")),
                name="supply_chain_transfer_arrives_after_shipping",
                violation_error_message="The expected arrival cannot be before the ship date.",
            ),
        ]
        permissions = [
            ("approve_transferorder", "Can approve transfer order"),
            ("ship_transferorder", "Can ship transfer order"),
            ("receive_transferorder", "Can receive transfer order"),
            ("close_transferorder", "Can close transfer order"),
            ("cancel_transferorder", "Can cancel transfer order"),
        ]

    def __str__(self) -> str:
        return self.number or f"Transfer order #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == TransferOrderStatus.DRAFT

    @transition(
        field=status,
        source=TransferOrderStatus.DRAFT,
        target=TransferOrderStatus.APPROVED,
        conditions=[has_lines],
        permission="supply_chain_ops.approve_transferorder",
        custom=transition_options(label="Approve", done_label="Approved", event=TRANSFER_APPROVED),
    )
    def approve(self) -> None:
        """Commit to the transfer: its quantities are reserved at the source."""
        self.approved_at = timezone.now()

    @transition(
        field=status,
        source=TransferOrderStatus.APPROVED,
        target=TransferOrderStatus.SHIPPED,
        permission="supply_chain_ops.ship_transferorder",
        custom=transition_options(label="Ship", done_label="Shipped", event=TRANSFER_SHIPPED),
    )
    def ship(self) -> None:
        """The goods leave: the reservations are consumed and the goods go into transit."""
        self.shipped_at = timezone.now()

    @transition(
        field=status,
        source=[TransferOrderStatus.SHIPPED, TransferOrderStatus.PARTIALLY_RECEIVED],
        target=TransferOrderStatus.PARTIALLY_RECEIVED,
        permission="supply_chain_ops.receive_transferorder",
        custom=transition_options(label="Receive part", event=TRANSFER_RECEIVED),
    )
    def receive_part(self) -> None:
        """A receipt that leaves goods in transit."""

    @transition(
        field=status,
        source=[TransferOrderStatus.SHIPPED, TransferOrderStatus.PARTIALLY_RECEIVED],
        target=TransferOrderStatus.RECEIVED,
        permission="supply_chain_ops.receive_transferorder",
        custom=transition_options(label="Receive the rest", done_label="Received", event=TRANSFER_RECEIVED),
    )
    def receive_all(self) -> None:
        """The receipt that brings in everything still in transit."""

    @transition(
        field=status,
        source=[*IN_TRANSIT_STATES, TransferOrderStatus.RECEIVED],
        target=TransferOrderStatus.CLOSED,
        permission="supply_chain_ops.close_transferorder",
        custom=transition_options(label="Close", done_label="Closed", event=TRANSFER_CLOSED),
    )
    def close(self) -> None:
        """Finish the transfer; what is still in transit is written off (with a reason)."""
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=[TransferOrderStatus.DRAFT, TransferOrderStatus.APPROVED],
        target=TransferOrderStatus.CANCELLED,
        permission="supply_chain_ops.cancel_transferorder",
        custom=transition_options(
            label="Cancel",
            done_label="Cancelled",
            requires_reason=True,
            event=TRANSFER_CANCELLED,
            allow_system=True,  # a planning run withdraws the drafts it proposed
        ),
    )
    def cancel(self) -> None:
        """Call the transfer off before it ships; its reservations are released."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The ``supply_chain.transfer_*`` payload: the order, its state and its lines' figures."""
        return {
            "transfer_order_id": self.pk,
            "number": self.number,
            "source_warehouse_id": self.source_warehouse_id,
            "destination_warehouse_id": self.destination_warehouse_id,
            "status": self.status,
            "expected_date": self.expected_date,
            "lines": [
                {
                    "line_id": line.pk,
                    "product_id": line.product_id,
                    "quantity": line.quantity,
                    "shipped_quantity": line.shipped_quantity,
                    "received_quantity": line.received_quantity,
                    "written_off_quantity": line.written_off_quantity,
                }
                for line in self.lines.order_by("id")
            ],
        }


class TransferOrderLine(TenantScopedModel):
    """A quantity of one product to transfer, with what was shipped, received and written off."""

    order = models.ForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(
        max_length=64, editable=False, help_text="The product's SKU when the line was added."
    )
    unit = models.CharField(max_length=16, editable=False)
    quantity = quantity_field("quantity", validators=[MinValueValidator(Decimal("0.0001"))])
    shipped_quantity = quantity_field("shipped", default=ZERO, editable=False)
    received_quantity = quantity_field("received", default=ZERO, editable=False)
    written_off_quantity = quantity_field("written off", default=ZERO, editable=False)

    class Meta(TenantScopedModel.Meta):
        ordering = ["order_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supply_chain_transferline_quantity_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0, shipped_quantity__lte=F("quantity")),
                name="supply_chain_transferline_shipped_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0, written_off_quantity__gte=0)
                & Q(shipped_quantity__gte=F("received_quantity") + F("written_off_quantity")),
                name="supply_chain_transferline_arrived_within_shipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.quantity.normalize():f} {self.sku}"

    @property
    def in_transit(self) -> Decimal:
        """Shipped, neither received nor written off yet."""
        return self.shipped_quantity - self.received_quantity - self.written_off_quantity
