"""How much demo data to make: the full year for ``make demo``, a small slice for tests, and
two years of a large distributor for the scale benchmark (``bench/scale.py``)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    """The shape of a demo data set."""

    name: str
    warehouses: int
    products: int
    vendors: int
    customers: int
    days: int
    orders_per_day: float  # sales orders per business day and warehouse, before seasonality
    #: The share of the range (the most popular) that the trade counters also sell most days.
    fast_movers: float = 0.04


SIZES = {
    "full": Size("full", warehouses=4, products=300, vendors=24, customers=160, days=365, orders_per_day=3.2),
    # About 300,000 sales orders and on the order of two million stock moves in one tenant.
    "large": Size(
        "large",
        warehouses=5,
        products=10_000,
        vendors=120,
        customers=2_000,
        days=730,
        orders_per_day=115,
        fast_movers=0.0,  # at 115 orders a day its popular products sell daily anyway
    ),
    "small": Size("small", warehouses=2, products=24, vendors=4, customers=12, days=60, orders_per_day=1.5),
}
