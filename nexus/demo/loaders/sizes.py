"""How much demo data to make: the full year for ``make demo``, a small slice for tests."""

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


SIZES = {
    "full": Size("full", warehouses=4, products=300, vendors=24, customers=160, days=365, orders_per_day=3.2),
    "small": Size("small", warehouses=2, products=24, vendors=4, customers=12, days=60, orders_per_day=1.5),
}
