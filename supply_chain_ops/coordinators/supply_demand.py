"""Supply and demand by day: the domains' plus the orchestrator's open transfers.

Adapters may not import the orchestrator's models, so the transfers join the domains' rows
here. A transfer not yet closed or cancelled is supply at its destination by its expected date
(what is neither received nor written off); at its source, only a draft is demand (by its ship
date) — an approved transfer's demand is its reservation, and shipped goods have left the stock.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

import numpy as np
from django.db.models import Q

from supply_chain_ops import wiring
from supply_chain_ops.contracts.transfers import DailyTotals, SupplyDemandRow
from supply_chain_ops.models.transfers import OPEN_STATES, TransferOrderLine, TransferOrderStatus

TRANSFER_IN = "transfer_in"
TRANSFER_OUT = "transfer_out"
#: Quantities in the totals are ten-thousandths: the stock ledger's four decimal places.
PLACES = 4


def transfer_rows(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """The open transfers' rows (one query); overdue ones dated ``start``, later ones left out."""
    products, warehouses = list(product_ids), list(warehouse_ids)
    lines = TransferOrderLine.objects.filter(
        Q(order__destination_warehouse_id__in=warehouses)
        | Q(order__source_warehouse_id__in=warehouses, order__status=TransferOrderStatus.DRAFT),
        product_id__in=products,
        order__status__in=OPEN_STATES,
    ).values_list(
        "product_id",
        "quantity",
        "received_quantity",
        "written_off_quantity",
        "order__status",
        "order__source_warehouse_id",
        "order__destination_warehouse_id",
        "order__ship_date",
        "order__expected_date",
    )
    rows = []
    for product, quantity, received, written_off, status, source, destination, ship_date, expected in lines:
        coming = quantity - received - written_off
        if destination in warehouses and coming > 0 and expected <= end:
            rows.append(SupplyDemandRow(product, destination, max(expected, start), TRANSFER_IN, coming))
        if status == TransferOrderStatus.DRAFT and source in warehouses and ship_date <= end:
            rows.append(SupplyDemandRow(product, source, max(ship_date, start), TRANSFER_OUT, -quantity))
    return rows


def supply_demand(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """The domains' rows and the open transfers', ordered by product, warehouse, date and kind.

    A running sum of ``quantity`` by date, per product and warehouse, is the projected balance.
    """
    products, warehouses = list(product_ids), list(warehouse_ids)
    rows = [
        *wiring.domain_supply_demand().rows(products, warehouses, start, end),
        *transfer_rows(products, warehouses, start, end),
    ]
    rows.sort(key=lambda r: (r.product_id, r.warehouse_id, r.date, r.kind))
    return rows


def daily_totals(
    product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
) -> DailyTotals:
    """The domains' sums (aggregated by the database) and the open transfers', as numpy arrays."""
    domains = wiring.domain_supply_demand().daily_totals(product_ids, warehouse_ids, start, end)
    return join_totals(domains, rows_to_totals(transfer_rows(product_ids, warehouse_ids, start, end), start))


def rows_to_totals(rows: Sequence[SupplyDemandRow], start: dt.date) -> DailyTotals:
    """Rows of supply still to come (positive) and demand (negative) as totals."""
    units = np.array([int(r.quantity.scaleb(PLACES)) for r in rows], dtype=np.int64)
    return DailyTotals(
        product_id=np.array([r.product_id for r in rows], dtype=np.int64),
        warehouse_id=np.array([r.warehouse_id for r in rows], dtype=np.int64),
        day=np.array([(max(r.date, start) - start).days for r in rows], dtype=np.int64),
        supply=np.maximum(units, 0),
        demand=np.maximum(-units, 0),
        stock=np.zeros(len(rows), dtype=np.int64),
    )


def join_totals(*parts: DailyTotals) -> DailyTotals:
    return DailyTotals(
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in DailyTotals.__dataclass_fields__
        }
    )
