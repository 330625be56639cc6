"""The append-only stock ledger: one row per movement of goods (or of value) in or out of a location."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from nexus.core.models import TenantScopedModel
from nexus.core.models.refs import ActorFields
from nexus.inventory.quantities import (
    COST_DIGITS,
    COST_PLACES,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    VALUE_DIGITS,
    VALUE_PLACES,
)

from .catalog import Product
from .sites import Location


class MoveReason(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    ISSUE = "issue", "Issue"
    SHIPMENT = "shipment", "Shipment"
    ADJUSTMENT = "adjustment", "Adjustment"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    RETURN = "return", "Return"
    SCRAP = "scrap", "Scrap"
    REVALUATION = "revaluation", "Revaluation"


# Which side of a move may be the outside world (NULL), by reason.
INBOUND_REASONS = (MoveReason.RECEIPT, MoveReason.RETURN)
OUTBOUND_REASONS = (MoveReason.ISSUE, MoveReason.SHIPMENT)
TRANSFER_REASONS = (MoveReason.TRANSFER_OUT, MoveReason.TRANSFER_IN)
ONE_SIDED_REASONS = (MoveReason.ADJUSTMENT, MoveReason.REVALUATION)


class StockMove(TenantScopedModel, ActorFields):
    """A posted movement. Never edited or deleted: a correction is a new move.

    ``from_location`` / ``to_location`` NULL is the outside world (vendor, customer, write-off).
    ``value`` is the stock value the move carried (always >= 0; its direction is the move's).
    A ``revaluation`` moves value only: its ``quantity`` records the on-hand quantity revalued
    and changes no balance quantity.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="moves")
    from_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="moves_out"
    )
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="moves_in"
    )
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit_cost = models.DecimalField(max_digits=COST_DIGITS, decimal_places=COST_PLACES)
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    reason = models.CharField(max_length=16, choices=MoveReason.choices)
    document_type = models.CharField(
        max_length=100, blank=True, help_text="The document that caused the move (app_label.model)."
    )
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    document_line_id = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why (required for adjustments and revaluations).")
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-occurred_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_move_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="inventory_move_unit_cost_gte_0"),
            models.CheckConstraint(condition=Q(value__gte=0), name="inventory_move_value_gte_0"),
            models.CheckConstraint(
                condition=~Q(from_location=models.F("to_location")),
                name="inventory_move_distinct_locations",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(reason__in=INBOUND_REASONS) & Q(from_location__isnull=True, to_location__isnull=False))
                    | (
                        Q(reason__in=OUTBOUND_REASONS)
                        & Q(from_location__isnull=False, to_location__isnull=True)
                    )
                    | (
                        Q(reason__in=TRANSFER_REASONS)
                        & Q(from_location__isnull=False, to_location__isnull=False)
                    )
                    | (Q(reason=MoveReason.SCRAP) & Q(from_location__isnull=False))
                    | (
                        Q(reason__in=ONE_SIDED_REASONS)
                        & (
                            Q(from_location__isnull=True, to_location__isnull=False)
                            | Q(from_location__isnull=False, to_location__isnull=True)
                        )
                    )
                ),
                name="inventory_move_sides_match_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "occurred_at"], name="inv_move_product_time_idx"),
            models.Index(fields=["document_type", "document_id"], name="inv_move_document_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.quantity} of product {self.product_id} (#{self.pk})"
