"""Sales demand by day: what confirmed orders still have to ship and have not reserved."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DateField, F, QuerySet, Sum, Value
from django.db.models.functions import Greatest

from nexus.inventory.services import SupplyDemandRow
from nexus.sales.models import OPEN_SALES_STATES, SalesOrderLine, with_reserved_open

SALES = "sales"


def sales_demand_by_day(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> QuerySet[SalesOrderLine, tuple[int, int, dt.date, Decimal]]:
    """Unreserved open sales quantities summed by the database: ``(product, warehouse, day, quantity)``.

    Lines of confirmed and partially shipped orders, except dropship lines, count for what is
    still to ship **less what they hold reserved** (computed in the same query): the reserved
    part is already inventory's ``reservation`` demand, so each unit of demand counts once.
    ``quantity`` is negative (demand); a line already overdue is summed into ``start``; lines
    promised after ``end`` are left out. One query, unordered.
    """
    if end < start:
        raise ValueError("end is before start")
    lines = SalesOrderLine.objects.filter(
        product_id__any=list(product_ids),
        warehouse_id__any=list(warehouse_ids),
        dropship=False,
        order__status__in=OPEN_SALES_STATES,
        quantity__gt=F("shipped_quantity"),
        promised_date__lte=end,
    )
    return (
        with_reserved_open(lines)
        .annotate(unreserved=F("quantity") - F("shipped_quantity") - F("reserved_open"))
        .filter(unreserved__gt=0)
        .values("product_id", "warehouse_id", day=Greatest("promised_date", Value(start, DateField())))
        .annotate(quantity=-Sum("unreserved"))
        .values_list("product_id", "warehouse_id", "day", "quantity")
        .order_by()
    )


def supply_demand(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """Unreserved open sales-order quantities (negative, kind ``sales``) by promised date.

    The rows of ``sales_demand_by_day``, ordered by product, warehouse, date and kind like
    inventory's. One query whatever the number of products and warehouses.
    """
    products, warehouses = list(product_ids), list(warehouse_ids)
    if end < start:
        raise ValueError("end is before start")
    if not products or not warehouses:
        return []
    rows = [
        SupplyDemandRow(p, w, day, SALES, quantity)
        for p, w, day, quantity in sales_demand_by_day(products, warehouses, start, end)
    ]
    rows.sort(key=lambda r: (r.product_id, r.warehouse_id, r.date, r.kind))
    return rows
