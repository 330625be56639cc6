"""Line amounts and document totals, exact at the currency's minor unit.

A line's amount is ``quantity * unit_price`` rounded half-even to the currency's minor unit; a
document's total is the sum of its line amounts, so it is exact in minor units and always
equals what its lines show.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

# Wide enough that a quantity (18 digits) times a price (20 digits) is exact before rounding.
_PRECISION = 60


def round_to_minor_unit(value: Decimal, exponent: int) -> Decimal:
    """``value`` rounded half-even to the currency's minor unit (``exponent`` decimal places)."""
    return value.quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_EVEN)


def line_amount(quantity: Decimal, unit_price: Decimal, exponent: int) -> Decimal:
    """The amount of a line: quantity times unit price, at the minor unit."""
    with localcontext(prec=_PRECISION):
        exact = quantity * unit_price
    return round_to_minor_unit(exact, exponent)


def document_total(amounts: Iterable[Decimal], exponent: int) -> Decimal:
    """The sum of line amounts (each already at the minor unit)."""
    return round_to_minor_unit(sum(amounts, Decimal(0)), exponent)
