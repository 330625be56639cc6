"""Money and quantities: minor units by currency, half-even rounding, exact allocation, no floats."""

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nexus.core.errors import InvalidInput
from nexus.core.models import Currency
from nexus.core.money import (
    CurrencyMismatch,
    Money,
    allocate_minor,
    amount_field,
    clear_currency_cache,
    currency_exponent,
    currency_field,
    from_minor_units,
    round_to_currency,
    scaled_integers,
    to_minor_units,
)
from nexus.core.quantities import quantity_field, quantize_quantity


@pytest.mark.django_db
@pytest.mark.smoke
def test_the_currency_table_is_seeded_with_iso_exponents():
    exponents = dict(Currency.objects.values_list("code", "exponent"))
    assert {code: exponents[code] for code in ["JPY", "USD", "EUR", "GBP", "CHF", "KWD", "BHD", "CLF"]} == {
        "JPY": 0,
        "USD": 2,
        "EUR": 2,
        "GBP": 2,
        "CHF": 2,
        "KWD": 3,
        "BHD": 3,
        "CLF": 4,
    }
    assert len(exponents) >= 50


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "currency", "minor", "back"),
    [
        ("12.34", "USD", 1234, "12.34"),
        ("12.345", "USD", 1234, "12.34"),  # half-even: to the even cent
        ("12.355", "USD", 1236, "12.36"),
        ("-0.005", "USD", 0, "0.00"),
        ("1500", "JPY", 1500, "1500"),
        ("1500.5", "JPY", 1500, "1500"),
        ("1501.5", "JPY", 1502, "1502"),
        ("1.2345", "KWD", 1234, "1.234"),
        ("1.2355", "KWD", 1236, "1.236"),
    ],
)
def test_minor_units_follow_the_currency_exponent_rounding_half_even(amount, currency, minor, back):
    assert to_minor_units(Decimal(amount), currency) == minor
    assert from_minor_units(minor, currency) == Decimal(back)
    assert str(from_minor_units(minor, currency)) == back


@pytest.mark.django_db
def test_rounding_and_unknown_currencies():
    assert round_to_currency("0.125", "USD") == Decimal("0.12")
    assert round_to_currency("0.135", "USD") == Decimal("0.14")
    with pytest.raises(InvalidInput, match="Unknown currency 'XXX'"):
        to_minor_units(Decimal(1), "XXX")


@pytest.fixture
def forget_currencies():
    yield
    clear_currency_cache()  # the test's currency is rolled back; the process must forget it too


@pytest.mark.django_db
def test_a_currency_added_later_is_found(forget_currencies):
    assert currency_exponent("USD") == 2  # the table is read now, without XTS
    Currency.objects.create(code="XTS", name="Testing", exponent=3)
    assert currency_exponent("XTS") == 3


def test_floats_are_refused_everywhere():
    with pytest.raises(TypeError):
        Money(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(Decimal(1), "USD") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        allocate_minor(100, [0.5, 0.5])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        from_minor_units(12.0, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        quantize_quantity(0.1, 2)


def test_money_arithmetic_stays_within_one_currency():
    total = Money("12.50", "USD") + Money(1, "USD") - Money("0.25", "USD")
    assert total == Money("13.25", "USD")
    assert Money("2.10", "EUR") * 3 == Money("6.30", "EUR")
    assert 2 * Money("1.5", "EUR") == Money("3", "EUR")
    assert -Money("1", "GBP") < Money.zero("GBP")
    assert str(Money("12.50", "USD")) == "12.50 USD"
    with pytest.raises(CurrencyMismatch, match="Cannot add USD and EUR amounts"):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(CurrencyMismatch):
        Money(1, "USD") < Money(2, "EUR")  # noqa: B015
    with pytest.raises(TypeError):
        Money(1, "USD") + 1  # type: ignore[operator]


@pytest.mark.parametrize(("amount", "currency"), [("abc", "USD"), ("NaN", "USD"), ("1", "usd"), ("1", "US")])
def test_malformed_money_is_refused_with_a_message(amount, currency):
    with pytest.raises(InvalidInput):
        Money(amount, currency)


@pytest.mark.django_db
def test_money_rounds_converts_and_allocates_in_minor_units():
    price = Money("100.005", "USD")
    assert price.rounded() == Money("100.00", "USD")
    assert price.to_minor() == 10000
    assert Money.from_minor(1999, "KWD") == Money("1.999", "KWD")
    assert Money("100", "USD").allocate([1, 1, 1]) == [
        Money("33.34", "USD"),
        Money("33.33", "USD"),
        Money("33.33", "USD"),
    ]
    assert Money("1000", "JPY").allocate([Decimal("1"), Decimal("2")]) == [
        Money(333, "JPY"),
        Money(667, "JPY"),
    ]


def test_allocation_examples():
    assert allocate_minor(100, [Decimal(1), Decimal(1), Decimal(1)]) == [34, 33, 33]
    assert allocate_minor(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate_minor(5, [0, 1, 0]) == [0, 5, 0]
    assert allocate_minor(0, [1, 2]) == [0, 0]
    assert allocate_minor(1, [Decimal("0.3"), Decimal("0.7")]) == [0, 1]
    assert allocate_minor(10, [Decimal("1.5"), Decimal("1.5"), Decimal("1")]) == [4, 4, 2]


@pytest.mark.parametrize(
    ("weights", "message"),
    [([], "no weights"), ([1, -1], "cannot be negative"), ([0, 0], "add up to zero")],
)
def test_allocation_refuses_weights_it_cannot_split_by(weights, message):
    with pytest.raises(InvalidInput, match=message):
        allocate_minor(100, weights)


weights_strategy = st.lists(
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
).filter(lambda ws: sum(ws) > 0)


@given(total=st.integers(min_value=-(10**15), max_value=10**15), weights=weights_strategy)
def test_allocation_always_sums_exactly_and_stays_within_one_unit_of_the_exact_share(total, weights):
    parts = allocate_minor(total, weights)

    assert len(parts) == len(weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / weight_sum
        assert abs(Decimal(part) - exact) < 1
        if weight == 0:
            assert part == 0


@given(total=st.integers(min_value=0, max_value=10**15), weights=weights_strategy)
def test_allocation_of_a_non_negative_total_is_never_negative(total, weights):
    assert all(part >= 0 for part in allocate_minor(total, weights))


@given(total=st.integers(min_value=0, max_value=10**12), weights=weights_strategy)
def test_allocation_is_deterministic_and_symmetric_in_sign(total, weights):
    parts = allocate_minor(total, weights)
    assert allocate_minor(total, list(weights)) == parts
    assert allocate_minor(-total, weights) == [-part for part in parts]


def test_quantities_are_quantised_to_their_units_precision():
    assert quantize_quantity(Decimal("2.5"), 0) == Decimal("2")
    assert quantize_quantity(Decimal("3.5"), 0) == Decimal("4")
    assert str(quantize_quantity(Decimal("1.23456"), 3)) == "1.235"
    assert str(quantize_quantity("7", 2)) == "7.00"
    assert quantize_quantity(Decimal("1.239"), 2, rounding=ROUND_DOWN) == Decimal("1.23")
    with pytest.raises(InvalidInput, match="precision is 0 to 4"):
        quantize_quantity(Decimal(1), 5)


def test_the_field_helpers_follow_the_conventions():
    amount, quantity = amount_field(), quantity_field(default=0)
    assert (amount.max_digits, amount.decimal_places) == (18, 4)
    assert (quantity.max_digits, quantity.decimal_places, quantity.default) == (18, 4, 0)
    currency = currency_field(default="USD")
    assert currency.remote_field.model is Currency
    assert currency.remote_field.on_delete.__name__ == "PROTECT"
    assert currency.default == "USD"


@pytest.mark.django_db(transaction=True)
def test_the_currency_table_is_refilled_after_a_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    assert Currency.objects.get(code="KWD").exponent == 3
    assert Currency.objects.get(code="JPY").exponent == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["0.5", "2", "1.25"], [50, 200, 125]),
        (["5E+1", "3"], [50, 3]),
        (["123456789012345678901234567890.1234567891"], [1234567890123456789012345678901234567891]),
        ([], []),
    ],
)
def test_scaled_integers_keep_the_proportions_exactly(values, expected):
    assert scaled_integers([Decimal(v) for v in values]) == expected
