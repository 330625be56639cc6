"""Customers, sales orders and shipments.

``nexus.sales.supply_demand(product_ids, warehouse_ids, start, end)`` answers the unreserved
demand of open sales-order lines by day (``services.supply_demand``); it is imported on first
use, since this package loads before Django's app registry is ready.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "supply_demand":
        from nexus.sales.services.supply_demand import supply_demand

        return supply_demand
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
