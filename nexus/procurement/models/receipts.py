"""Goods receipts: what arrived against a purchase order, posted into stock at the order's cost."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options
from nexus.inventory.document_fields import quantity_field
from nexus.inventory.quantities import COST_DIGITS, COST_PLACES

GOODS_RECEIVED = "procurement.goods_received"


class GoodsReceiptStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    POSTED = "posted", "Posted"


@condition("the receipt has no lines")
def receipt_has_lines(receipt: "GoodsReceipt") -> bool:
    return bool(list(receipt.lines.all()))


class GoodsReceipt(VersionedWorkflowModel, TenantScopedModel):
    """Goods that arrived at the order's warehouse. Posting moves them into stock; then it is final.

    ``location`` is where the goods are put (blank: the warehouse's first stock location).
    """

    number = models.CharField(max_length=32, editable=False)
    purchase_order = models.ForeignKey(
        "procurement.PurchaseOrder", on_delete=models.PROTECT, related_name="receipts"
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the goods go; blank for the warehouse's first stock location.",
    )
    received_at = models.DateTimeField(default=timezone.now, help_text="When the goods arrived.")
    delivery_note = models.CharField(
        max_length=100, blank=True, help_text="The vendor's delivery note number."
    )
    notes = models.TextField(blank=True)
    status = FSMField(
        max_length=16, choices=GoodsReceiptStatus.choices, default=GoodsReceiptStatus.DRAFT, protected=True
    )
    posted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-received_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="procurement_goodsreceipt_number_uniq"),
        ]
        permissions = [("post_goodsreceipt", "Can post goods receipt")]

    def __str__(self) -> str:
        return self.number or f"Goods receipt #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == GoodsReceiptStatus.DRAFT

    @transition(
        field=status,
        source=GoodsReceiptStatus.DRAFT,
        target=GoodsReceiptStatus.POSTED,
        conditions=[receipt_has_lines],
        permission="procurement.post_goodsreceipt",
        custom=transition_options(label="Post", done_label="Posted", event=GOODS_RECEIVED),
    )
    def post(self) -> None:
        """Put the goods into stock (the posting service's writes) and make the receipt final."""
        self.posted_at = timezone.now()

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The ``procurement.goods_received`` payload: the receipt and its posted lines."""
        order = self.purchase_order
        lines = self.lines.select_related("purchase_order_line").order_by("id")
        return {
            "receipt_id": self.pk,
            "number": self.number,
            "purchase_order_id": order.pk,
            "vendor_id": order.vendor_id,
            "warehouse_id": order.warehouse_id,
            "received_at": self.received_at,
            "lines": [
                {
                    "receipt_line_id": line.pk,
                    "purchase_order_line_id": line.purchase_order_line_id,
                    "product_id": line.purchase_order_line.product_id,
                    "quantity": line.quantity,
                    "unit_cost": line.unit_cost,
                    "move_id": line.stock_move_id,
                }
                for line in lines
            ],
        }


class GoodsReceiptLine(TenantScopedModel):
    """A quantity of one purchase-order line that arrived. Posting fills its cost and stock move."""

    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    purchase_order_line = models.ForeignKey(
        "procurement.PurchaseOrderLine", on_delete=models.PROTECT, related_name="receipt_lines"
    )
    quantity = quantity_field(validators=[MinValueValidator(Decimal("0.0001"))])
    unit_cost = models.DecimalField(
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        null=True,
        blank=True,
        editable=False,
        help_text="The order's unit price in the tenant's currency, fixed when the receipt is posted.",
    )
    stock_move = models.ForeignKey(
        "inventory.StockMove",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The receipt move (and so the cost layer) posting created.",
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["receipt_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="procurement_grline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt}: {self.quantity.normalize():f}"
