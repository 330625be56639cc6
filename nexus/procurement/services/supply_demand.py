"""Procurement's supply by day: what open purchase-order lines will bring, and when."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DateField, F, QuerySet, Sum, Value
from django.db.models.functions import Greatest

from nexus.inventory.services import SupplyDemandRow
from nexus.procurement.models import OPEN_PURCHASE_STATES, PurchaseOrderLine

PURCHASE = "purchase"


def purchase_supply_by_day(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> QuerySet[PurchaseOrderLine, tuple[int, int, dt.date, Decimal]]:
    """Open purchase quantities summed by the database: ``(product, warehouse, day, quantity)``.

    Lines of sent and partially received orders (not dropship ones, which bring nothing into a
    warehouse) count for what is still to come (ordered less received, never below zero);
    drafts, closed and cancelled orders count for nothing. A line already overdue is summed into
    ``start``; lines expected after ``end`` are left out. One query, unordered.
    """
    if end < start:
        raise ValueError("end is before start")
    return (
        PurchaseOrderLine.objects.filter(
            product_id__any=list(product_ids),
            order__warehouse_id__any=list(warehouse_ids),
            order__status__in=OPEN_PURCHASE_STATES,
            order__dropship=False,
            quantity__gt=F("received_quantity"),
            expected_date__lte=end,
        )
        .values("product_id", "order__warehouse_id", day=Greatest("expected_date", Value(start, DateField())))
        .annotate(quantity=Sum(F("quantity") - F("received_quantity")))
        .values_list("product_id", "order__warehouse_id", "day", "quantity")
        .order_by()
    )


def supply_demand(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """Open purchase-order quantities (positive, kind ``purchase``) by expected date.

    The rows of ``purchase_supply_by_day``, ordered by product, warehouse, date and kind like
    inventory's. One query whatever the number of products and warehouses.
    """
    products, warehouses = list(product_ids), list(warehouse_ids)
    if end < start:
        raise ValueError("end is before start")
    if not products or not warehouses:
        return []
    rows = [
        SupplyDemandRow(p, w, day, PURCHASE, quantity)
        for p, w, day, quantity in purchase_supply_by_day(products, warehouses, start, end)
    ]
    rows.sort(key=lambda r: (r.product_id, r.warehouse_id, r.date, r.kind))
    return rows
