"""Line amounts and document totals, exact at the currency's minor unit (``nexus.core.money``).

A line's amount is ``quantity * unit_price * (1 - discount_percent / 100)`` rounded half-even
to the currency's minor unit; a document's total is the sum of its line amounts, so it is exact
in minor units and always equals what its lines show. Credit notes use the same rules.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from nexus.core.money import round_to_currency

HUNDRED = Decimal(100)
PRICE_QUANTUM = Decimal("0.000001")
# Wide enough that quantity (18 digits) x price (20) x discount factor is exact before rounding.
_PRECISION = 60


def line_amount(
    quantity: Decimal, unit_price: Decimal, currency: str, discount_percent: Decimal = Decimal(0)
) -> Decimal:
    """The amount of a line: quantity times unit price less the discount, at the currency's minor unit."""
    with localcontext(prec=_PRECISION):
        exact = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
    return round_to_currency(exact, currency)


def net_unit_price(unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The unit price after the discount, at the six places unit prices keep (half-even)."""
    with localcontext(prec=_PRECISION):
        exact = unit_price * (HUNDRED - discount_percent) / HUNDRED
    return exact.quantize(PRICE_QUANTUM, rounding=ROUND_HALF_EVEN)


def document_total(amounts: Iterable[Decimal], currency: str) -> Decimal:
    """The sum of line amounts (each already at the minor unit)."""
    return round_to_currency(sum(amounts, Decimal(0)), currency)
