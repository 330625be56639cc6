"""Cross-docks: goods of one receipt staged for the sales orders that were waiting for them.

A record per receipt move (unique, so a redelivered event stages nothing twice), with a line
per sales-order line served. Nothing here has a state to move: the allocation is fixed when it
is made, and each line follows its pinned reservation (shipped, or released) through
``inventory.reservation_changed``.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from nexus.core.models import TenantScopedModel

from .transfers import ZERO, quantity_field

#: The document type the staging moves name.
DOCUMENT_TYPE = "supply_chain_ops.crossdock"
CROSS_DOCK_STAGED = "supply_chain.cross_dock_staged"


class CrossDock(TenantScopedModel):
    """What one receipt brought in, and how much of it went to staging for waiting orders."""

    number = models.CharField(max_length=32, editable=False)
    receipt_move_id = models.PositiveBigIntegerField(
        editable=False, help_text="The stock move that received the goods (one cross-dock per receipt)."
    )
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    staging_location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64, editable=False, help_text="The product's SKU at the receipt.")
    unit = models.CharField(max_length=16, editable=False)
    received_quantity = quantity_field("received", editable=False)
    staged_quantity = quantity_field("staged", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["tenant", "receipt_move_id"], name="supply_chain_crossdock_one_per_receipt"
            ),
            models.UniqueConstraint(fields=["tenant", "number"], name="supply_chain_crossdock_number_uniq"),
            models.CheckConstraint(
                condition=Q(staged_quantity__gt=0, staged_quantity__lte=F("received_quantity")),
                name="supply_chain_crossdock_staged_within_received",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CrossDockLine(TenantScopedModel):
    """Goods staged for one sales-order line, held by one pinned reservation."""

    cross_dock = models.ForeignKey(CrossDock, on_delete=models.CASCADE, related_name="lines")
    sales_order_line = models.ForeignKey("sales.SalesOrderLine", on_delete=models.PROTECT, related_name="+")
    order_number = models.CharField(max_length=32, editable=False)
    promised_date = models.DateField(editable=False)
    quantity = quantity_field("staged", editable=False)
    reservation_id = models.PositiveBigIntegerField(
        editable=False, db_index=True, help_text="The reservation pinned to the staged goods."
    )
    shipped_quantity = quantity_field("shipped", default=ZERO, editable=False)
    released_quantity = quantity_field(
        "released", default=ZERO, editable=False, help_text="Given up (order cancelled) before shipping."
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["cross_dock_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supply_chain_crossdockline_quantity_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0, released_quantity__gte=0)
                & Q(quantity__gte=F("shipped_quantity") + F("released_quantity")),
                name="supply_chain_crossdockline_done_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_number}: {self.quantity.normalize():f}"

    @property
    def waiting(self) -> Decimal:
        """Staged, neither shipped nor released yet."""
        return self.quantity - self.shipped_quantity - self.released_quantity


def waiting_lines() -> "models.QuerySet[CrossDockLine]":
    """Lines whose staged goods still wait to ship (the dashboard's queue)."""
    return CrossDockLine.objects.filter(quantity__gt=F("shipped_quantity") + F("released_quantity"))


def with_goods_waiting(queryset: "QuerySet[CrossDock]") -> "QuerySet[CrossDock]":
    """Cross-docks with staged goods still waiting to ship."""
    return queryset.filter(Exists(waiting_lines().filter(cross_dock=OuterRef("pk"))))
