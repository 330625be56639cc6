"""Returns (RMA): goods a customer sends back, approved, received, inspected and resolved.

``draft → submitted → approved | rejected``; ``approved → awaiting_receipt →
partially_received → received → inspected → resolved → closed``; ``cancelled`` from any state
before the first receipt. The writes of each step are declared in ``SupplyChainOpsConfig.ready``
and live in ``supply_chain_ops.workflows.rmas``.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options

from .transfers import ZERO, quantity_field

#: The reservation and stock-move source type of an RMA line (``app_label.model``).
LINE_SOURCE_TYPE = "supply_chain_ops.rmaline"
#: The document type the RMA's stock moves name.
DOCUMENT_TYPE = "supply_chain_ops.rma"

PRICE_DIGITS = 20
PRICE_PLACES = 6


class RmaStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    AWAITING_RECEIPT = "awaiting_receipt", "Awaiting receipt"
    PARTIALLY_RECEIVED = "partially_received", "Partially received"
    RECEIVED = "received", "Received"
    INSPECTED = "inspected", "Inspected"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Resolution(models.TextChoices):
    REFUND = "refund", "Refund"
    REPLACEMENT = "replacement", "Replacement"
    REPAIR = "repair", "Repair"
    RETURN_TO_VENDOR = "return_to_vendor", "Return to vendor"


class Disposition(models.TextChoices):
    RESTOCK = "restock", "Restock"
    SCRAP = "scrap", "Scrap"
    REPAIR = "repair", "Repair"
    RETURN_TO_VENDOR = "return_to_vendor", "Return to vendor"


#: States whose requested quantities count against what a sales-order line may still return.
#: A draft claims nothing until it is submitted.
CLAIMING_STATES = tuple(
    s for s in RmaStatus.values if s not in (RmaStatus.DRAFT, RmaStatus.REJECTED, RmaStatus.CANCELLED)
)
#: States before the first receipt, from which an RMA may be cancelled.
CANCELLABLE_STATES = (
    RmaStatus.DRAFT,
    RmaStatus.SUBMITTED,
    RmaStatus.APPROVED,
    RmaStatus.AWAITING_RECEIPT,
)
RECEIVING_STATES = (RmaStatus.APPROVED, RmaStatus.AWAITING_RECEIPT, RmaStatus.PARTIALLY_RECEIVED)

RMA_SUBMITTED = "supply_chain.rma_submitted"
RMA_APPROVED = "supply_chain.rma_approved"
RMA_REJECTED = "supply_chain.rma_rejected"
RMA_RECEIVED = "supply_chain.rma_received"
RMA_INSPECTED = "supply_chain.rma_inspected"
RMA_RESOLVED = "supply_chain.rma_resolved"
RMA_CLOSED = "supply_chain.rma_closed"
RMA_CANCELLED = "supply_chain.rma_cancelled"


def _lines(rma: "Rma") -> list["RmaLine"]:
    return list(rma.lines.all())


@condition("the RMA has no lines")
def has_lines(rma: "Rma") -> bool:
    return bool(_lines(rma))


@condition("goods have already been received; it can no longer be cancelled")
def nothing_received(rma: "Rma") -> bool:
    return all(line.received_quantity == 0 for line in _lines(rma))


def system_only(instance: Any, user: Any) -> bool:
    """No person performs this step: it follows another one."""
    return False


class RmaReason(TenantScopedModel):
    """Why customers return goods: the tenant's own list of reason codes."""

    code = models.CharField(max_length=32, help_text="Short code, unique ignoring case (e.g. DAMAGED).")
    name = models.CharField(max_length=200)
    defective = models.BooleanField(
        default=False, help_text="Goods returned for this reason are presumed defective (no restocking fee)."
    )
    active = models.BooleanField(default=True)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "return reason"
        ordering = ["code"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                models.F("tenant"),
                Lower("code"),
                name="supply_chain_rmareason_code_uniq",
                violation_error_message="A reason with this code already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Rma(VersionedWorkflowModel, TenantScopedModel):
    """A customer's return of goods shipped on one sales order (``RMA-2026-000001``).

    Lines name the sales-order lines returned; the credit note or replacement order that
    resolved it are linked here (and the replacement names this RMA as its cause).
    """

    number = models.CharField(max_length=32, editable=False)
    customer = models.ForeignKey("sales.Customer", on_delete=models.PROTECT, related_name="+")
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, related_name="+")
    order_number = models.CharField(max_length=32, editable=False, help_text="The sales order's number.")
    reason = models.ForeignKey(RmaReason, on_delete=models.PROTECT, related_name="rmas")
    requested_resolution = models.CharField(max_length=20, choices=Resolution.choices)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the goods come back to (its quality-hold location).",
    )
    currency = models.CharField(max_length=3, editable=False, help_text="The sales order's currency.")
    notes = models.TextField(blank=True)
    window_override_reason = models.TextField(
        blank=True, help_text="Why the return is accepted after the return window (needs permission)."
    )
    status = FSMField(max_length=20, choices=RmaStatus.choices, default=RmaStatus.DRAFT, protected=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    inspected_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    credit_note = models.ForeignKey(
        "receivable.CreditNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    replacement_order = models.ForeignKey(
        "sales.SalesOrder", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    restocking_fee = models.DecimalField(
        max_digits=18, decimal_places=4, default=ZERO, editable=False, help_text="Deducted from the refund."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "RMA"
        verbose_name_plural = "RMAs"
        ordering = ["-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="supply_chain_rma_number_uniq"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="supply_chain_rma_status_idx")]
        permissions = [
            ("submit_rma", "Can submit RMA"),
            ("approve_rma", "Can approve or reject RMA"),
            ("receive_rma", "Can receive RMA goods"),
            ("inspect_rma", "Can inspect RMA goods"),
            ("resolve_rma", "Can resolve RMA"),
            ("close_rma", "Can close RMA"),
            ("cancel_rma", "Can cancel RMA"),
            ("override_rma_window", "Can accept a return after the return window"),
        ]

    def __str__(self) -> str:
        return self.number or f"RMA #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == RmaStatus.DRAFT

    @transition(
        field=status,
        source=RmaStatus.DRAFT,
        target=RmaStatus.SUBMITTED,
        conditions=[has_lines],
        permission="supply_chain_ops.submit_rma",
        custom=transition_options(label="Submit", done_label="Submitted", event=RMA_SUBMITTED),
    )
    def submit(self) -> None:
        """Ask for approval: the quantities are claimed against what was shipped (under a lock)."""

    @transition(
        field=status,
        source=RmaStatus.SUBMITTED,
        target=RmaStatus.APPROVED,
        conditions=[has_lines],
        permission="supply_chain_ops.approve_rma",
        custom=transition_options(label="Approve", done_label="Approved", event=RMA_APPROVED),
    )
    def approve(self) -> None:
        """Accept the return: the requested quantities are approved and the customer told."""

    @transition(
        field=status,
        source=RmaStatus.SUBMITTED,
        target=RmaStatus.REJECTED,
        permission="supply_chain_ops.approve_rma",
        custom=transition_options(
            label="Reject", done_label="Rejected", requires_reason=True, event=RMA_REJECTED
        ),
    )
    def reject(self) -> None:
        """Refuse the return, saying why; the customer is told."""

    @transition(
        field=status,
        source=RmaStatus.APPROVED,
        target=RmaStatus.AWAITING_RECEIPT,
        permission=system_only,
        custom=transition_options(label="Await the goods", allow_system=True),
    )
    def await_receipt(self) -> None:
        """The customer was sent the return instructions; the goods are expected."""

    @transition(
        field=status,
        source=list(RECEIVING_STATES),
        target=RmaStatus.PARTIALLY_RECEIVED,
        permission="supply_chain_ops.receive_rma",
        custom=transition_options(label="Receive part", event=RMA_RECEIVED),
    )
    def receive_part(self) -> None:
        """A receipt that leaves approved goods still to come."""

    @transition(
        field=status,
        source=list(RECEIVING_STATES),
        target=RmaStatus.RECEIVED,
        permission="supply_chain_ops.receive_rma",
        custom=transition_options(label="Receive the rest", done_label="Received", event=RMA_RECEIVED),
    )
    def receive_all(self) -> None:
        """The receipt that brings in everything approved."""

    @transition(
        field=status,
        source=RmaStatus.RECEIVED,
        target=RmaStatus.INSPECTED,
        permission="supply_chain_ops.inspect_rma",
        custom=transition_options(label="Inspect", done_label="Inspected", event=RMA_INSPECTED),
    )
    def inspect(self) -> None:
        """Every received quantity was inspected and disposed of (restock, scrap, repair, vendor)."""

    @transition(
        field=status,
        source=RmaStatus.INSPECTED,
        target=RmaStatus.RESOLVED,
        permission="supply_chain_ops.resolve_rma",
        custom=transition_options(label="Resolve", done_label="Resolved", event=RMA_RESOLVED),
    )
    def resolve(self) -> None:
        """Refund (a credit note) or replace (a sales order), once; repairs and vendor returns are done."""

    @transition(
        field=status,
        source=RmaStatus.RESOLVED,
        target=RmaStatus.CLOSED,
        permission="supply_chain_ops.close_rma",
        custom=transition_options(label="Close", done_label="Closed", event=RMA_CLOSED),
    )
    def close(self) -> None:
        """Finish the return."""

    @transition(
        field=status,
        source=list(CANCELLABLE_STATES),
        target=RmaStatus.CANCELLED,
        conditions=[nothing_received],
        permission="supply_chain_ops.cancel_rma",
        custom=transition_options(
            label="Cancel", done_label="Cancelled", requires_reason=True, event=RMA_CANCELLED
        ),
    )
    def cancel(self) -> None:
        """Call the return off before anything arrived; its quantities are no longer claimed."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The ``supply_chain.rma_*`` payload: the RMA, its state and its lines' figures."""
        return {
            "rma_id": self.pk,
            "number": self.number,
            "customer_id": self.customer_id,
            "sales_order_id": self.sales_order_id,
            "warehouse_id": self.warehouse_id,
            "status": self.status,
            "requested_resolution": self.requested_resolution,
            "credit_note_id": self.credit_note_id,
            "replacement_order_id": self.replacement_order_id,
            "lines": [
                {
                    "line_id": line.pk,
                    "sales_order_line_id": line.sales_order_line_id,
                    "product_id": line.product_id,
                    "requested_quantity": line.requested_quantity,
                    "approved_quantity": line.approved_quantity,
                    "received_quantity": line.received_quantity,
                    "inspected_quantity": line.inspected_quantity,
                }
                for line in self.lines.order_by("id")
            ],
        }


class RmaLine(TenantScopedModel):
    """A quantity of one sales-order line to return, with what was approved, received and inspected.

    ``unit_price`` is the net price charged on the sales line and ``unit_cost`` the cost of what
    was shipped, both snapshotted when the line was added.
    """

    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="lines")
    sales_order_line = models.ForeignKey("sales.SalesOrderLine", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64, editable=False)
    unit = models.CharField(max_length=16, editable=False)
    description = models.CharField(max_length=200, editable=False)
    unit_price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES, editable=False)
    unit_cost = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES, editable=False)
    requested_quantity = quantity_field("requested", validators=[MinValueValidator(Decimal("0.0001"))])
    approved_quantity = quantity_field("approved", default=ZERO, editable=False)
    received_quantity = quantity_field("received", default=ZERO, editable=False)
    inspected_quantity = quantity_field("inspected", default=ZERO, editable=False)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "RMA line"
        ordering = ["rma_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["rma", "sales_order_line"], name="supply_chain_rmaline_once"),
            models.CheckConstraint(
                condition=Q(requested_quantity__gt=0), name="supply_chain_rmaline_requested_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(approved_quantity__gte=0, approved_quantity__lte=F("requested_quantity")),
                name="supply_chain_rmaline_approved_within_requested",
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0, received_quantity__lte=F("approved_quantity")),
                name="supply_chain_rmaline_received_within_approved",
            ),
            models.CheckConstraint(
                condition=Q(inspected_quantity__gte=0, inspected_quantity__lte=F("received_quantity")),
                name="supply_chain_rmaline_inspected_within_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rma}: {self.requested_quantity.normalize():f} {self.sku}"

    @property
    def to_receive(self) -> Decimal:
        """Approved, not received yet."""
        return self.approved_quantity - self.received_quantity


class RmaReceipt(TenantScopedModel):
    """Goods of one RMA line that arrived in quality hold, valued at the cost of what was shipped."""

    rma = models.ForeignKey(Rma, on_delete=models.PROTECT, related_name="receipts")
    line = models.ForeignKey(RmaLine, on_delete=models.PROTECT, related_name="receipts")
    quantity = quantity_field("quantity")
    value = models.DecimalField(max_digits=20, decimal_places=4, editable=False)
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.CharField(max_length=255, editable=False)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "RMA receipt"
        ordering = ["rma_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supply_chain_rmareceipt_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.rma}: {self.quantity.normalize():f} received"


class RmaInspection(TenantScopedModel):
    """What became of an inspected quantity of one RMA line (its disposition and ledger move)."""

    rma = models.ForeignKey(Rma, on_delete=models.PROTECT, related_name="inspections")
    line = models.ForeignKey(RmaLine, on_delete=models.PROTECT, related_name="inspections")
    quantity = quantity_field("quantity")
    disposition = models.CharField(max_length=20, choices=Disposition.choices)
    defective = models.BooleanField(default=False)
    note = models.CharField(max_length=255, blank=True)
    vendor = models.ForeignKey(
        "procurement.Vendor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vendor_return_number = models.CharField(max_length=32, blank=True, editable=False)
    repaired_quantity = quantity_field("repaired", default=ZERO, editable=False)
    value = models.DecimalField(max_digits=20, decimal_places=4, editable=False)
    inspected_at = models.DateTimeField(auto_now_add=True)
    inspected_by = models.CharField(max_length=255, editable=False)

    class Meta(TenantScopedModel.Meta):
        verbose_name = "RMA inspection"
        ordering = ["rma_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supply_chain_rmainspection_quantity_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(repaired_quantity__gte=0, repaired_quantity__lte=F("quantity")),
                name="supply_chain_rmainspection_repaired_within_quantity",
            ),
            models.CheckConstraint(
                condition=~Q(disposition=Disposition.RETURN_TO_VENDOR) | Q(vendor__isnull=False),
                name="supply_chain_rmainspection_vendor_for_vendor_returns",
                violation_error_message="A return to vendor names the vendor.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rma}: {self.quantity.normalize():f} {self.get_disposition_display().lower()}"

    @property
    def in_repair(self) -> Decimal:
        return self.quantity - self.repaired_quantity if self.disposition == Disposition.REPAIR else ZERO
