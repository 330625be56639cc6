"""Balances per product and location, and availability with valuation per product and warehouse.

Both are maintained by the stock services in the same transaction as each move, under row
locks; ``check_stock_ledger`` proves they equal what the ledger says.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from nexus.core.models import TenantScopedModel
from nexus.inventory.quantities import (
    COST_DIGITS,
    COST_PLACES,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    VALUE_DIGITS,
    VALUE_PLACES,
)

from .catalog import Product
from .sites import Location, Warehouse


def _quantity(help_text: str = "") -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(
        max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=Decimal(0), help_text=help_text
    )


def _value() -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, default=Decimal(0))


class StockBalance(TenantScopedModel):
    """What lies at one location: quantity on hand and its share of the warehouse's stock value.

    Every location of a warehouse carries its goods at the warehouse's moving average, so
    ``value`` is the warehouse value spread over its locations by quantity (see docs/inventory.md).
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="balances")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    on_hand = _quantity()
    value = _value()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["product_id", "location_id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["product", "location"], name="inventory_balance_product_location_uniq"
            ),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="inventory_balance_on_hand_gte_0"),
            models.CheckConstraint(condition=Q(value__gte=0), name="inventory_balance_value_gte_0"),
            models.CheckConstraint(
                condition=Q(on_hand__gt=0) | Q(value=0), name="inventory_balance_no_value_without_stock"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.location_id}: {self.on_hand}"


class StockAvailability(TenantScopedModel):
    """Per product and warehouse: sellable on hand, reserved, and the moving-average valuation.

    ``on_hand_sellable`` counts stock locations only; ``on_hand`` and ``value`` count every
    location of the warehouse and make the average: ``average_unit_cost = value / on_hand``.
    ``reserved`` is promised sellable stock; ``reserved_staged`` is promised goods waiting in
    staging (pinned reservations), which sellable stock does not include.
    The database refuses reserving more than is sellable and any negative figure.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="availability")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="availability")
    on_hand_sellable = _quantity()
    reserved = _quantity()
    reserved_staged = _quantity(
        help_text="Staged goods held by reservations pinned to a staging location (not in sellable)."
    )
    on_hand = _quantity(help_text="Every location of the warehouse, sellable or not.")
    value = _value()
    average_unit_cost = models.DecimalField(
        max_digits=COST_DIGITS, decimal_places=COST_PLACES, default=Decimal(0)
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        verbose_name_plural = "stock availability"
        ordering = ["product_id", "warehouse_id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="inventory_availability_product_warehouse_uniq"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="inventory_availability_reserved_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reserved_staged__gte=0), name="inventory_availability_reserved_staged_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(on_hand_sellable__gte=F("reserved")),
                name="inventory_availability_reserved_lte_sellable",
            ),
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("on_hand_sellable")),
                name="inventory_availability_sellable_lte_on_hand",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="inventory_availability_value_gte_0"),
            models.CheckConstraint(
                condition=Q(on_hand__gt=0) | Q(value=0), name="inventory_availability_no_value_without_stock"
            ),
            models.CheckConstraint(
                condition=Q(average_unit_cost__gte=0), name="inventory_availability_average_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.warehouse_id}: {self.on_hand_sellable} sellable"

    @property
    def available(self) -> Decimal:
        """Sellable on hand that is not reserved."""
        return self.on_hand_sellable - self.reserved
