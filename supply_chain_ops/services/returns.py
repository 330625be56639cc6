"""Figures of a return: the unit cost goods come back at, and a refund's restocking fee.

Pure calculations (no ORM), exact in the currency's minor units: the refund's lines are priced
``quantity x net unit price`` each rounded half-even to the minor unit (as credit notes are);
the fee is the tenant's percentage of the restocked, non-defective goods' amount, rounded the
same way and never more than the refund, so the credited total is never below zero.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

HUNDRED = Decimal(100)
COST_QUANTUM = Decimal("0.000001")
_PRECISION = 60


def unit_cost_of_shipped(shipped_cost: Decimal, shipped_quantity: Decimal) -> Decimal:
    """The average unit cost of what a line shipped (six places, half-up); zero when nothing shipped."""
    if shipped_quantity <= 0:
        return Decimal(0).quantize(COST_QUANTUM)
    with localcontext(prec=_PRECISION):
        return (shipped_cost / shipped_quantity).quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)


def amount(quantity: Decimal, net_unit_price: Decimal, exponent: int) -> Decimal:
    """``quantity x net_unit_price`` rounded half-even to the minor unit (10^-exponent)."""
    with localcontext(prec=_PRECISION):
        return (quantity * net_unit_price).quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_EVEN)


def refund_total(lines: Iterable[tuple[Decimal, Decimal]], exponent: int) -> Decimal:
    """The sum of the refund's line amounts (``(quantity, net unit price)`` pairs)."""
    return sum((amount(q, p, exponent) for q, p in lines), Decimal(0).scaleb(-exponent))


def restocking_fee(
    refunded: Iterable[tuple[Decimal, Decimal]],
    restocked: Iterable[tuple[Decimal, Decimal]],
    percent: Decimal,
    exponent: int,
) -> Decimal:
    """The fee on the ``restocked`` (non-defective) ``(quantity, net unit price)`` goods, at
    ``percent``, rounded half-even to the minor unit and capped at the refund's total."""
    base = refund_total(restocked, exponent)
    with localcontext(prec=_PRECISION):
        fee = (base * max(percent, Decimal(0)) / HUNDRED).quantize(
            Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_EVEN
        )
    return min(fee, refund_total(refunded, exponent))
