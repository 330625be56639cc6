"""Line amounts and document totals, exact at the currency's minor unit (``nexus.core.money``).

A line's amount is ``quantity * unit_price`` rounded half-even to the currency's minor unit; a
document's total is the sum of its line amounts, so it is exact in minor units and always
equals what its lines show.
"""

from collections.abc import Iterable
from decimal import Decimal, localcontext

from nexus.core.money import round_to_currency

# Wide enough that a quantity (18 digits) times a price (20 digits) is exact before rounding.
_PRECISION = 60


def line_amount(quantity: Decimal, unit_price: Decimal, currency: str) -> Decimal:
    """The amount of a line: quantity times unit price, at the minor unit of ``currency`` (a code)."""
    with localcontext(prec=_PRECISION):
        exact = quantity * unit_price
    return round_to_currency(exact, currency)


def document_total(amounts: Iterable[Decimal], currency: str) -> Decimal:
    """The sum of line amounts (each already at the minor unit)."""
    return round_to_currency(sum(amounts, Decimal(0)), currency)
