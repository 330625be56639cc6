"""Landed-cost allocation: a charge converted once, then split over receipt lines in minor units.

Pure calculations (no ORM): amounts are Decimals, rates are given, and the tenant currency's
minor-unit exponent is passed in. Everything is split with the kernel's ``allocate_minor``, so
the parts always add up to the whole and each is within one minor unit of its exact share.
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from nexus.core.errors import InvalidInput
from nexus.core.money import allocate_minor, scaled_integers


class SplitMethod(enum.StrEnum):
    EQUAL = "equal"
    BY_QUANTITY = "by_quantity"
    BY_VALUE = "by_value"
    BY_WEIGHT = "by_weight"
    BY_VOLUME = "by_volume"
    BY_CUSTOMS_VALUE = "by_customs_value"
    MANUAL = "manual"


#: What each method needs from a line, as people name it (for the error of a zero basis).
_MISSING_DATA = {
    SplitMethod.BY_WEIGHT: "a unit weight",
    SplitMethod.BY_VOLUME: "a unit volume",
    SplitMethod.BY_CUSTOMS_VALUE: "a customs value",
    SplitMethod.BY_VALUE: "a received value",
    SplitMethod.BY_QUANTITY: "a quantity",
    SplitMethod.MANUAL: "a manual share",
}


class ZeroBasis(InvalidInput):
    """The basis of a charge adds up to zero: there is nothing to split it by."""

    code = "zero_allocation_basis"


@dataclass(frozen=True)
class BasisLine:
    """One receipt line as the allocation sees it; ``None`` where the line lacks the data."""

    key: int
    label: str
    quantity: Decimal
    received_value: Decimal
    unit_weight: Decimal | None = None
    unit_volume: Decimal | None = None
    customs_value: Decimal | None = None  # per unit, already in the tenant's currency
    manual: Decimal | None = None


@dataclass(frozen=True)
class Share:
    """A line's part of a charge: its basis, its exact share and the minor units it gets."""

    key: int
    basis: Decimal
    exact: Fraction  # in minor units of the tenant's currency
    minor: int


def convert_to_minor(amount: Decimal, rate: Decimal, exponent: int) -> int:
    """``amount * rate`` in minor units of a currency with ``exponent``, rounded half-even once."""
    # round() of a Fraction is exact and rounds half to even.
    return round(Fraction(amount) * Fraction(rate) * 10**exponent)


def basis_of(method: SplitMethod, line: BasisLine) -> Decimal | None:
    """The line's weight in the split, or None when it lacks what the method needs."""
    match method:
        case SplitMethod.EQUAL:
            return Decimal(1)
        case SplitMethod.BY_QUANTITY:
            return line.quantity
        case SplitMethod.BY_VALUE:
            return line.received_value
        case SplitMethod.BY_WEIGHT:
            return None if line.unit_weight is None else line.quantity * line.unit_weight
        case SplitMethod.BY_VOLUME:
            return None if line.unit_volume is None else line.quantity * line.unit_volume
        case SplitMethod.BY_CUSTOMS_VALUE:
            return None if line.customs_value is None else line.quantity * line.customs_value
        case SplitMethod.MANUAL:
            return line.manual
    raise ValueError(f"unknown split method {method!r}")


def allocate(total_minor: int, method: SplitMethod, lines: Sequence[BasisLine]) -> list[Share]:
    """Split ``total_minor`` over ``lines`` by ``method``: Σ minor == total, each within one unit.

    Raises ``ZeroBasis`` when the basis adds up to zero, naming the lines that lack the data
    (never a silent fallback to ``equal``).
    """
    bases = [basis_of(method, line) for line in lines]
    known = [basis if basis is not None else Decimal(0) for basis in bases]
    weights = scaled_integers(known)
    total_basis = sum(weights)
    if not lines or total_basis == 0:
        lacking = [line.label for line, basis in zip(lines, bases, strict=True) if not basis]
        need = _MISSING_DATA.get(method, "a basis")
        detail = (
            f"Cannot split by {method.value.replace('_', ' ')}: the basis adds up to zero; "
            f"{', '.join(lacking) or 'no lines'} {'lack' if len(lacking) != 1 else 'lacks'} {need}."
        )
        raise ZeroBasis(detail, fields={"split_method": [detail]})
    parts = allocate_minor(total_minor, known)
    return [
        Share(line.key, basis, Fraction(total_minor * weight, total_basis), minor)
        for line, basis, weight, minor in zip(lines, known, weights, parts, strict=True)
    ]


def check_manual_total(shares: Sequence[Decimal], *, percent: bool, charge: Decimal) -> None:
    """Manual shares must total the charge (amounts) or 100 (percentages), exactly."""
    total = sum(shares, Decimal(0))
    wanted = Decimal(100) if percent else charge
    if total != wanted:
        what = "percentages" if percent else "amounts"
        detail = f"The manual {what} add up to {total.normalize():f}, not {wanted.normalize():f}."
        raise InvalidInput(detail, fields={"manual_shares": [detail]})


@dataclass(frozen=True)
class PositionSplit:
    """A line's allocation split into the part on hand, by warehouse, and the part consumed."""

    on_hand: Mapping[int, int]  # warehouse id -> minor units
    consumed: int


def split_by_position(minor: int, received: Decimal, on_hand: Mapping[int, Decimal]) -> PositionSplit:
    """Split ``minor`` by how much of the received quantity is still on hand, where, and consumed."""
    warehouses = sorted(on_hand)
    held = sum((on_hand[w] for w in warehouses), Decimal(0))
    consumed = max(received - held, Decimal(0))
    if received <= 0 or held == 0:
        return PositionSplit({}, minor)
    if consumed == 0 and len(warehouses) == 1:
        return PositionSplit({warehouses[0]: minor} if minor else {}, 0)
    parts = allocate_minor(minor, [*(on_hand[w] for w in warehouses), consumed])
    return PositionSplit({w: part for w, part in zip(warehouses, parts, strict=False) if part}, parts[-1])
