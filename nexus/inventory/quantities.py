"""Decimal scales of the stock ledger and the checks that keep inputs within them.

Quantities carry at most four decimal places (a product's unit may allow fewer), unit costs
six, and stock values four: finer than the minor unit of any currency (the kernel's currency
table caps exponents at 4), so a moving average never drifts by more than a ten-thousandth.
Inputs are never rounded silently: a quantity finer than its unit allows is refused.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from nexus.core.errors import InvalidInput

QUANTITY_PLACES = 4
COST_PLACES = 6
VALUE_PLACES = 4
QUANTITY_DIGITS = 18
COST_DIGITS = 20
VALUE_DIGITS = 20

ZERO = Decimal(0)
ZERO_QUANTITY = ZERO.quantize(Decimal(1).scaleb(-QUANTITY_PLACES))
# Wide enough that products of a quantity (18 digits) and a cost (20) are exact before rounding.
_WIDE_PRECISION = 60
_COST_QUANTUM = Decimal(1).scaleb(-COST_PLACES)
_VALUE_QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)


def as_decimal(value: Any, field: str) -> Decimal:
    """``value`` as a finite Decimal (ints and decimal strings accepted, floats refused)."""
    if isinstance(value, float | bool):
        raise InvalidInput(
            f"{field} must be a decimal number, not {value!r}.", fields={field: ["Not a decimal."]}
        )
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"{field} must be a decimal number.", fields={field: ["Not a decimal."]}) from None
    if not result.is_finite():
        raise InvalidInput(f"{field} must be a finite number.", fields={field: ["Not a finite number."]})
    return result


def _has_more_places(value: Decimal, places: int) -> bool:
    return value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def checked_quantity(value: Any, *, unit: str, unit_decimals: int, field: str = "quantity") -> Decimal:
    """A strictly positive quantity with no more decimals than its unit of measure allows."""
    quantity = as_decimal(value, field)
    if quantity <= 0:
        raise InvalidInput(
            f"{field} must be greater than zero.", fields={field: ["Must be greater than zero."]}
        )
    if _has_more_places(quantity, unit_decimals):
        allowed = "whole numbers" if unit_decimals == 0 else f"at most {unit_decimals} decimal places"
        message = f"{field} {quantity} is finer than the unit '{unit}' allows ({allowed})."
        raise InvalidInput(message, fields={field: [message]})
    return quantity.quantize(Decimal(1).scaleb(-QUANTITY_PLACES))


def checked_unit_cost(value: Any, field: str = "unit_cost") -> Decimal:
    """A non-negative unit cost with at most six decimal places."""
    cost = as_decimal(value, field)
    if cost < 0:
        raise InvalidInput(f"{field} cannot be negative.", fields={field: ["Cannot be negative."]})
    if _has_more_places(cost, COST_PLACES):
        message = f"{field} {cost} has more than {COST_PLACES} decimal places."
        raise InvalidInput(message, fields={field: [message]})
    return cost.quantize(_COST_QUANTUM)


def round_value(value: Decimal) -> Decimal:
    """A stock value rounded half-up to the ledger's four decimal places."""
    return value.quantize(_VALUE_QUANTUM, rounding=ROUND_HALF_UP)


def round_cost(value: Decimal) -> Decimal:
    """A unit cost rounded half-up to six decimal places (for display of averages)."""
    return value.quantize(_COST_QUANTUM, rounding=ROUND_HALF_UP)


def average_cost(total_value: Decimal, total_quantity: Decimal) -> Decimal:
    """The moving-average unit cost of a pool, zero when the pool is empty."""
    if total_quantity <= 0:
        return ZERO.quantize(_COST_QUANTUM)
    with localcontext(prec=_WIDE_PRECISION):
        return round_cost(total_value / total_quantity)


def value_of(quantity: Decimal, unit_cost: Decimal) -> Decimal:
    """``quantity * unit_cost`` rounded to the ledger's value scale, computed exactly."""
    with localcontext(prec=_WIDE_PRECISION):
        return round_value(quantity * unit_cost)


def share_of_value(total_value: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``total_value * part / whole`` rounded to the value scale; the whole value when part == whole."""
    if part == whole:
        return total_value
    with localcontext(prec=_WIDE_PRECISION):
        return round_value(total_value * part / whole)
