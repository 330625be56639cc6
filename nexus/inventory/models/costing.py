"""Cost layers: what each receipt brought in, and which issues consumed it, first-in-first-out."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from nexus.core.models import TenantScopedModel
from nexus.inventory.quantities import COST_DIGITS, COST_PLACES, QUANTITY_DIGITS, QUANTITY_PLACES

from .catalog import Product
from .ledger import StockMove
from .sites import Warehouse


class CostLayer(TenantScopedModel):
    """Goods that entered a warehouse by one move, at one unit cost, and how much of them remains.

    Layers are consumed oldest first by every move that takes goods out of the warehouse,
    whatever the valuation method, so that later work (landed cost, returns) can tell which
    receipt's goods are still on hand. A layer created by a transfer between warehouses points
    to the layer it came from (``source_layer``) and keeps its unit cost; ``origin_move`` is the
    move that first brought the goods in from outside, so that "what is left of receipt R"
    is one grouped query wherever the goods went since.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="cost_layers")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="cost_layers")
    receipt_move = models.ForeignKey(StockMove, on_delete=models.PROTECT, related_name="cost_layers")
    origin_move = models.ForeignKey(
        StockMove,
        on_delete=models.PROTECT,
        related_name="descendant_layers",
        help_text="The move that first brought these goods in from outside (the receipt, for a transfer).",
    )
    source_layer = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived_layers"
    )
    quantity_in = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    quantity_remaining = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit_cost = models.DecimalField(max_digits=COST_DIGITS, decimal_places=COST_PLACES)
    received_at = models.DateTimeField()

    class Meta(TenantScopedModel.Meta):
        ordering = ["received_at", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity_in__gt=0), name="inventory_layer_quantity_in_gt_0"),
            models.CheckConstraint(
                condition=Q(quantity_remaining__gte=0, quantity_remaining__lte=F("quantity_in")),
                name="inventory_layer_remaining_within_in",
            ),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="inventory_layer_unit_cost_gte_0"),
        ]
        indexes = [
            models.Index(
                fields=["product", "warehouse", "received_at", "id"],
                condition=Q(quantity_remaining__gt=0),
                name="inv_layer_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Layer #{self.pk}: {self.quantity_remaining}/{self.quantity_in} @ {self.unit_cost}"

    @property
    def quantity_consumed(self) -> Decimal:
        return self.quantity_in - self.quantity_remaining


class CostLayerConsumption(TenantScopedModel):
    """One move's use of one layer: how much it took, at the layer's unit cost."""

    layer = models.ForeignKey(CostLayer, on_delete=models.PROTECT, related_name="consumptions")
    move = models.ForeignKey(StockMove, on_delete=models.PROTECT, related_name="layer_consumptions")
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit_cost = models.DecimalField(max_digits=COST_DIGITS, decimal_places=COST_PLACES)

    class Meta(TenantScopedModel.Meta):
        ordering = ["move_id", "layer_id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["move", "layer"], name="inventory_consumption_move_layer_uniq"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_consumption_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"Move #{self.move_id} took {self.quantity} of layer #{self.layer_id}"
