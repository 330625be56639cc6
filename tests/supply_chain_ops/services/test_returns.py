"""Refund figures: the restocking fee is exact in minor units and never exceeds the refund."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from supply_chain_ops.services.returns import refund_total, restocking_fee, unit_cost_of_shipped

quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10_000), places=4)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(100_000), places=6)
lines = st.lists(st.tuples(quantities, prices), min_size=1, max_size=5)


def test_the_fee_on_a_discounted_line_in_two_and_zero_decimal_currencies():
    line = [(Decimal(4), Decimal("22.500000"))]

    assert (refund_total(line, 2), restocking_fee(line, line, Decimal(15), 2)) == (
        Decimal("90.00"),
        Decimal("13.50"),
    )
    three = [(Decimal(3), Decimal("22.5"))]
    assert (refund_total(three, 0), restocking_fee(three, three, Decimal(15), 0)) == (
        Decimal(68),
        Decimal(10),
    )


def test_the_unit_cost_of_what_shipped():
    assert unit_cost_of_shipped(Decimal("20.0000"), Decimal(3)) == Decimal("6.666667")
    assert unit_cost_of_shipped(Decimal(0), Decimal(0)) == Decimal("0.000000")


@given(lines, st.decimals(min_value=Decimal(0), max_value=Decimal(200), places=2), st.sampled_from([0, 2, 3]))
def test_the_fee_is_in_minor_units_and_never_more_than_the_refund(refunded, percent, exponent):
    total = refund_total(refunded, exponent)
    fee = restocking_fee(refunded, refunded, percent, exponent)

    assert Decimal(0) <= fee <= total
    assert fee == fee.quantize(Decimal(1).scaleb(-exponent))
    assert total - fee >= 0
