"""Products: what is stocked, in which unit, with what it weighs, measures and declares at customs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from nexus.core.models import TenantScopedModel
from nexus.inventory.quantities import QUANTITY_PLACES

from .ledger_bound import LedgerBoundModel


class Product(LedgerBoundModel):
    """A stocked item. Its SKU is unique within the tenant whatever its letter case."""

    sku = models.CharField("SKU", max_length=64, help_text="Stock-keeping unit; unique ignoring case.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField("unit of measure", max_length=16, default="pcs", help_text="e.g. pcs, kg, m, l.")
    unit_decimals = models.PositiveSmallIntegerField(
        "unit decimals",
        default=0,
        validators=[MaxValueValidator(QUANTITY_PLACES)],
        help_text=f"Decimals a quantity may have in this unit (0 for pieces, at most {QUANTITY_PLACES}).",
    )
    unit_weight = models.DecimalField(
        "unit weight (kg)",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Blank when unknown; weight-based landed costs refuse products without it.",
    )
    unit_volume = models.DecimalField(
        "unit volume (m³)",
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    customs_value = models.DecimalField(
        max_digits=20, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    customs_currency = models.ForeignKey(
        "core.Currency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The currency of the customs value.",
    )
    active = models.BooleanField(default=True, help_text="Inactive products cannot be received or reserved.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["sku"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                models.F("tenant"),
                Lower("sku"),
                name="inventory_product_tenant_sku_uniq",
                violation_error_message="A product with this SKU already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_decimals__lte=QUANTITY_PLACES),
                name="inventory_product_unit_decimals_max",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_weight__isnull=True) | models.Q(unit_weight__gte=0),
                name="inventory_product_unit_weight_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_volume__isnull=True) | models.Q(unit_volume__gte=0),
                name="inventory_product_unit_volume_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(customs_value__isnull=True, customs_currency__isnull=True)
                | models.Q(customs_value__gte=0, customs_currency__isnull=False),
                name="inventory_product_customs_value_with_currency",
                violation_error_message="A customs value needs its currency, and a currency needs a value.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} — {self.name}"
