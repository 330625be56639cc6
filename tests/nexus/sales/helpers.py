"""Small helpers the sales tests share."""

import datetime as dt
from decimal import Decimal
from typing import Any

from nexus.core.models import OutboxEvent, TransitionLog
from nexus.inventory.models import CostLayer, Reservation, StockAvailability, StockBalance, StockMove
from nexus.sales.models import SalesOrder, SalesOrderLine, Shipment
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory


def draft_order(site: Any, *lines: tuple[Any, str], **fields: Any) -> SalesOrder:
    """A draft order of the site's customer from BER1, with (product, quantity) lines at 25.00."""
    fields = {"customer": site.customer, "warehouse": site.warehouse, **fields}
    order = SalesOrderFactory.create(**fields)
    for product, quantity in lines:
        SalesOrderLineFactory.create(
            order=order, product=product, quantity=Decimal(quantity), requested_date=dt.date(2026, 6, 10)
        )
    return order


def order_lines(order: SalesOrder) -> list[SalesOrderLine]:
    return list(SalesOrderLine.objects.filter(order=order).order_by("id"))


def refreshed(document: Any) -> Any:
    return type(document).objects.get(pk=document.pk)


def reserved(product: Any, warehouse: Any) -> Decimal:
    return StockAvailability.objects.get(product=product, warehouse=warehouse).reserved


def stock_snapshot() -> dict[str, Any]:
    """Everything a refused change must leave unchanged, in comparable form."""
    return {
        "moves": list(StockMove.objects.order_by("id").values_list("id", flat=True)),
        "layers": list(CostLayer.objects.order_by("id").values_list("id", "quantity_remaining")),
        "availability": list(
            StockAvailability.objects.order_by("id").values_list("id", "on_hand", "reserved", "value")
        ),
        "balances": list(StockBalance.objects.order_by("id").values_list("id", "on_hand", "value")),
        "reservations": list(
            Reservation.objects.order_by("id").values_list("id", "state", "quantity", "consumed_quantity")
        ),
        "outbox": list(OutboxEvent.objects.order_by("id").values_list("id", flat=True)),
        "transitions": TransitionLog.objects.count(),
        "orders": list(SalesOrder.objects.order_by("id").values_list("id", "status")),
        "lines": list(
            SalesOrderLine.objects.order_by("id").values_list("id", "shipped_quantity", "promised_date")
        ),
        "shipments": list(Shipment.objects.order_by("id").values_list("id", "status")),
    }
