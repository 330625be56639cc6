"""Supply and demand per product, warehouse and day, from every domain that has some.

Inventory answers what is on hand and reserved; procurement what open purchase-order lines
bring; sales what confirmed orders still need beyond their reservations. Inventory imports
neither of the others, so the combination lives here, for the orchestrators' planning (ATP,
replenishment). A constant number of queries whatever the number of products and warehouses;
each sums in the database, so what comes back is one row per product, warehouse, day and kind.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
from django.db.models import IntegerField, Value

from nexus.inventory.services import SupplyDemandRow, on_hand_now, reservations_by_day, staged_now
from nexus.inventory.services import supply_demand as inventory_supply_demand
from nexus.procurement.services import purchase_supply_by_day
from nexus.procurement.services import supply_demand as purchase_supply_demand
from nexus.sales.services import sales_demand_by_day
from nexus.sales.services import supply_demand as sales_supply_demand
from supply_chain_ops.contracts.transfers import DailyTotals

#: Quantities travel as integers in ten-thousandths: the stock ledger's four decimal places.
PLACES = 4


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


def daily_totals(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> DailyTotals:
    """The same supply and demand as ``supply_demand``, summed by the database, as numpy arrays.

    One query: the domains' sums joined by ``UNION ALL``, each marked whether it is stock
    already in the warehouse.
    """
    products, warehouses = list(product_ids), list(warehouse_ids)
    if end < start:
        raise ValueError("end is before start")
    rows: Iterable[tuple[int, int, dt.date, Decimal, int]] = ()
    if products and warehouses:
        in_stock, to_come = Value(1, IntegerField()), Value(0, IntegerField())
        rows = (
            on_hand_now(products, warehouses, start)
            .annotate(stock=in_stock)
            .union(
                staged_now(products, warehouses, start).annotate(stock=in_stock),
                reservations_by_day(products, warehouses, start, end).annotate(stock=to_come),
                purchase_supply_by_day(products, warehouses, start, end).annotate(stock=to_come),
                sales_demand_by_day(products, warehouses, start, end).annotate(stock=to_come),
                all=True,
            )
        )
    cells = np.array(
        [(p, w, (day - start).days, int(q.scaleb(PLACES)), stock) for p, w, day, q, stock in rows],
        dtype=np.int64,
    ).reshape(-1, 5)
    quantity = cells[:, 3]
    return DailyTotals(
        product_id=cells[:, 0],
        warehouse_id=cells[:, 1],
        day=cells[:, 2],
        supply=np.maximum(quantity, 0),
        demand=np.maximum(-quantity, 0),
        stock=np.where(cells[:, 4] == 1, quantity, 0),
    )
