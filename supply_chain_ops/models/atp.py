"""Promises against future supply, and the lead times learnt from receipt history.

An inventory reservation can only hold stock on hand; a ``Promise`` holds future supply for a
sales-order line. It counts as demand in ATP until it is fulfilled (turned into reservations
when the goods arrive), released, or — a quote's — past its expiry time.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, WorkflowModel
from nexus.core.models.refs import ActorFields
from nexus.core.transitions import transition_options

from .transfers import quantity_field

PROMISE_FULFILLED = "supply_chain.promise_fulfilled"
PROMISE_RELEASED = "supply_chain.promise_released"


class PromiseKind(models.TextChoices):
    QUOTE = "quote", "Quote (expires)"
    FIRM = "firm", "Firm (confirmed order)"


class PromiseStatus(models.TextChoices):
    OPEN = "open", "Open"
    FULFILLED = "fulfilled", "Fulfilled"
    RELEASED = "released", "Released"


class Promise(WorkflowModel, TenantScopedModel, ActorFields):
    """``quantity`` of a product from a warehouse for a sales-order line, by ``promised_date``.

    ``reserved_quantity`` grows as a firm promise turns into reservations on receipt; the rest
    (``open_quantity``) is demand in ATP while the promise is open (a quote only until
    ``expires_at``).
    """

    sales_line = models.ForeignKey("sales.SalesOrderLine", on_delete=models.PROTECT, related_name="+")
    order_number = models.CharField(max_length=32, editable=False)
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    quantity = quantity_field("quantity")
    reserved_quantity = quantity_field("reserved quantity", default=Decimal(0), editable=False)
    promised_date = models.DateField()
    kind = models.CharField(max_length=8, choices=PromiseKind.choices, editable=False)
    status = FSMField(
        max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN, protected=True
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="A quote stops counting after this.")
    basis = models.CharField(max_length=16, help_text="atp: within the horizon; lead_time: beyond it.")
    confidence = models.DecimalField(max_digits=5, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["promised_date", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sco_promise_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(reserved_quantity__gte=0, reserved_quantity__lte=F("quantity")),
                name="sco_promise_reserved_within_quantity",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "warehouse", "status"], name="sco_promise_pw_status_idx"),
            models.Index(fields=["sales_line", "status"], name="sco_promise_line_status_idx"),
        ]
        permissions = [("release_promise", "Can release promise")]

    def __str__(self) -> str:
        return f"Promise #{self.pk}: {self.quantity} by {self.promised_date} ({self.status})"

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.reserved_quantity

    @transition(
        field=status,
        source=PromiseStatus.OPEN,
        target=PromiseStatus.FULFILLED,
        permission="supply_chain_ops.change_promise",
        custom=transition_options(
            label="Fulfil", done_label="Fulfilled", event=PROMISE_FULFILLED, allow_system=True
        ),
    )
    def fulfil(self) -> None:
        """The goods arrived and are reserved for the line in full."""

    @transition(
        field=status,
        source=PromiseStatus.OPEN,
        target=PromiseStatus.RELEASED,
        permission="supply_chain_ops.release_promise",
        custom=transition_options(
            label="Release", done_label="Released", event=PROMISE_RELEASED, allow_system=True
        ),
    )
    def release(self) -> None:
        """Give the promised supply back to ATP."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        return {
            "promise_id": self.pk,
            "sales_line_id": self.sales_line_id,
            "product_id": self.product_id,
            "warehouse_id": self.warehouse_id,
            "quantity": self.quantity,
            "reserved_quantity": self.reserved_quantity,
            "promised_date": self.promised_date,
        }


class VendorLeadTime(TenantScopedModel):
    """A vendor's lead time for a product, learnt from purchase order → receipt history."""

    vendor = models.ForeignKey("procurement.Vendor", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    days = models.PositiveIntegerField(
        help_text="Promised lead time: ceil(mean + z * sigma), peak buffer aside."
    )
    mean_days = models.DecimalField(max_digits=8, decimal_places=2)
    sigma_days = models.DecimalField(max_digits=8, decimal_places=2)
    on_time_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    confidence = models.DecimalField(max_digits=5, decimal_places=4)
    receipts_counted = models.PositiveIntegerField()
    quoted_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="The vendor's quoted lead time when this was computed."
    )
    source = models.CharField(max_length=8, help_text="history, or quoted while history is thin.")
    computed_at = models.DateTimeField()

    class Meta(TenantScopedModel.Meta):
        ordering = ["vendor_id", "product_id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["vendor", "product"], name="sco_leadtime_vendor_product_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id}/{self.product_id}: {self.days} days ({self.source})"
