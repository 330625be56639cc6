"""Dated exchange rates per tenant: what one unit of a foreign currency is worth in the tenant's own."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from .base import TenantScopedModel

RATE_MAX_DIGITS = 18
RATE_DECIMAL_PLACES = 8
SMALLEST_RATE = Decimal(1).scaleb(-RATE_DECIMAL_PLACES)
RATE_NOT_POSITIVE = "A rate must be more than zero."


class ExchangeRate(TenantScopedModel):
    """How many units of the tenant's own currency one unit of ``currency`` buys on ``date``.

    One rate per tenant, currency and day; a conversion on a day uses the latest rate on or
    before it (``nexus.core.exchange_rates``). The tenant's own currency has no row: it is 1.
    """

    currency = models.ForeignKey(
        "core.Currency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The foreign currency, one unit of which buys the rate in the tenant's own currency.",
    )
    date = models.DateField(help_text="The day the rate applies from (until the next rate).")
    rate = models.DecimalField(
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        validators=[MinValueValidator(SMALLEST_RATE, message=RATE_NOT_POSITIVE)],
        help_text="Units of the tenant's currency per unit of the foreign currency, e.g. 1.0825.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-date", "currency"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            # Also the index of "the latest rate on or before a day" (tenant, currency, date desc).
            models.UniqueConstraint(fields=["tenant", "currency", "date"], name="core_exchange_rate_uniq"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="core_exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency_id} = {self.rate} on {self.date.isoformat()}"
