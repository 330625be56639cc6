"""Quantities: Decimal, quantised to their unit of measure's precision.

A unit of measure says how many decimal places its quantities have (0 for pieces, 3 for
kilograms to the gram). Quantities are stored as ``quantity_field()`` —
``DecimalField(max_digits=18, decimal_places=4)`` — which holds every unit's precision up to 4.
"""

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from django.db import models

from nexus.core.errors import InvalidInput
from nexus.core.money import as_decimal

QUANTITY_MAX_DIGITS = 18
QUANTITY_DECIMAL_PLACES = 4
_PRECISION = 60


def quantize_quantity(value: Any, precision: int, *, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """``value`` rounded to ``precision`` decimal places (half-even unless told otherwise).

    ``quantize_quantity(Decimal("2.5"), 0) == Decimal("2")``; floats raise ``TypeError``.
    Use ``rounding=ROUND_DOWN`` when a quantity must never exceed what it was derived from.
    """
    if (
        isinstance(precision, bool)
        or not isinstance(precision, int)
        or not 0 <= precision <= QUANTITY_DECIMAL_PLACES
    ):
        raise InvalidInput(
            f"A unit's precision is 0 to {QUANTITY_DECIMAL_PLACES} decimal places, not {precision!r}.",
            fields={"precision": [f"Use 0 to {QUANTITY_DECIMAL_PLACES}."]},
        )
    with localcontext() as context:
        context.prec = _PRECISION
        return as_decimal(value, what="quantity").quantize(Decimal(1).scaleb(-precision), rounding=rounding)


def quantity_field(**kwargs: Any) -> models.DecimalField:
    """A quantity column: ``DecimalField(max_digits=18, decimal_places=4)``."""
    return models.DecimalField(
        max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES, **kwargs
    )
