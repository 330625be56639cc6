"""Converting money at the tenant's dated rates: exact, half-even, the latest rate on or before a day."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import Conflict
from nexus.core.exchange_rates import ExchangeRates, MissingExchangeRate
from nexus.core.money import Money
from tests.factories.people import TenantFactory

from .conftest import add_rates

D = Decimal
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def rates(acme) -> ExchangeRates:
    """USD books; EUR 1.0825, JPY 0.004, KWD 3.25 and BHD 2.65 on ``DAY``."""
    add_rates(("EUR", DAY, "1.0825"), ("JPY", DAY, "0.004"), ("KWD", DAY, "3.25"), ("BHD", DAY, "2.65"))
    return ExchangeRates.for_current_tenant()


@pytest.mark.parametrize(
    ("amount", "source", "target", "expected"),
    [
        # Two decimals: 10 EUR * 1.0825 = 10.825, a tie, to the even cent.
        ("10.00", "EUR", "USD", "10.82"),
        ("10.10", "EUR", "USD", "10.93"),  # 10.93325
        ("30.00", "EUR", "USD", "32.48"),  # 32.475, a tie, up to the even cent
        ("100.00", "USD", "EUR", "92.38"),  # 92.3787...
        # No decimals: 0.01 USD / 0.004 = 2.5 JPY, 0.03 USD = 7.5 JPY; ties to the even yen.
        ("0.01", "USD", "JPY", "2"),
        ("0.03", "USD", "JPY", "8"),
        ("100.00", "USD", "JPY", "25000"),
        ("1234", "JPY", "USD", "4.94"),  # 4.936
        # Three decimals: 0.040625 USD / 3.25 = 0.0125 KWD, 0.043875 USD = 0.0135 KWD.
        ("0.040625", "USD", "KWD", "0.012"),
        ("0.043875", "USD", "KWD", "0.014"),
        ("1.00", "USD", "KWD", "0.308"),  # 0.307692...
        ("1.234", "KWD", "USD", "4.01"),  # 4.0105
        ("0.020", "KWD", "USD", "0.06"),  # 0.065, a tie, down to the even cent
        ("0.060", "KWD", "USD", "0.20"),  # 0.195, a tie, up to the even cent
        # Between two foreign currencies, through the tenant's: 100 * 1.0825 / 3.25.
        ("100.00", "EUR", "KWD", "33.308"),  # 33.3076...
        ("1.000", "KWD", "BHD", "1.226"),  # 3.25 / 2.65 = 1.22641...
        ("-10.00", "EUR", "USD", "-10.82"),
    ],
)
def test_conversion_is_exact_and_rounds_half_even_in_the_targets_minor_unit(
    rates, amount, source, target, expected
):
    converted = Money(amount, source).convert(target, on=DAY, rates=rates)

    assert converted == Money(expected, target)
    assert str(converted.amount) == expected  # in the target's minor unit, no more digits


def test_the_same_currency_converts_to_itself_without_a_rate(acme, django_assert_num_queries):
    rates = ExchangeRates(acme.pk, "USD")
    with django_assert_num_queries(0):
        assert Money("12.345", "EUR").convert("EUR", on=DAY, rates=rates) == Money("12.345", "EUR")
        assert rates.rate("USD", DAY) == D(1)


def test_the_latest_rate_on_or_before_the_day_applies(acme):
    add_rates(("EUR", dt.date(2026, 1, 1), "1.08"), ("EUR", dt.date(2026, 1, 5), "1.10"))
    rates = ExchangeRates.for_current_tenant()

    assert rates.rate("EUR", dt.date(2026, 1, 1)) == D("1.08")
    assert rates.rate("EUR", dt.date(2026, 1, 4)) == D("1.08")
    assert rates.rate("EUR", dt.date(2026, 1, 5)) == D("1.10")
    assert rates.rate("EUR", dt.date(2026, 12, 31)) == D("1.10")
    assert Money("100", "EUR").convert("USD", on=dt.date(2026, 1, 4), rates=rates) == Money("108.00", "USD")


def test_a_missing_rate_is_an_error_naming_the_currency_and_day_never_one(acme):
    add_rates(("EUR", dt.date(2026, 1, 5), "1.10"))
    rates = ExchangeRates.for_current_tenant()

    with pytest.raises(MissingExchangeRate) as refused:
        Money("100", "EUR").convert("USD", on=dt.date(2026, 1, 4), rates=rates)
    assert refused.value.detail == (
        "No exchange rate for EUR on or before 2026-01-04: "
        "add the rate of EUR in USD for that day under Exchange rates."
    )
    assert isinstance(refused.value, Conflict)
    assert (refused.value.status, refused.value.code) == (409, "exchange_rate_missing")
    with pytest.raises(MissingExchangeRate, match="No exchange rate for CAD on or before 2026-02-01"):
        Money("100", "USD").convert("CAD", on=dt.date(2026, 2, 1), rates=rates)


def test_another_tenants_rates_never_apply(acme):
    globex = TenantFactory.create(slug="globex")
    with scope.tenant(globex):
        add_rates(("EUR", DAY, "9.99"))
    rates = ExchangeRates.for_current_tenant()

    with pytest.raises(MissingExchangeRate):
        rates.rate("EUR", DAY)


def test_conversion_takes_a_day_not_a_moment(rates):
    with pytest.raises(TypeError, match="convert on a date, not datetime"):
        Money("1", "EUR").convert("USD", on=dt.datetime(2026, 3, 2, 12), rates=rates)


def test_many_currencies_and_days_are_looked_up_in_one_query(acme, django_assert_num_queries):
    add_rates(
        ("EUR", dt.date(2026, 1, 1), "1.08"),
        ("EUR", dt.date(2026, 1, 3), "1.09"),
        ("EUR", dt.date(2026, 1, 9), "1.11"),
        ("CAD", dt.date(2026, 1, 2), "0.73"),
        ("CAD", dt.date(2026, 1, 20), "0.74"),
        ("KWD", dt.date(2025, 6, 1), "3.25"),
    )
    rates = ExchangeRates.for_current_tenant()
    wanted = [
        ("EUR", dt.date(2026, 1, 2)),
        ("EUR", dt.date(2026, 1, 3)),
        ("EUR", dt.date(2026, 1, 8)),
        ("EUR", dt.date(2025, 12, 31)),  # before the first EUR rate
        ("CAD", dt.date(2026, 1, 19)),
        ("CAD", dt.date(2026, 1, 1)),  # before the first CAD rate
        ("KWD", dt.date(2026, 1, 15)),  # the latest is months old
        ("GBP", dt.date(2026, 1, 15)),  # never had one
        ("USD", dt.date(2026, 1, 15)),  # the tenant's own
    ]

    with django_assert_num_queries(1):
        found = rates.load(wanted)

    assert found == {
        ("EUR", dt.date(2026, 1, 2)): D("1.08"),
        ("EUR", dt.date(2026, 1, 3)): D("1.09"),
        ("EUR", dt.date(2026, 1, 8)): D("1.09"),
        ("CAD", dt.date(2026, 1, 19)): D("0.73"),
        ("KWD", dt.date(2026, 1, 15)): D("3.25"),
        ("USD", dt.date(2026, 1, 15)): D(1),
    }
    with django_assert_num_queries(0):
        assert rates.rate("EUR", dt.date(2026, 1, 8)) == D("1.09")
        with pytest.raises(MissingExchangeRate, match="GBP on or before 2026-01-15"):
            rates.rate("GBP", dt.date(2026, 1, 15))
