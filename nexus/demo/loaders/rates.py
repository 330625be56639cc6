"""Daily exchange rates for the demo's foreign currencies: a reproducible drift around a reference.

Each currency wanders from its vendors' reference rate (``catalog.VENDOR_CURRENCIES``) by at most
0.3% a day and is pulled gently back towards it, so a year stays within a believable band. The
walk has its own seed per currency: the rates do not depend on (or disturb) the rest of the demo.
"""

import datetime as dt
import random
from decimal import Decimal

from . import catalog

REFERENCE_RATES: dict[str, Decimal] = dict(sorted(set(catalog.VENDOR_CURRENCIES.values())))
DAILY_STEP_BASIS_POINTS = 30
PULL_BACK = Decimal("0.05")
PLACES = Decimal("0.0001")

# Currency -> day -> units of the demo tenant's currency (USD) per unit.
DailyRates = dict[str, dict[dt.date, Decimal]]


def daily_rates(first: dt.date, last: dt.date) -> DailyRates:
    """A rate for every currency of ``REFERENCE_RATES`` and every day from ``first`` to ``last``."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    rates: DailyRates = {}
    for currency, reference in REFERENCE_RATES.items():
        rng = random.Random(f"demo-rates-{currency}")  # noqa: S311  (reproducible demo data)
        level = reference
        rates[currency] = {}
        for day in days:
            step = Decimal(rng.randint(-DAILY_STEP_BASIS_POINTS, DAILY_STEP_BASIS_POINTS)) / 10000
            pull = (reference - level) / reference * PULL_BACK
            level = (level * (1 + step + pull)).quantize(PLACES)
            rates[currency][day] = level
    return rates
