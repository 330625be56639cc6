"""Warehouses and the locations inside them; only stock locations hold sellable goods."""

from django.db import models
from django.db.models.functions import Lower

from nexus.core.models import TenantScopedModel
from nexus.core.models.address import Coordinates, PostalAddress

from .ledger_bound import LedgerBoundModel


class WarehouseKind(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    DROPSHIP = "dropship", "Dropship (virtual)"
    TRANSIT = "transit", "Transit"


class Warehouse(LedgerBoundModel, PostalAddress, Coordinates):
    """A site that holds stock (or a virtual one for dropship or goods in transit)."""

    code = models.CharField(max_length=16, help_text="Short code, unique ignoring case (e.g. BER1).")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=WarehouseKind.choices, default=WarehouseKind.PHYSICAL)
    active = models.BooleanField(default=True)
    cross_docking = models.BooleanField(
        default=False,
        help_text="Goods received here for orders already waiting go to staging for those orders "
        "instead of stock.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["code"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            *Coordinates.Meta.constraints,
            models.UniqueConstraint(
                models.F("tenant"),
                Lower("code"),
                name="inventory_warehouse_tenant_code_uniq",
                violation_error_message="A warehouse with this code already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class LocationKind(models.TextChoices):
    STOCK = "stock", "Stock (sellable)"
    STAGING = "staging", "Staging"
    QUALITY_HOLD = "quality_hold", "Quality hold"
    SCRAP = "scrap", "Scrap"
    TRANSIT = "transit", "Transit"
    REPAIR = "repair", "Repair"


class Location(LedgerBoundModel):
    """A place inside a warehouse. Goods count as sellable only in ``stock`` locations."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="locations")
    code = models.CharField(max_length=32, help_text="Unique within its warehouse ignoring case.")
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=LocationKind.choices, default=LocationKind.STOCK)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["warehouse__code", "code"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                models.F("warehouse"),
                Lower("code"),
                name="inventory_location_warehouse_code_uniq",
                violation_error_message="This warehouse already has a location with this code.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"

    @property
    def sellable(self) -> bool:
        return self.kind == LocationKind.STOCK
