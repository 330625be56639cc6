"""Quantity and unit-price fields for the documents that move stock, at the stock ledger's scales.

Amounts use ``nexus.core.money.amount_field``.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from .quantities import COST_DIGITS, COST_PLACES, QUANTITY_DIGITS, QUANTITY_PLACES


def quantity_field(
    verbose_name: str = "quantity", **kwargs: object
) -> "models.DecimalField[Decimal, Decimal]":
    """A quantity in the product's unit (four decimal places at most; the unit may allow fewer)."""
    return models.DecimalField(
        verbose_name,
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        **kwargs,  # type: ignore[arg-type]
    )


def price_field(
    verbose_name: str = "unit price", **kwargs: object
) -> "models.DecimalField[Decimal, Decimal]":
    """A unit price in the document's currency (six decimal places, like unit costs)."""
    return models.DecimalField(
        verbose_name,
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        validators=[MinValueValidator(Decimal(0))],
        **kwargs,  # type: ignore[arg-type]
    )
