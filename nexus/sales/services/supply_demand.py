"""Sales demand by day: what confirmed orders still have to ship and have not reserved."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F

from nexus.inventory.services import SupplyDemandRow
from nexus.sales.models import OPEN_SALES_STATES, SalesOrderLine, reserved_by_line

SALES = "sales"


def supply_demand(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """Unreserved open sales-order quantities (negative, kind ``sales``) by promised date.

    Lines of confirmed and partially shipped orders, except dropship lines, count for what is
    still to ship **less what they hold reserved**: the reserved part is already inventory's
    ``reservation`` demand, so the combined view counts every unit of demand once. A line
    already overdue is dated ``start``; lines promised after ``end`` are left out. Two queries
    whatever the number of products and warehouses; rows are ordered like inventory's.
    """
    products = list(product_ids)
    warehouses = list(warehouse_ids)
    if end < start:
        raise ValueError("end is before start")
    if not products or not warehouses:
        return []
    open_lines = list(
        SalesOrderLine.objects.filter(
            product_id__in=products,
            warehouse_id__in=warehouses,
            dropship=False,
            order__status__in=OPEN_SALES_STATES,
            quantity__gt=F("shipped_quantity"),
            promised_date__lte=end,
        ).values_list("id", "product_id", "warehouse_id", "promised_date", "quantity", "shipped_quantity")
    )
    reserved = reserved_by_line([row[0] for row in open_lines])
    by_day: dict[tuple[int, int, dt.date], Decimal] = defaultdict(Decimal)
    for pk, product_id, warehouse_id, promised, quantity, shipped in open_lines:
        unreserved = quantity - shipped - reserved.get(pk, Decimal(0))
        if unreserved > 0:
            by_day[(product_id, warehouse_id, max(promised, start))] += unreserved
    rows = [SupplyDemandRow(p, w, day, SALES, -quantity) for (p, w, day), quantity in by_day.items()]
    rows.sort(key=lambda r: (r.product_id, r.warehouse_id, r.date, r.kind))
    return rows
