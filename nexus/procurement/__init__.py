"""Vendors, purchase orders, goods receipts, vendor bills and requisitions.

``nexus.procurement.supply_demand(product_ids, warehouse_ids, start, end)`` answers the supply
of open purchase-order lines by day (``services.supply_demand``); it is imported on first use,
since this package loads before Django's app registry is ready.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "supply_demand":
        from nexus.procurement.services.supply_demand import supply_demand

        return supply_demand
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
