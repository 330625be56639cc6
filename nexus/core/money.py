"""Money: Decimal amounts with a currency, integer minor units, and exact allocation.

Conventions for domain models (docs/kernel.md, "Sequences, money and quantities"):

- An amount is ``amount_field()`` — ``DecimalField(max_digits=18, decimal_places=4)`` — next to
  a ``currency_field()``, a foreign key to the currency table whose column holds the ISO code.
  Four places hold every currency's minor unit (the table caps exponents at 4) and leave room
  for unit prices finer than a cent.
- Never a float: ``Money(0.1, "USD")`` raises ``TypeError``; a test fails on any float column.
- Rounding to a currency's minor unit is half-even ("banker's rounding": 0.125 -> 0.12,
  0.135 -> 0.14), which does not drift upwards when many amounts are rounded and summed.
- Splitting an amount (landed cost over receipt lines, a discount over order lines) is done in
  integer minor units with ``allocate_minor``, so the parts always add up to the whole.
- Converting between currencies needs a day and a rate source (``Money.convert``): the tenant's
  dated rates (``nexus.core.exchange_rates``) or, in a test, any object with the same ``rate``.
"""

import datetime as dt
import re
from collections.abc import Sequence
from decimal import MAX_PREC, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from typing import Any, Protocol

from django.db import models

from nexus.core.errors import InvalidInput
from nexus.core.models import Currency

ROUNDING = ROUND_HALF_EVEN
AMOUNT_MAX_DIGITS = 18
AMOUNT_DECIMAL_PLACES = 4
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
# Wide enough that quantising an 18-digit amount never hits the context's precision.
_PRECISION = 60

_exponents: dict[str, int] = {}


class CurrencyMismatch(InvalidInput):
    code = "currency_mismatch"
    default_detail = "Amounts in different currencies cannot be combined."


class RateSource(Protocol):
    """Where a conversion finds its rates, all quoted in one base currency (the tenant's own)."""

    def rate(self, currency: str, on: dt.date) -> Decimal:
        """Units of the base currency one unit of ``currency`` buys on ``on`` (1 for the base itself).

        Raises when there is no rate (``MissingExchangeRate``), never answers 1 instead.
        """
        ...


def as_decimal(value: Any, *, what: str = "amount") -> Decimal:
    """``value`` as a finite Decimal: Decimals, ints and decimal strings; never a float.

    Raises ``TypeError`` for floats and booleans (a programming error: the value is already
    inexact) and ``InvalidInput`` for a string that is not a finite decimal number.
    """
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{what} must be a Decimal, an int or a decimal string, not {type(value).__name__}")
    try:
        result = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation:
        raise InvalidInput(
            f"{what} {value!r} is not a decimal number.", fields={what: ["Not a number."]}
        ) from None
    if not result.is_finite():
        raise InvalidInput(f"{what} must be a finite number.", fields={what: ["Not a finite number."]})
    return result


def currency_exponent(code: str) -> int:
    """The minor-unit exponent of a currency (2 for USD); ``InvalidInput`` when unknown.

    The currency table is small and its exponents never change, so it is read once per
    process and again only when a code is missing (a currency added since).
    """
    if code not in _exponents:
        _exponents.clear()
        _exponents.update(Currency.objects.values_list("code", "exponent"))
        if code not in _exponents:
            raise InvalidInput(f"Unknown currency {code!r}.", fields={"currency": ["Unknown currency."]})
    return _exponents[code]


def clear_currency_cache() -> None:
    """Forget the currency exponents read so far (tests that add currencies)."""
    _exponents.clear()


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency: ``Decimal("0.01")`` for USD, ``Decimal("1")`` for JPY."""
    return Decimal(1).scaleb(-currency_exponent(currency))


def round_to_currency(amount: Any, currency: str) -> Decimal:
    """``amount`` rounded half-even to the currency's minor unit (``12.345 USD`` -> ``12.34``)."""
    with localcontext() as context:
        context.prec = _PRECISION
        return as_decimal(amount).quantize(minor_unit(currency), rounding=ROUNDING)


def to_minor_units(amount: Any, currency: str) -> int:
    """``amount`` in integer minor units, rounded half-even: ``12.345 USD`` -> ``1234``."""
    with localcontext() as context:
        context.prec = _PRECISION
        return int(round_to_currency(amount, currency).scaleb(currency_exponent(currency)))


def from_minor_units(minor: int, currency: str) -> Decimal:
    """An integer of minor units as an amount: ``1234`` USD -> ``Decimal("12.34")``."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor units are an int, not {type(minor).__name__}")
    with localcontext() as context:
        context.prec = _PRECISION
        return Decimal(minor).scaleb(-currency_exponent(currency))


def allocate_minor(total_minor: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Split ``total_minor`` over ``weights`` in proportion, in whole minor units, exactly.

    Largest remainder: each part gets the whole units of its exact share, and the units left
    over go one each to the parts with the largest fractional remainders; ties go to the
    earlier part. So the parts always sum to ``total_minor``, each is within one unit of its
    exact share, a zero weight gets nothing, and a negative total splits like its positive
    (every part negated). Raises ``InvalidInput`` for no weights, a negative weight, or weights
    that sum to zero; ``TypeError`` for floats.
    """
    if isinstance(total_minor, bool) or not isinstance(total_minor, int):
        raise TypeError(f"total_minor is an int, not {type(total_minor).__name__}")
    exact_weights = scaled_integers([as_decimal(weight, what="weight") for weight in weights])
    if not exact_weights:
        raise InvalidInput(
            "Nothing to allocate over: no weights.", fields={"weights": ["Give at least one."]}
        )
    if any(weight < 0 for weight in exact_weights):
        raise InvalidInput("Weights cannot be negative.", fields={"weights": ["Must not be negative."]})
    weight_sum = sum(exact_weights)
    if weight_sum == 0:
        raise InvalidInput(
            "The weights add up to zero.", fields={"weights": ["At least one must be positive."]}
        )
    sign, total = (-1, -total_minor) if total_minor < 0 else (1, total_minor)
    # Each exact share is total * weight / weight_sum: whole units and a remainder over weight_sum.
    shares = [divmod(total * weight, weight_sum) for weight in exact_weights]
    parts = [whole for whole, _ in shares]
    left_over = total - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
    for index in by_remainder[:left_over]:
        parts[index] += 1
    return [sign * part for part in parts]


#: Enough precision that shifting a decimal point never rounds.
_EXACT = Context(prec=MAX_PREC)


def scaled_integers(values: Sequence[Decimal]) -> list[int]:
    """Finite decimals times one power of ten, as integers: the same proportions, exactly.

    ``[Decimal("0.5"), Decimal(2)]`` gives ``[5, 20]``. Integer arithmetic on these is what
    makes splitting thousands of amounts cheap (no ``Fraction`` per amount).
    """
    places = max((-int(value.as_tuple().exponent) for value in values), default=0)
    places = max(places, 0)
    return [int(value.scaleb(places, _EXACT)) for value in values]


class Money:
    """An amount in a currency. Arithmetic only within one currency; never a float.

    ``Money("12.50", "USD") + Money(1, "USD") == Money("13.50", "USD")``; adding another
    currency raises ``CurrencyMismatch``. The amount keeps its precision until ``rounded()``.
    Immutable and hashable; equal when amount (numerically) and currency are equal.
    """

    __slots__ = ("amount", "currency")
    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        if not isinstance(currency, str) or not CURRENCY_CODE.match(currency):
            raise InvalidInput(
                f"{currency!r} is not a currency code; use its three capital letters, e.g. USD.",
                fields={"currency": ["Use the ISO code, e.g. USD."]},
            )
        object.__setattr__(self, "amount", as_decimal(amount))
        object.__setattr__(self, "currency", currency)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Money is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return (self.amount, self.currency) == (other.amount, other.currency)

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> "Money":
        return cls(from_minor_units(minor, currency), currency)

    def _same_currency(self, other: Any, verb: str) -> "Money":
        if not isinstance(other, Money):
            raise TypeError(f"cannot {verb} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot {verb} {self.currency} and {other.currency} amounts.")
        return other

    def __add__(self, other: "Money") -> "Money":
        return Money(self.amount + self._same_currency(other, "add").amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        return Money(self.amount - self._same_currency(other, "subtract").amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __abs__(self) -> "Money":
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> "Money":
        return Money(self.amount * as_decimal(factor, what="factor"), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: "Money") -> bool:
        return self.amount < self._same_currency(other, "compare").amount

    def __le__(self, other: "Money") -> bool:
        return self.amount <= self._same_currency(other, "compare").amount

    def __gt__(self, other: "Money") -> bool:
        return self.amount > self._same_currency(other, "compare").amount

    def __ge__(self, other: "Money") -> bool:
        return self.amount >= self._same_currency(other, "compare").amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def rounded(self) -> "Money":
        """This amount rounded half-even to the currency's minor unit."""
        return Money(round_to_currency(self.amount, self.currency), self.currency)

    def to_minor(self) -> int:
        """This amount in integer minor units (rounded half-even)."""
        return to_minor_units(self.amount, self.currency)

    def allocate(self, weights: Sequence[Decimal | int]) -> list["Money"]:
        """Split this amount (rounded to minor units) over ``weights``; the parts sum to it."""
        return [Money.from_minor(part, self.currency) for part in allocate_minor(self.to_minor(), weights)]

    def convert(self, to_currency: str, *, on: dt.date, rates: RateSource) -> "Money":
        """This amount in ``to_currency`` at the rates of day ``on``, rounded half-even to its minor unit.

        Goes through the base currency, ``amount * rate(from) / rate(to)``, computed exactly and
        rounded once (``Money("10", "EUR")`` at 1.0825 is ``Money("10.82", "USD")``). The same
        currency converts to itself, unchanged and without a rate. Raises ``TypeError`` unless
        ``on`` is a date (not a datetime: rates are daily), ``InvalidInput`` for an unknown
        currency, and whatever ``rates`` raises for a missing rate (``MissingExchangeRate``).
        """
        if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
            raise TypeError(f"convert on a date, not {type(on).__name__}")
        target = Money.zero(to_currency)
        if target.currency == self.currency:
            return self
        exponent = currency_exponent(to_currency)
        exact = (
            Fraction(self.amount)
            * Fraction(rates.rate(self.currency, on))
            / Fraction(rates.rate(to_currency, on))
        )
        # round() of a Fraction is exact and rounds half to even.
        return Money.from_minor(round(exact * 10**exponent), to_currency)


def amount_field(**kwargs: Any) -> models.DecimalField:
    """A money amount column: ``DecimalField(max_digits=18, decimal_places=4)``."""
    return models.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, **kwargs)


def currency_field(**kwargs: Any) -> models.ForeignKey:
    """A currency column: a protected foreign key to the currency table (``<name>_id`` is the code)."""
    options: dict[str, Any] = {"on_delete": models.PROTECT, "related_name": "+"}
    return models.ForeignKey(Currency, **(options | kwargs))
