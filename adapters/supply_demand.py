"""Supply and demand per product, warehouse and day, from every domain that has some.

Inventory answers what is on hand and reserved; procurement what open purchase-order lines
bring; sales what confirmed orders still need beyond their reservations. Inventory imports
neither of the others, so the combination lives here, for the orchestrators' planning (ATP,
replenishment). Six queries whatever the number of products and warehouses.
"""

import datetime as dt
from collections.abc import Iterable

from nexus.inventory.services import SupplyDemandRow
from nexus.inventory.services import supply_demand as inventory_supply_demand
from nexus.procurement.services import supply_demand as purchase_supply_demand
from nexus.sales.services import supply_demand as sales_supply_demand


def supply_demand(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """Every supply (positive) and demand (negative) row between ``start`` and ``end``.

    Kinds: ``on_hand``, ``staged`` and ``reservation`` (inventory), ``purchase`` (open purchase-order lines by
    expected date), ``sales`` (unreserved open sales-order lines by promised date). Each unit of
    demand appears once: a reserved sales line is inventory's ``reservation``, the rest is
    ``sales``. Overdue rows are dated ``start``. A running sum of ``quantity`` by date, per
    product and warehouse, is the projected available balance. Rows are ordered by product,
    warehouse, date and kind.
    """
    products = list(product_ids)
    warehouses = list(warehouse_ids)
    rows = [
        *inventory_supply_demand(products, warehouses, start, end),
        *purchase_supply_demand(products, warehouses, start, end),
        *sales_supply_demand(products, warehouses, start, end),
    ]
    rows.sort(key=lambda r: (r.product_id, r.warehouse_id, r.date, r.kind))
    return rows
