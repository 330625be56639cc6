"""Supply and demand by day: the domains' plus the orchestrator's open transfers.

Adapters may not import the orchestrator's models, so the transfers join the domains' rows
here. A transfer not yet closed or cancelled is supply at its destination by its expected date
(what is neither received nor written off); at its source, only a draft is demand (by its ship
date) — an approved transfer's demand is its reservation, and shipped goods have left the stock.
"""

import datetime as dt
from collections.abc import Collection, Iterable
from decimal import Decimal

import numpy as np
from django.db.models import DateField, F, QuerySet, Sum, Value
from django.db.models.functions import Greatest

from supply_chain_ops import wiring
from supply_chain_ops.contracts.transfers import DailyTotals, SupplyDemandRow
from supply_chain_ops.models.transfers import OPEN_STATES, TransferOrderLine, TransferOrderStatus

TRANSFER_IN = "transfer_in"
TRANSFER_OUT = "transfer_out"
#: Quantities in the totals are ten-thousandths: the stock ledger's four decimal places.
PLACES = 4


def transfers_in_by_day(
    product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
) -> QuerySet[TransferOrderLine, tuple[int, int, dt.date, Decimal]]:
    """Open transfers' supply at their destination, summed: ``(product, warehouse, day, quantity)``."""
    return (
        TransferOrderLine.objects.filter(
            product_id__any=list(product_ids),
            order__destination_warehouse_id__any=list(warehouse_ids),
            order__status__in=OPEN_STATES,
            order__expected_date__lte=end,
        )
        .annotate(coming=F("quantity") - F("received_quantity") - F("written_off_quantity"))
        .filter(coming__gt=0)
        .values(
            "product_id",
            "order__destination_warehouse_id",
            day=Greatest("order__expected_date", Value(start, DateField())),
        )
        .annotate(total=Sum("coming"))
        .values_list("product_id", "order__destination_warehouse_id", "day", "total")
        .order_by()
    )


def transfers_out_by_day(
    product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
) -> QuerySet[TransferOrderLine, tuple[int, int, dt.date, Decimal]]:
    """Draft transfers' demand at their source (negative), summed: ``(product, warehouse, day, quantity)``."""
    return (
        TransferOrderLine.objects.filter(
            product_id__any=list(product_ids),
            order__source_warehouse_id__any=list(warehouse_ids),
            order__status=TransferOrderStatus.DRAFT,
            order__ship_date__lte=end,
        )
        .values(
            "product_id",
            "order__source_warehouse_id",
            day=Greatest("order__ship_date", Value(start, DateField())),
        )
        .annotate(total=-Sum("quantity"))
        .values_list("product_id", "order__source_warehouse_id", "day", "total")
        .order_by()
    )


def transfer_rows(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """The open transfers' rows summed by day (two queries); overdue ones dated ``start``, later left out."""
    products, warehouses = list(product_ids), list(warehouse_ids)
    if not products or not warehouses:
        return []
    return [
        SupplyDemandRow(product, warehouse, day, kind, quantity)
        for kind, query in (
            (TRANSFER_IN, transfers_in_by_day(products, warehouses, start, end)),
            (TRANSFER_OUT, transfers_out_by_day(products, warehouses, start, end)),
        )
        for product, warehouse, day, quantity in query
    ]


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


def cells_to_totals(rows: Iterable[tuple[int, int, dt.date, Decimal]], start: dt.date) -> DailyTotals:
    """``(product, warehouse, day, quantity)`` sums as totals: positive is supply, negative demand."""
    cells = np.array(
        [(p, w, (day - start).days, int(q.scaleb(PLACES))) for p, w, day, q in rows], dtype=np.int64
    ).reshape(-1, 4)
    quantity = cells[:, 3]
    return DailyTotals(
        product_id=cells[:, 0],
        warehouse_id=cells[:, 1],
        day=cells[:, 2],
        supply=np.maximum(quantity, 0),
        demand=np.maximum(-quantity, 0),
        stock=np.zeros(len(cells), dtype=np.int64),
    )


def join_totals(*parts: DailyTotals) -> DailyTotals:
    return DailyTotals(
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in DailyTotals.__dataclass_fields__
        }
    )
