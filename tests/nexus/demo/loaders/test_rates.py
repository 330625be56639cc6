"""The demo's daily exchange rates, and the purchase orders placed at them."""

import datetime as dt
import random
from decimal import Decimal

from nexus.demo.loaders import catalog
from nexus.demo.loaders.rates import daily_rates
from nexus.demo.loaders.simulation import first_order_day, simulate
from nexus.demo.loaders.sizes import SIZES
from nexus.inventory.quantities import round_cost

FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def test_every_day_has_a_rate_near_the_vendors_reference_and_the_walk_is_reproducible():
    rates = daily_rates(FIRST, LAST)

    assert sorted(rates) == ["CAD", "EUR"]
    for currency, reference in (("EUR", Decimal("1.08")), ("CAD", Decimal("0.73"))):
        by_day = rates[currency]
        assert list(by_day) == [FIRST + dt.timedelta(days=n) for n in range(365)]
        assert all(rate == rate.quantize(Decimal("0.0001")) for rate in by_day.values())
        assert all(abs(rate - reference) / reference < Decimal("0.05") for rate in by_day.values())
        assert len(set(by_day.values())) > 50  # it moves
    assert daily_rates(FIRST, LAST) == rates
    # A longer period starts with the same days: the walk depends on nothing but its start.
    assert {
        day: rate
        for day, rate in daily_rates(FIRST, LAST + dt.timedelta(days=30))["EUR"].items()
        if day <= LAST
    } == rates["EUR"]


def test_purchase_orders_in_euros_and_dollars_are_placed_and_received_at_the_days_rate():
    shape, today = SIZES["full"], dt.date(2026, 6, 15)
    rng = random.Random(2026)
    products, vendors, customers = (
        catalog.products(shape, rng),
        catalog.vendors(shape),
        catalog.customers(shape),
    )
    rates = daily_rates(first_order_day(shape, today), today)

    history = simulate(shape, products, vendors, customers, today, rng, rates)

    currencies = set()
    for order in history.purchase_orders:
        currency = vendors[order.vendor].currency
        currencies.add(currency)
        expected = Decimal(1) if currency == "USD" else rates[currency][order.order_date]
        assert order.exchange_rate == expected
    assert currencies == {"USD", "EUR", "CAD"}
    foreign = next(r for r in history.receipts if vendors[r.order.vendor].currency == "EUR")
    line = foreign.lines[0]
    assert line.move is not None
    assert line.move.unit_cost == round_cost(line.po_line.unit_price * foreign.order.exchange_rate)
