"""Supply and demand per product, warehouse and day, from every domain that has some.

Inventory answers what is on hand and reserved; procurement what open purchase-order lines
bring; sales what confirmed orders still need beyond their reservations. Inventory imports
neither of the others, so the combination lives here, for the orchestrators' planning (ATP,
replenishment). Five queries whatever the number of products and warehouses; each sums in the
database, so what comes back is one row per product, warehouse, day and kind.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import numpy as np

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
    """The same supply and demand as ``supply_demand``, summed by the database, as numpy arrays."""
    products, warehouses = list(product_ids), list(warehouse_ids)
    if end < start:
        raise ValueError("end is before start")
    empty = np.zeros((0, 4), dtype=np.int64)
    if not products or not warehouses:
        stock = supply = demand = empty
    else:
        on_hand = _cells(on_hand_now(products, warehouses, start), start)
        staged = _cells(staged_now(products, warehouses, start), start)
        stock = np.concatenate([on_hand, staged])
        supply = np.concatenate(
            [stock, _cells(purchase_supply_by_day(products, warehouses, start, end), start)]
        )
        demand = np.concatenate(
            [
                _cells(reservations_by_day(products, warehouses, start, end), start),
                _cells(sales_demand_by_day(products, warehouses, start, end), start),
            ]
        )
    cells = np.concatenate([supply, demand])
    zeros = np.zeros(len(cells), dtype=np.int64)
    split = len(supply)
    return DailyTotals(
        product_id=cells[:, 0],
        warehouse_id=cells[:, 1],
        day=cells[:, 2],
        supply=np.concatenate([supply[:, 3], zeros[split:]]),
        demand=np.concatenate([zeros[:split], -demand[:, 3]]),
        stock=np.concatenate([stock[:, 3], zeros[len(stock) :]]),
    )


def _cells(rows: Iterable[tuple[int, int, dt.date, Decimal]], start: dt.date) -> np.ndarray:
    """(product, warehouse, day, quantity) sums as an ``(n, 4)`` integer array (days from ``start``)."""
    cells = [(p, w, (day - start).days, int(q.scaleb(PLACES))) for p, w, day, q in rows]
    return np.array(cells, dtype=np.int64).reshape(-1, 4)
