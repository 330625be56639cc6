"""The landed-cost allocation: exact in minor units, whatever the charges, bases and currencies."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nexus.core.errors import InvalidInput
from supply_chain_ops.services.allocation import (
    BasisLine,
    SplitMethod,
    ZeroBasis,
    allocate,
    check_manual_total,
    convert_to_minor,
    split_by_position,
)


def _lines(quantities: list[str], **extra: list[str | None]) -> list[BasisLine]:
    lines = []
    for index, quantity in enumerate(quantities):
        fields = {
            name: (Decimal(values[index]) if values[index] is not None else None)  # type: ignore[arg-type]
            for name, values in extra.items()
        }
        fields.setdefault("received_value", Decimal(quantity))
        lines.append(BasisLine(index + 1, f"line {index + 1}", Decimal(quantity), **fields))  # type: ignore[arg-type]
    return lines


def _minor(amount: str, exponent: int) -> int:
    return convert_to_minor(Decimal(amount), Decimal(1), exponent)


@pytest.mark.parametrize(
    ("amount", "exponent", "method", "lines", "expected"),
    [
        ("50.00", 2, SplitMethod.BY_QUANTITY, _lines(["2", "3", "5"]), [1000, 1500, 2500]),
        ("1.00", 2, SplitMethod.EQUAL, _lines(["7", "1", "4"]), [34, 33, 33]),
        (
            "500",
            0,
            SplitMethod.BY_VALUE,
            _lines(["1", "1", "1"], received_value=["1", "1", "1"]),
            [167, 167, 166],
        ),
        (
            "10.000",
            3,
            SplitMethod.BY_WEIGHT,
            _lines(["1", "1", "1"], unit_weight=["1", "1", "1"]),
            [3334, 3333, 3333],
        ),
    ],
    ids=["50.00 USD by quantity", "1.00 USD equal", "JPY 500 by value", "BHD 10.000 by weight"],
)
def test_worked_examples(
    amount: str, exponent: int, method: SplitMethod, lines: list[BasisLine], expected: list[int]
) -> None:
    shares = allocate(_minor(amount, exponent), method, lines)

    assert [share.minor for share in shares] == expected


def test_a_basis_that_totals_zero_names_the_lines_lacking_data() -> None:
    lines = _lines(["1", "2"], unit_weight=[None, "0"])

    with pytest.raises(ZeroBasis) as refused:
        allocate(1000, SplitMethod.BY_WEIGHT, lines)

    assert refused.value.detail == (
        "Cannot split by by weight: the basis adds up to zero; line 1, line 2 lack a unit weight."
    )


def test_lines_lacking_data_get_nothing_when_others_carry_the_basis() -> None:
    shares = allocate(1000, SplitMethod.BY_WEIGHT, _lines(["1", "1"], unit_weight=[None, "2"]))

    assert [share.minor for share in shares] == [0, 1000]


def test_a_charge_converts_once_rounding_half_even() -> None:
    assert convert_to_minor(Decimal("10.00"), Decimal("1.0825"), 2) == 1082
    assert convert_to_minor(Decimal("0.125"), Decimal(1), 2) == 12
    assert convert_to_minor(Decimal("0.135"), Decimal(1), 2) == 14


def test_manual_shares_must_total_the_charge() -> None:
    check_manual_total([Decimal("30"), Decimal("70")], percent=True, charge=Decimal("5"))
    check_manual_total([Decimal("2.50"), Decimal("2.50")], percent=False, charge=Decimal("5.00"))

    with pytest.raises(InvalidInput) as refused:
        check_manual_total([Decimal("30"), Decimal("60")], percent=True, charge=Decimal("5"))

    assert refused.value.detail == "The manual percentages add up to 90, not 100."


def test_split_by_position_after_part_shipped_and_part_transferred() -> None:
    split = split_by_position(1000, Decimal(10), {7: Decimal(4), 9: Decimal(2)})

    assert (split.on_hand, split.consumed) == ({7: 400, 9: 200}, 400)


amounts = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
rates = st.decimals(
    min_value=Decimal("0.0001"), max_value=1000, places=6, allow_nan=False, allow_infinity=False
)
bases = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False), min_size=1, max_size=30
)
methods = st.sampled_from([m for m in SplitMethod if m is not SplitMethod.EQUAL])


@given(amount=amounts, rate=rates, exponent=st.sampled_from([0, 2, 3]), weights=bases, method=methods)
def test_allocations_sum_to_the_converted_charge_each_within_one_unit(
    amount: Decimal, rate: Decimal, exponent: int, weights: list[Decimal], method: SplitMethod
) -> None:
    total = convert_to_minor(amount, rate, exponent)
    lines = [
        BasisLine(i, f"line {i}", w, w, unit_weight=w, unit_volume=w, customs_value=w, manual=w)
        for i, w in enumerate(weights)
    ]
    if sum(weights) == 0:
        with pytest.raises(ZeroBasis):
            allocate(total, method, lines)
        return
    if method is SplitMethod.BY_QUANTITY or method is SplitMethod.BY_VALUE or method is SplitMethod.MANUAL:
        expected_bases = weights
    else:
        expected_bases = [w * w for w in weights]
    if sum(expected_bases) == 0:
        with pytest.raises(ZeroBasis):
            allocate(total, method, lines)
        return

    shares = allocate(total, method, lines)

    assert sum(share.minor for share in shares) == total
    assert all(abs(share.minor - share.exact) < 1 for share in shares)
    assert sum((share.exact for share in shares), Fraction(0)) == total
    assert total == round(Fraction(amount) * Fraction(rate) * 10**exponent)


@given(
    minor=st.integers(min_value=-(10**12), max_value=10**12),
    received=st.integers(min_value=1, max_value=10**6),
    held=st.lists(st.integers(min_value=0, max_value=10**5), max_size=5),
)
def test_the_position_split_adds_up(minor: int, received: int, held: list[int]) -> None:
    on_hand = {w: Decimal(q) for w, q in enumerate(held, start=1) if q}
    if sum(on_hand.values()) > received:
        received = int(sum(on_hand.values()))

    split = split_by_position(minor, Decimal(received), on_hand)

    assert sum(split.on_hand.values()) + split.consumed == minor
