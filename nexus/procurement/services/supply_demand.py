"""Procurement's supply by day: what open purchase-order lines will bring, and when."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Sum

from nexus.inventory.services import SupplyDemandRow
from nexus.procurement.models import OPEN_PURCHASE_STATES, PurchaseOrderLine

PURCHASE = "purchase"


def supply_demand(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """Open purchase-order quantities (positive, kind ``purchase``) by expected date.

    Lines of sent and partially received orders (not dropship ones, which bring nothing into a
    warehouse) count for what is still to come (ordered less
    received, never below zero); drafts, closed and cancelled orders count for nothing. A line
    already overdue is dated ``start``; lines expected after ``end`` are left out. One query
    whatever the number of products and warehouses; rows are ordered by product, warehouse,
    date and kind, like inventory's.
    """
    products = list(product_ids)
    warehouses = list(warehouse_ids)
    if end < start:
        raise ValueError("end is before start")
    if not products or not warehouses:
        return []
    open_lines = (
        PurchaseOrderLine.objects.filter(
            product_id__in=products,
            order__warehouse_id__in=warehouses,
            order__status__in=OPEN_PURCHASE_STATES,
            order__dropship=False,
            quantity__gt=F("received_quantity"),
            expected_date__lte=end,
        )
        .values("product_id", "order__warehouse_id", "expected_date")
        .annotate(open=Sum(F("quantity") - F("received_quantity")))
        .order_by()
    )
    by_day: dict[tuple[int, int, dt.date], Decimal] = defaultdict(Decimal)
    for row in open_lines:
        day = max(row["expected_date"], start)
        by_day[(row["product_id"], row["order__warehouse_id"], day)] += row["open"]
    rows = [SupplyDemandRow(p, w, day, PURCHASE, quantity) for (p, w, day), quantity in by_day.items()]
    rows.sort(key=lambda r: (r.product_id, r.warehouse_id, r.date, r.kind))
    return rows
