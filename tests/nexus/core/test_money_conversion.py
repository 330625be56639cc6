"""``Money.convert`` as arithmetic: any amount and rates, rounded once, half-even, in minor units."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nexus.core.money import Money, currency_exponent

DAY = dt.date(2026, 3, 2)


@dataclass(frozen=True)
class FixedRates:
    """A rate source with one rate per currency, whatever the day, quoted in ``base_currency``."""

    base_currency: str
    rates: dict[str, Decimal]

    def rate(self, currency: str, on: dt.date) -> Decimal:
        return Decimal(1) if currency == self.base_currency else self.rates[currency]


amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4)
rates = st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal("10000"), places=8).filter(bool)
currencies = st.sampled_from(["USD", "EUR", "JPY", "KWD", "BHD", "CLF"])


@pytest.mark.django_db
@given(amount=amounts, source=currencies, target=currencies, source_rate=rates, target_rate=rates)
def test_a_conversion_is_the_exact_value_rounded_once_half_even(
    amount, source, target, source_rate, target_rate
):
    fixed = FixedRates(
        "USD",
        {"EUR": source_rate, "JPY": target_rate, "KWD": source_rate, "BHD": target_rate, "CLF": source_rate},
    )

    converted = Money(amount, source).convert(target, on=DAY, rates=fixed)

    if source == target:
        assert converted == Money(amount, source)
        return
    exact = Fraction(amount) * Fraction(fixed.rate(source, DAY)) / Fraction(fixed.rate(target, DAY))
    scaled = exact * 10 ** currency_exponent(target)
    minor = converted.to_minor()
    assert converted.amount == Decimal(minor).scaleb(-currency_exponent(target))
    assert abs(scaled - minor) <= Fraction(1, 2)
    if abs(scaled - minor) == Fraction(1, 2):
        assert minor % 2 == 0
